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
