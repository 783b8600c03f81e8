from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner program")

    def ready(self) -> None:
        from clients.tenancy import register_access_resolver, register_membership_related

        from .access import partner_access

        register_access_resolver(partner_access)
        # The acting org's partner profile comes with the memberships (one query less a page).
        register_membership_related("org__partner_profile__commission_plan")
