from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Asked before an action that issues an invoice at once (portal/confirm.py: a dialog, or a page without JavaScript).
CONFIRMATIONS = {
    "billing.order": _("Place this order? The invoice is issued at once, at the price shown."),
    "billing.renew": _("Renew this product for the period chosen? The invoice is issued at once."),
}


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self):
        from portal.confirm import register_confirmation

        for key, message in CONFIRMATIONS.items():
            register_confirmation(key, message)

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
