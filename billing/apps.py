from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self):
        # PS-16: partners' "clients under management" shows billing figures without
        # importing billing. If partners offers a provider hook (like
        # clients.tenancy.register_access_resolver), billing plugs its figures in.
        from partners import selectors as partner_selectors

        register = getattr(partner_selectors, "register_client_figures_provider", None)
        if register is not None:
            from .selectors import client_figures_for

            register(client_figures_for)
        # PP-4: the partner console shows the rolling 12-month volume against the minimum.
        register_volume = getattr(partner_selectors, "register_program_volume_provider", None)
        if register_volume is not None:
            from .selectors import rolling_volume

            register_volume(rolling_volume)
