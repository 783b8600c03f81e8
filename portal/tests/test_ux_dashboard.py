"""Issue 8 (usability): the dashboard answers "what needs me now", per role.

Each card shows a count and a link to act, or an empty state that says what to do next;
the page makes the same number of queries whatever the number of items.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import BalanceEntry, PayoutRequest, PrepaidAccount
from billing.selectors import cashback_this_month
from billing.tests.factories import full, order, org_with_rep, own_access, partner_org
from clients.models import Role
from clients.tests.factories import OrganizationFactory
from partners.models import Partnership
from partners.tests.factories import ApplicationFactory, PartnershipFactory, member
from portal.tests.factories import UserFactory
from tenders.tests.factories import DeliveryFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/manager/"
PENDING_URL = "/manager/partners/pending/"


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def _invite_from_partner(client_org):
    partner, _ = partner_org()
    return PartnershipFactory(
        partner=partner, client=client_org, status=Partnership.Status.PENDING, initiated_by=Partnership.Side.PARTNER
    )


def _invite_from_client(partner):
    customer, _ = org_with_rep()
    return PartnershipFactory(
        partner=partner, client=customer, status=Partnership.Status.PENDING, initiated_by=Partnership.Side.CLIENT
    )


# --- client side ---------------------------------------------------------------------------


def test_ux_client_legal_rep_sees_partner_invitation_to_answer(client, catalog):
    org, rep = org_with_rep()
    _invite_from_partner(org)
    page = _page(client, rep)
    assert "1 partnership invitation waits for your answer" in page
    assert f'href="{PENDING_URL}"' in page


def test_ux_client_admin_sees_partner_requests_waiting_for_a_legal_rep(client, catalog):
    org, _rep = org_with_rep()
    admin = member(org, role=Role.ADMINISTRATOR)
    _invite_from_partner(org)
    _invite_from_partner(org)
    page = _page(client, admin)
    assert "2 partnership invitations wait for a legal representative's answer." in page
    assert f'href="{PENDING_URL}"' in page


def test_ux_client_sees_its_own_invitation_waiting_for_the_partner(client, catalog):
    org, rep = org_with_rep()
    partner, _ = partner_org()
    PartnershipFactory(
        partner=partner, client=org, status=Partnership.Status.PENDING, initiated_by=Partnership.Side.CLIENT
    )
    page = _page(client, rep)
    assert "1 invitation you sent waits for the other side." in page


def test_ux_client_empty_states_say_what_to_do_next(client, catalog):
    org, rep = org_with_rep()
    page = _page(client, rep)
    assert "No invitation waits for an answer. Need help with your products? Find a partner in the directory." in page
    assert 'href="/directory/"' in page
    assert "Nothing to pay. Your next invoice appears here when you order or renew a product." in page
    assert "Cashback this month" not in page  # not a partner


def test_ux_client_sees_unpaid_invoices_with_a_link_to_pay(client, catalog):
    org, rep = org_with_rep()
    order(own_access(rep, org), org)
    page = _page(client, rep)
    assert "1 invoice to pay." in page and 'href="/manager/billing/to-pay/"' in page


# --- partner side --------------------------------------------------------------------------


def _busy_partner(n: int):
    """A partner with n of everything: clients' invitations, rights to review, new tender
    requests, unpaid invoices and cashback this month."""
    partner, rep = partner_org()
    SubscriptionFactory(org=partner)
    for i in range(n):
        _invite_from_client(partner)
        customer, customer_rep = org_with_rep()
        PartnershipFactory(partner=partner, client=customer, needs_review=True)
        DeliveryFactory(partner=partner)
        order(own_access(rep, partner), partner, name=f"own{i}.example.ch")
        order(own_access(customer_rep, customer), customer, name=f"client{i}.example.ch")
    return partner, rep


def test_ux_partner_legal_rep_sees_everything_that_needs_them(client, catalog):
    partner, rep = _busy_partner(2)
    page = _page(client, rep)
    assert "2 partnership invitations wait for your answer" in page and f'href="{PENDING_URL}"' in page
    assert "2 clients granted rights to review" in page and 'href="/manager/partners/#to-review"' in page
    assert "2 new quote requests for you." in page and 'href="/manager/tenders/"' in page
    assert "2 invoices to pay." in page and 'href="/manager/billing/to-pay/"' in page
    assert "Cashback this month" in page and 'href="/manager/billing/revenue/"' in page
    total = cashback_this_month(org=partner)["CHF"]["total"]
    assert total > 0
    assert f"CHF\u00a0{total:,.2f}" in page


def test_ux_partner_empty_states_say_what_to_do_next(client, catalog):
    partner, rep = partner_org()
    SubscriptionFactory(org=partner)
    page = _page(client, rep)
    assert "No invitation waits for an answer. Add a client by email to manage their products." in page
    assert 'href="/manager/partners/clients/invite/"' in page
    assert "Nothing to review. When a client accepts your invitation" in page
    assert "No new quote request. Receive more by widening" in page
    assert "No cashback yet this month." in page


def test_ux_cashback_this_month_is_one_query_and_skips_last_month(catalog, django_assert_num_queries):
    from django.utils import timezone

    partner, _rep = partner_org()
    customer, customer_rep = org_with_rep()
    full(partner, customer)
    order(own_access(customer_rep, customer), customer)
    entry = partner.cashback_entries.get()
    with django_assert_num_queries(1):
        month = cashback_this_month(org=partner)
    assert month["CHF"]["total"] == entry.amount and month["CHF"]["pending"] == entry.amount
    later = timezone.localtime() + timezone.timedelta(days=40)
    assert cashback_this_month(org=partner, now=later) == {}


def test_ux_partner_dashboard_queries_do_not_grow_with_items(client, catalog, django_assert_max_num_queries):
    _small, small_rep = _busy_partner(1)
    client.force_login(small_rep)
    client.get(DASHBOARD)  # warm per-process caches
    with django_assert_max_num_queries(200) as small:
        client.get(DASHBOARD)
    budget = len(small.captured_queries)  # read now: the next request resets the query log
    assert budget > 0
    _big, big_rep = _busy_partner(6)
    client.force_login(big_rep)
    client.get(DASHBOARD)
    with django_assert_max_num_queries(budget):
        response = client.get(DASHBOARD)
    assert "6 partnership invitations wait for your answer" in response.content.decode()


# --- staff ---------------------------------------------------------------------------------


def _staff():
    return UserFactory(is_staff=True)


def test_ux_staff_sees_applications_and_payouts_to_settle(client, catalog):
    ApplicationFactory(org=OrganizationFactory())
    ApplicationFactory(org=OrganizationFactory())
    partner, rep = partner_org()
    PrepaidAccount.objects.create(org=partner, currency="CHF")
    PayoutRequest.objects.create(org=partner, amount=Decimal("50.00"), currency="CHF", method="paypal")
    page = _page(client, _staff())
    assert "2 partner applications to review." in page and 'href="/manager/partners/staff/applications/"' in page
    assert "1 payout request to settle." in page
    assert 'href="/admin/billing/payoutrequest/?status__exact=requested"' in page


def test_ux_staff_empty_states(client, catalog):
    page = _page(client, _staff())
    assert "No application waits for review." in page
    assert "No payout request to settle." in page


def test_ux_staff_cards_hidden_from_non_staff(client, catalog):
    ApplicationFactory(org=OrganizationFactory())
    org, rep = org_with_rep()
    page = _page(client, rep)
    assert "Partner applications (staff)" not in page and "Payout requests (staff)" not in page


def test_ux_dashboard_balance_kept(client, catalog):
    org, rep = org_with_rep()
    account = PrepaidAccount.objects.create(org=org, currency="EUR")
    BalanceEntry.objects.create(account=account, kind="adjustment", amount=Decimal("-3.00"))
    assert "\u2212EUR\u00a03.00" in _page(client, rep)


def test_ux_partner_dashboard_in_spanish(client, catalog):
    partner, rep = _busy_partner(1)
    rep.language = "es"
    rep.save(update_fields=["language"])
    page = _page(client, rep)
    assert "Cashback de este mes" in page
    assert "1 invitación de colaboración espera tu respuesta" in page
    assert "Facturas por pagar" in page
    total = cashback_this_month(org=partner)["CHF"]["total"]
    assert f"{total:.2f}".replace(".", ",") + "\u00a0CHF" in page


def test_ux_team_card_counts_member_invitations_not_accepted(client, catalog):
    from datetime import timedelta

    from django.utils import timezone

    from clients.models import MemberInvitation

    org, rep = org_with_rep()
    for i in range(2):
        MemberInvitation.objects.create(org=org, email=f"new{i}@example.ch", role=Role.COLLABORATOR, invited_by=rep)
    MemberInvitation.objects.create(
        org=org,
        email="old@example.ch",
        role=Role.COLLABORATOR,
        invited_by=rep,
        expires_at=timezone.now() - timedelta(days=1),
    )

    page = _page(client, rep)

    assert "2 member invitations not accepted yet." in page
    assert MemberInvitation.objects.filter(org=org, status=MemberInvitation.Status.PENDING).count() == 3
