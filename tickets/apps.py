from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self) -> None:
        from clients.signals import product_ordered

        from .services import support_plan_from_order

        # SP-2: ordering Premium Support in the shop subscribes the org (billing
        # announces the order through clients; tickets never imports billing).
        product_ordered.connect(support_plan_from_order, dispatch_uid="tickets-support-plan-from-order")
