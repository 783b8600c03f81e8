from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What a destructive action asks before it runs (portal/confirm.py): the button's dialog
# with JavaScript, the confirmation page without.
CONFIRMATIONS = {
    "partners.decline": _("Decline this invitation? The other side is emailed."),
    "partners.staff_reject": _("Reject this application? The applicant is emailed the reason."),
    "partners.withdraw": _("Delete this invitation? The link in the email stops working."),
}


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner program")

    def ready(self) -> None:
        from portal.confirm import register_confirmation

        for key, message in CONFIRMATIONS.items():
            register_confirmation(key, message)

        from clients.tenancy import register_access_guard, register_access_resolver, register_membership_related

        from .access import partner_access, partner_mfa_guard

        register_access_resolver(partner_access)
        register_access_guard(partner_mfa_guard)  # SEC-2: every manager page and API call of the org
        # The acting org's partner profile comes with the memberships (one query less a page).
        register_membership_related("org__partner_profile__commission_plan")

        from django.db.models.signals import post_save

        from clients.models import Organization

        from .signals import organization_saved

        post_save.connect(organization_saved, sender=Organization, dispatch_uid="partners.organization_saved")
