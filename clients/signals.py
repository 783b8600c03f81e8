"""Events of the clients layer that higher apps may listen to, so that no app
imports a sibling (billing and tickets both sit above clients)."""

from django.dispatch import Signal

#: Sent when an org's product is ordered (new) by whoever pays; args: `product`.
product_ordered = Signal()
