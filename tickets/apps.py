from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What a destructive action asks before it runs (portal/confirm.py): the button's dialog
# with JavaScript, the confirmation page without.
CONFIRMATIONS = {
    "tickets.access_revoke": _("Revoke this access now? Support staff lose it at once."),
    "tickets.code_regenerate": _("Generate a new code? The old code stops working at once."),
}


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self) -> None:
        from portal.confirm import register_confirmation

        for key, message in CONFIRMATIONS.items():
            register_confirmation(key, message)

        from clients.signals import product_ordered

        from .services import support_plan_from_order

        # SP-2: ordering Premium Support in the shop subscribes the org (billing
        # announces the order through clients; tickets never imports billing).
        product_ordered.connect(support_plan_from_order, dispatch_uid="tickets-support-plan-from-order")

        # The support widget's cached facts (selectors.support_facts_for) are dropped
        # whenever a code or a plan is saved or deleted, whatever saves it (admin too).
        from django.db.models.signals import post_delete, post_save

        from .models import SupportCode, SupportPlan
        from .selectors import support_facts_forget

        def code_changed(sender, instance, **kwargs):
            support_facts_forget(user_id=instance.user_id)

        def plan_changed(sender, instance, **kwargs):
            support_facts_forget(org_id=instance.org_id)

        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(code_changed, sender=SupportCode, dispatch_uid=f"tickets-code-{name}", weak=False)
            signal.connect(plan_changed, sender=SupportPlan, dispatch_uid=f"tickets-plan-{name}", weak=False)
