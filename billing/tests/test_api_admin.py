import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing import services
from billing.models import Order, PayoutRequest
from clients.api_auth import token_generate
from clients.models import AccessToken

from .factories import D, full, member, order, org_with_rep, own_access, partner_org

pytestmark = pytest.mark.django_db
ITEM = {"product_type": "domain-ch", "name": "t.ch", "period": "1y"}


def _token(user, org) -> str:
    raw, prefix, digest = token_generate()
    AccessToken.objects.create(
        user=user,
        org=org,
        name="ci",
        prefix=prefix,
        digest=digest,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return raw


def test_sec1_token_of_one_org_cannot_order_for_another_via_client_slug(client, catalog):
    a, user = org_with_rep()
    b, _ = org_with_rep()
    member_b = b.memberships.get().user
    # the same person is a member of A and of B; the token is scoped to A
    from clients.models import Membership

    Membership.objects.create(org=a, user=member_b, role="legal_representative")
    raw = _token(member_b, a)
    response = client.post(
        f"/api/v1/orgs/{a.slug}/orders/",
        {"client": b.slug, "items": [ITEM]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "token_scope"
    assert not Order.objects.exists()


def test_bl3_token_orders_in_its_org(client, catalog):
    org, user = org_with_rep()
    raw = _token(user, org)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/orders/",
        {"items": [ITEM]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201
    assert Order.objects.get().client == org


def test_bl3_unknown_product_type_400(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/orders/",
        {"items": [{"product_type": "nope", "name": "x", "period": "1y"}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "unknown_product_type"
    assert not Order.objects.exists()


def test_bl1_period_not_sold_400(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/orders/",
        {"items": [{"product_type": "domain-ch", "name": "x.ch", "period": "1m"}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "no_price"
    assert not Order.objects.exists()


def test_bl8_invoice_lists_query_count_is_flat(client, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org, user = org_with_rep()
    client.force_login(user)

    def counts():
        client.get("/manager/billing/invoices/")  # warm the session
        with CaptureQueriesContext(connection) as page:
            assert client.get("/manager/billing/invoices/").status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client.get(f"/api/v1/orgs/{org.slug}/invoices/").status_code == 200
        return len(page), len(api)

    order(own_access(user, org), org, slug="domain-ch", name="d0.ch")
    one = counts()
    for i in range(1, 9):
        order(own_access(user, org), org, slug="domain-ch", name=f"d{i}.ch")
    assert counts() == one


def test_bl6_staff_settles_payout_in_admin(client, catalog):
    partner, user = partner_org()
    account = services.prepaid_account_for(org=partner, currency="CHF")
    from billing.models import BalanceEntry

    BalanceEntry.objects.create(account=account, kind="adjustment", amount=D("50"))
    payout = services.payout_request_create(
        access=own_access(user, partner), amount=D("50"), currency="CHF", method="paypal", paypal_email="p@x.ch"
    )
    staff = member(partner)
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/billing/invoice/").status_code == 200
    assert client.get("/admin/billing/price/").status_code == 200
    response = client.post("/admin/billing/payoutrequest/", {"action": "mark_paid", "_selected_action": [payout.pk]})
    assert response.status_code == 302
    assert PayoutRequest.objects.get().status == "paid"


@pytest.mark.parametrize("model", ["invoice", "payment", "cashbackentry", "prepaidaccount"])
def test_perf_ledger_admin_counts_its_rows_once(client, catalog, model):
    """Issue 9: a ledger's changelist runs one COUNT (the list's), not a second for "N of M"."""
    partner, partner_user = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    order(own_access(user, customer), customer)
    staff = member(partner)
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/admin/billing/{model}/")

    assert response.status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    # The memberships query carries the tender inbox's unread count (tenders/apps.py): not the list's.
    assert len([sql for sql in counts if not sql.startswith('SELECT "clients_membership"')]) == 1
