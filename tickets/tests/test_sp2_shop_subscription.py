"""SP-2: a client subscribes to Premium Support from the shop (billing)."""

import pytest

from billing.demo import seed_catalog
from billing.tests.factories import order
from clients.tenancy import access_for
from tickets.models import SupportPlan

pytestmark = pytest.mark.django_db


def test_sp2_ordering_support_pro_in_the_shop_subscribes_the_org_with_a_vip_code(org, legal_rep):
    seed_catalog()
    order(access_for(user=legal_rep, org=org), org, slug="support-pro", period="1y", name="Premium Support")
    plan = SupportPlan.objects.get(org=org)
    assert plan.level == "pro" and plan.vip_code


def test_sp2_ordering_another_product_leaves_the_support_plan_alone(org, legal_rep):
    seed_catalog()
    order(access_for(user=legal_rep, org=org), org, slug="web-hosting-pro")
    assert not SupportPlan.objects.filter(org=org).exclude(level="none").exists()


def test_sp2_support_page_links_to_the_shop_to_subscribe(client, org, legal_rep):
    client.force_login(legal_rep)
    page = client.get("/manager/support/").content.decode()
    assert "/manager/billing/shop/" in page
