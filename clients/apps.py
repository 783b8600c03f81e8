from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What a destructive action asks before it runs (portal/confirm.py): the button's dialog
# with JavaScript, the confirmation page without.
CONFIRMATIONS = {
    "clients.invitation_revoke": _("Revoke this invitation? The link in the email stops working."),
    "clients.member_leave": _("Leave this organization? You lose access to it at once."),
    "clients.member_remove": _("Remove this member from the organization? They lose access at once."),
    "clients.member_set_role": _(
        "Change this member's role? They are emailed. A legal representative who gives up the role can't take it "
        "back themselves."
    ),
    "clients.token_revoke": _("Revoke this token? Scripts that use it stop working at once."),
}


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from portal.confirm import register_confirmation

        for key, message in CONFIRMATIONS.items():
            register_confirmation(key, message)
