"""BL-6/BL-8 properties (hypothesis): random sequences of billing operations keep the
ledger reconciled, invoice numbers gap-free and every balance non-negative.

The orgs (built once per test): client A with no partner, B with a limited partner
(Q manages its hosting and domain), C with a full partner that the client pays
(P; Q also manages one of C's hostings: full and limited coexist, PS-7), D with a
full partner that pays (P). Steps: orders and renewals by the client or by its
partner (a partner without the right is refused), payments by card (the simulated
gateway's success and declined cards) and from the prepaid balance, credit notes
of paid and unpaid invoices, payout requests and their settlement.

After every step: `billing_reconcile()` is empty, the year's numbers are 1..N
with the counter at N, no balance is negative but
for a clawback (cashback reversed by a credit note after the partner spent or withdrew it). A service may refuse with a
`RuleViolation` (anything else fails the test), and a refusal changes nothing
(row counts) — except a declined card, which records the failed attempt only.

Each example runs in a savepoint rolled back at its end, so examples start
from the same database.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from billing import services
from billing.gateway import SimulatedGateway
from billing.models import (
    BalanceEntry,
    CashbackEntry,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Order,
    OrderLine,
    Payment,
    PayoutRequest,
)
from billing.reconcile import billing_reconcile
from clients.models import Product
from clients.tenancy import access_for
from portal.errors import RuleViolation

from .factories import ProductFactory, full, limited, org_with_rep, partner_org, ptype

pytestmark = pytest.mark.django_db

SLUGS = ["web-hosting-pro", "web-hosting-basic", "domain-ch", "mail-pro"]
PERIODS = ["1y", "1m", "2y"]  # domain-ch has no 1m price, nothing has 2y but domains: refusals too
IBAN = "CH93 0076 2011 6238 5295 7"
COUNTED = (Order, OrderLine, Invoice, InvoiceLine, Payment, CashbackEntry, BalanceEntry, PayoutRequest, Product)


def row_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["numbers"] = InvoiceCounter.objects.aggregate(t=Sum("last_number"))["t"] or 0
    counts["paid"] = Invoice.objects.filter(status="paid").count()
    counts["cancelled"] = Invoice.objects.filter(status="cancelled").count()
    counts["earned"] = CashbackEntry.objects.filter(status="earned").count()
    counts["settled"] = PayoutRequest.objects.exclude(status="requested").count()
    counts["expiries"] = hash(tuple(Product.objects.order_by("pk").values_list("expires_at", flat=True)))
    return counts


def world():
    """The orgs and people of the module docstring (inside the test's transaction)."""
    p, p_user = partner_org(name="Partner P AG")
    q, q_user = partner_org(name="Partner Q AG")
    clients = {}
    for key in "ABCD":
        org, user = org_with_rep(name=f"Client {key} AG")
        clients[key] = (org, user)
    b, c, d = clients["B"][0], clients["C"][0], clients["D"][0]
    b_products = [
        ProductFactory(org=b, product_type=ptype("web-hosting-basic"), name="b-site.ch"),
        ProductFactory(org=b, product_type=ptype("domain-ch"), name="b.ch"),
    ]
    limited(q, b, b_products)
    c_site = ProductFactory(org=c, product_type=ptype("web-hosting-pro"), name="c-site.ch")
    ProductFactory(org=c, product_type=ptype("domain-ch"), name="c.ch")
    ProductFactory(org=d, product_type=ptype("mail-pro"), name="mail.d.ch")
    full(p, c, payment_method="client_pays")
    limited(q, c, [c_site])
    full(p, d, payment_method="partner_pays")
    # Who a partner person is for each client ("the partner" of the orderer column).
    partner_of = {"A": p_user, "B": q_user, "C": p_user, "D": p_user}  # P has no partnership with A
    return {"clients": clients, "partners": {"P": (p, p_user), "Q": (q, q_user)}, "partner_of": partner_of}


class BillingMachine(RuleBasedStateMachine):
    """Billing operations in random order; `world` is set on the class by the test.

    `done` counts, over all examples, each operation that went through and each
    refusal code, so that the test can show the steps really happened."""

    world: dict = {}
    done: dict[str, int] = {}

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------------

    def attempt(self, name: str, action, *, declined_card: bool = False):
        """Run a service; a RuleViolation must leave every row as it was."""
        before = row_counts()
        try:
            result = action()
        except RuleViolation as exc:
            after = row_counts()
            if exc.code == "payment_failed":
                assert declined_card
                before["Payment"] += 1  # the failed attempt is recorded, nothing else
            assert after == before, f"{exc.code} changed {[k for k in after if after[k] != before[k]]}"
            self.count(f"refused:{exc.code}")
            return None
        self.count(name)
        return result

    def count(self, what: str) -> None:
        self.done[what] = self.done.get(what, 0) + 1

    def orderer(self, key: str, by_partner: bool):
        org, user = self.world["clients"][key]
        return access_for(user=self.world["partner_of"][key] if by_partner else user, org=org), org

    def pick(self, queryset, index: int):
        rows = list(queryset.order_by("pk"))
        return rows[index % len(rows)] if rows else None

    def payer_access(self, invoice: Invoice):
        rep = invoice.org.memberships.filter(role="legal_representative").first().user
        return access_for(user=rep, org=invoice.org)

    # --- rules -----------------------------------------------------------------------------

    @initialize(key=st.sampled_from("ABCD"), slug=st.sampled_from(SLUGS), paid=st.booleans())
    def first_order(self, key, slug, paid):
        """Every example starts with one order by a client, paid or not, so that there is
        something to pay, and often some cashback in a partner's balance to spend or withdraw."""
        access, client = self.orderer(key, by_partner=False)
        item = services.OrderItem(product_type=ptype(slug), period="1y", name=f"first.{key.lower()}.ch")
        invoice = services.order_place(access=access, client=client, items=[item]).invoices.get()
        if paid:
            services.invoice_pay(
                access=self.payer_access(invoice), invoice=invoice, card_number=SimulatedGateway.SUCCESS
            )

    @rule(
        key=st.sampled_from("ABCD"),
        by_partner=st.booleans(),
        slug=st.sampled_from(SLUGS),
        period=st.sampled_from(PERIODS),
    )
    def order(self, key, by_partner, slug, period):
        access, client = self.orderer(key, by_partner)
        item = services.OrderItem(product_type=ptype(slug), period=period, name=f"{slug}.{key.lower()}.ch")
        name = f"order:{key}:{'partner' if by_partner else 'client'}"
        self.attempt(name, lambda: services.order_place(access=access, client=client, items=[item]))

    @rule(key=st.sampled_from("ABCD"), by_partner=st.booleans(), index=st.integers(0, 50))
    def renew(self, key, by_partner, index):
        access, client = self.orderer(key, by_partner)
        product = self.pick(Product.objects.filter(org=client), index)
        if product is None:
            return
        self.attempt("renew", lambda: services.product_renew(access=access, product=product, period="1y"))

    def invoices(self, unpaid: bool):
        """Mostly the unpaid ones (something to pay); otherwise any (paying twice is refused)."""
        return Invoice.objects.filter(status="unpaid") if unpaid else Invoice.objects.all()

    @rule(index=st.integers(0, 50), unpaid=st.booleans(), succeeds=st.booleans())
    def pay_by_card(self, index, unpaid, succeeds):
        invoice = self.pick(self.invoices(unpaid), index)
        if invoice is None:
            return
        card = SimulatedGateway.SUCCESS if succeeds else SimulatedGateway.DECLINED
        self.attempt(
            "pay:card",
            lambda: services.invoice_pay(access=self.payer_access(invoice), invoice=invoice, card_number=card),
            declined_card=not succeeds and invoice.status == "unpaid",
        )

    @rule(index=st.integers(0, 50), unpaid=st.booleans())
    def pay_from_balance(self, index, unpaid):
        invoice = self.pick(self.invoices(unpaid), index)
        if invoice is not None:
            self.attempt(
                "pay:balance",
                lambda: services.invoice_pay(access=self.payer_access(invoice), invoice=invoice, method="balance"),
            )

    @rule(index=st.integers(0, 50), unpaid=st.booleans())
    def credit(self, index, unpaid):
        invoice = self.pick(self.invoices(unpaid), index)  # paid, cancelled, credit notes: refused twice
        if invoice is not None:
            name = f"credit:{invoice.status}"
            self.attempt(name, lambda: services.invoice_credit(invoice=invoice, reason="property test"))

    @precondition(lambda self: BalanceEntry.objects.filter(account__org__name__startswith="Partner").exists())
    @rule(who=st.sampled_from("PQ"), share=st.sampled_from(["0.5", "1", "2"]), bank=st.booleans())
    def request_payout(self, who, share, bank):
        org, user = self.world["partners"][who]
        balance = services.balance_of(account=services.prepaid_account_for(org=org, currency="CHF"))
        amount = services.money(balance * Decimal(share))
        details = {"method": "bank", "iban": IBAN} if bank else {"method": "paypal", "paypal_email": "pay@example.ch"}
        self.attempt(
            "payout",
            lambda: services.payout_request_create(
                access=access_for(user=user, org=org), amount=amount, currency="CHF", **details
            ),
        )

    @precondition(lambda self: PayoutRequest.objects.exists())
    @rule(index=st.integers(0, 50), paid=st.booleans())
    def settle_payout(self, index, paid):
        payout = self.pick(PayoutRequest.objects.all(), index)  # settled ones: refused
        if payout is not None:
            name = "payout:paid" if paid else "payout:rejected"
            self.attempt(name, lambda: services.payout_settle(payout=payout, by=None, paid=paid))

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def ledger_reconciles(self):
        assert billing_reconcile() == []

    @invariant()
    def numbers_gap_free(self):
        year = timezone.now().year
        numbers = sorted(
            int(n[5:]) for n in Invoice.objects.filter(number__startswith=f"{year}-").values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
        counter = InvoiceCounter.objects.filter(year=year).values_list("last_number", flat=True).first() or 0
        assert counter == len(numbers)

    @invariant()
    def no_balance_overdrawn(self):
        """No balance below zero, but for clawbacks: a credit note reverses cashback the
        partner may already have spent or withdrawn (see test_bl6_clawback_after_payout_...)."""
        rows = BalanceEntry.objects.values("account").annotate(
            total=Sum("amount"), clawback=Sum("amount", filter=Q(kind="cashback_reversal"))
        )
        for row in rows:
            total, clawback = (Decimal(row[k] or 0).quantize(Decimal("0.01")) for k in ("total", "clawback"))
            assert total - clawback >= 0, row


def test_bl6_random_billing_operations_keep_the_ledger_reconciled(catalog):
    BillingMachine.world = world()
    BillingMachine.done = {}
    run_state_machine_as_test(
        BillingMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            database=None,  # no .hypothesis/ directory in the work tree
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    done = BillingMachine.done  # e.g. {"order:C:partner": 14, "pay:card": 5, "refused:not_allowed_to_order": 44, …}
    assert any(k.startswith("order:") for k in done) and any(k.startswith("refused:") for k in done), done


def test_bl6_declined_card_records_only_the_attempt(catalog):
    """The one refusal that leaves a row: the failed payment (BL-9), nothing else."""
    machine_world = world()
    client, user = machine_world["clients"]["A"]
    invoice = services.order_place(
        access=access_for(user=user, org=client),
        client=client,
        items=[services.OrderItem(product_type=ptype("domain-ch"), period="1y", name="a.ch")],
    ).invoices.get()
    before = row_counts()
    with pytest.raises(RuleViolation) as exc:
        services.invoice_pay(
            access=access_for(user=user, org=client), invoice=invoice, card_number=SimulatedGateway.DECLINED
        )
    assert exc.value.code == "payment_failed"
    after = row_counts()
    assert after["Payment"] == before["Payment"] + 1 and Payment.objects.get().status == "failed"
    assert {k: v for k, v in after.items() if k != "Payment"} == {k: v for k, v in before.items() if k != "Payment"}
    assert Invoice.objects.get().status == "unpaid"
    assert billing_reconcile() == []


def test_bl6_clawback_after_payout_leaves_the_partner_owing(catalog):
    """Found by the property test: cashback earned, paid out, then the invoice is credited.
    BL-6 wants a reversing entry, so the partner's balance goes below zero (a debt that
    later cashback pays back); no payout or balance payment is possible until then.
    Reported to the lead (BL-6: a holding period before payout would avoid the debt)."""
    w = world()
    (q, q_user), (b, b_user) = w["partners"]["Q"], w["clients"]["B"]
    site = Product.objects.get(org=b, name="b-site.ch")
    invoice = services.product_renew(access=access_for(user=b_user, org=b), product=site, period="1y").invoices.get()
    services.invoice_pay(access=access_for(user=b_user, org=b), invoice=invoice, card_number=SimulatedGateway.SUCCESS)
    q_access = access_for(user=q_user, org=q)
    services.payout_request_create(access=q_access, amount=Decimal("24.75"), currency="CHF", method="bank", iban=IBAN)
    services.invoice_credit(invoice=invoice, reason="refund")
    assert services.balance_of(account=services.prepaid_account_for(org=q, currency="CHF")) == Decimal("-24.75")
    assert billing_reconcile() == []
    with pytest.raises(RuleViolation) as exc:
        services.payout_request_create(access=q_access, amount=Decimal("1"), currency="CHF", method="bank", iban=IBAN)
    assert exc.value.code == "insufficient_balance"
