from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What a destructive action asks before it runs (portal/confirm.py): the button's dialog
# with JavaScript, the confirmation page without.
CONFIRMATIONS = {
    "tenders.accept_quote": _("Accept this quote? The request is then awarded and closed."),
    "tenders.close_request": _("Close this request without accepting a quote?"),
    "tenders.decline": _("Decline this request? You cannot send a quote for it afterwards."),
}


class TendersConfig(AppConfig):
    name = "tenders"
    verbose_name = _("Tenders and directory")

    def ready(self) -> None:
        from portal.confirm import register_confirmation

        for key, message in CONFIRMATIONS.items():
            register_confirmation(key, message)

        from clients.tenancy import register_membership_annotation

        from .selectors import NEW_COUNT_ANNOTATION, new_count_expression

        # The nav's unread badge comes with the memberships: one query less on every page (issue 9).
        register_membership_annotation(NEW_COUNT_ANNOTATION, new_count_expression)
