"""BL-9: the payment gateway interface and the simulated gateway used by default.

A real provider (Stripe, Datatrans, …) implements `PaymentGateway`; the class is
chosen with the `BILLING_PAYMENT_GATEWAY` setting (dotted path).
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ChargeResult:
    succeeded: bool
    reference: str
    message: str = ""


class PaymentGateway(ABC):
    @abstractmethod
    def charge(self, *, amount: Decimal, currency: str, card_number: str, description: str) -> ChargeResult:
        """Charge a card once. Never raises for a declined card: returns a failed result."""


class SimulatedGateway(PaymentGateway):
    """Test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined."""

    SUCCESS = "4242424242424242"
    DECLINED = "4000000000000002"

    def charge(self, *, amount: Decimal, currency: str, card_number: str, description: str) -> ChargeResult:
        digits = "".join(ch for ch in card_number or "" if ch.isdigit())
        if digits == self.SUCCESS:
            return ChargeResult(True, f"sim_{secrets.token_hex(8)}")
        if digits == self.DECLINED:
            return ChargeResult(False, f"sim_{secrets.token_hex(8)}", _("The card was declined by the bank."))
        return ChargeResult(
            False,
            "",
            _("Unknown card. With the simulated gateway use 4242 4242 4242 4242 (succeeds) or 4000 0000 0000 0002."),
        )


def get_gateway() -> PaymentGateway:
    path = getattr(settings, "BILLING_PAYMENT_GATEWAY", "billing.gateway.SimulatedGateway")
    return import_string(path)()
