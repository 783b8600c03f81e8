import datetime

import pytest
from django.utils import timezone

from billing.models import Invoice, Order
from clients.models import AuditEvent, Product, Role
from partners.models import CollaboratorRights

from .factories import (
    D,
    ProductFactory,
    full,
    hosting,
    limited,
    member,
    org_with_rep,
    own_access,
    partner_org,
    ptype,
    renew,
)

pytestmark = pytest.mark.django_db

ITEM = {"product_type": "web-hosting-pro", "name": "new.example.ch", "period": "1y"}


def test_bl3_client_orders_for_itself(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    response = client.post(f"/api/v1/orgs/{org.slug}/orders/", {"items": [ITEM]}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["payer"] == org.slug and body["invoice"]
    product = Product.objects.get(name="new.example.ch")
    assert product.org == org and product.expires_at > timezone.localdate()
    assert Invoice.objects.get(org=org).net == D("347.20")
    assert AuditEvent.objects.filter(action="order.placed", org=org, actor=user).exists()


def test_bl3_collaborator_without_order_right_refused(client, catalog):
    org, _ = org_with_rep()
    collaborator = member(org, role=Role.COLLABORATOR)
    client.force_login(collaborator)
    response = client.post(f"/api/v1/orgs/{org.slug}/orders/", {"items": [ITEM]}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed_to_order"
    assert not Order.objects.exists()


def test_bl2_full_partner_orders_for_client_product_in_client_org(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer)
    client.force_login(partner_user)
    response = client.post(
        f"/api/v1/orgs/{partner.slug}/orders/",
        {"client": customer.slug, "items": [ITEM]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Product.objects.get(name="new.example.ch").org == customer
    order = Order.objects.get()
    assert order.placed_by_org == partner and order.payer == customer
    # client pays: invoice in the client's org, number not shown to the partner
    assert response.json()["invoice"] is None
    assert Invoice.objects.get().org == customer
    assert AuditEvent.objects.filter(action="order.placed", org=customer, actor_org=partner).exists()


def test_bl3_full_partner_orders_while_acting_in_client_path(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    client.force_login(partner_user)
    response = client.post(f"/api/v1/orgs/{customer.slug}/orders/", {"items": [ITEM]}, content_type="application/json")
    assert response.status_code == 201
    assert Invoice.objects.get().org == partner


def test_bl3_limited_partner_ordering_refused_403(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    limited(partner, customer, [hosting(customer)])
    client.force_login(partner_user)
    response = client.post(
        f"/api/v1/orgs/{partner.slug}/orders/",
        {"client": customer.slug, "items": [ITEM]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed_to_order"
    assert not Order.objects.exists() and not Invoice.objects.exists()


def test_bl3_limited_partner_renewal_refused(catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    product = hosting(customer)
    limited(partner, customer, [product])
    from billing import services
    from portal.errors import RuleViolation

    with pytest.raises(RuleViolation) as exc:
        services.product_renew(access=own_access(partner_user, customer), product=product, period="1y")
    assert exc.value.code == "not_allowed_to_order" and exc.value.status == 403


def test_bl3_partner_collaborator_without_order_right_refused(client, catalog):
    partner, _ = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer)
    collaborator = member(partner, role=Role.COLLABORATOR)
    CollaboratorRights.objects.create(partner=partner, user=collaborator, all_clients=True, can_view=True)
    client.force_login(collaborator)
    response = client.post(f"/api/v1/orgs/{customer.slug}/orders/", {"items": [ITEM]}, content_type="application/json")
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_bl3_stranger_cannot_order_for_org_404(client, catalog):
    org, _ = org_with_rep()
    other, other_user = org_with_rep()
    client.force_login(other_user)
    response = client.post(f"/api/v1/orgs/{org.slug}/orders/", {"items": [ITEM]}, content_type="application/json")
    assert response.status_code == 404
    assert not Order.objects.exists()


def test_bl3_renewal_extends_expiry_by_period(catalog):
    org, user = org_with_rep()
    expires = timezone.localdate() + datetime.timedelta(days=10)
    product = ProductFactory(org=org, product_type=ptype("domain-ch"), name="x.ch", expires_at=expires)
    order = renew(own_access(user, org), product, period="2y")
    product.refresh_from_db()
    assert product.expires_at == expires.replace(year=expires.year + 2)
    assert order.kind == "renewal"
    assert order.invoices.get().net == D("19.80")


def test_bl4_partner_pays_invoice_goes_to_partner_at_discount(catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    from .factories import order

    o = order(own_access(partner_user, customer), customer, slug="mail-pro", name="m.ch")
    invoice = o.invoices.get()
    assert invoice.org == partner
    line = invoice.lines.get()
    assert line.partner_discount == D("0.2") and line.net_amount == D("26.40")  # 33.00 − 20%
    assert line.client == customer


def test_bl4_invoice_of_partner_pays_invisible_to_client_404(client, catalog):
    partner, partner_user = partner_org()
    customer, customer_user = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    from .factories import order

    invoice = order(own_access(partner_user, customer), customer).invoices.get()
    client.force_login(customer_user)
    assert client.get(f"/api/v1/orgs/{customer.slug}/invoices/{invoice.pk}/").status_code == 404
    assert client.get(f"/api/v1/orgs/{customer.slug}/invoices/").json()["results"] == []
    assert client.get(f"/manager/billing/invoices/{invoice.pk}/").status_code == 404
    pay = client.post(f"/api/v1/orgs/{customer.slug}/invoices/{invoice.pk}/pay/", {"card_number": "4242424242424242"})
    assert pay.status_code == 404
    invoice.refresh_from_db()
    assert invoice.status == "unpaid"


def test_bl4_partner_sees_and_filters_invoices_by_client(client, catalog):
    partner, partner_user = partner_org()
    a, _ = org_with_rep()
    b, _ = org_with_rep()
    full(partner, a, payment_method="partner_pays")
    full(partner, b, payment_method="partner_pays")
    from .factories import order

    inv_a = order(own_access(partner_user, a), a).invoices.get()
    order(own_access(partner_user, b), b, name="b.ch")
    client.force_login(partner_user)
    listing = client.get(f"/api/v1/orgs/{partner.slug}/invoices/?client={a.slug}").json()["results"]
    assert [i["number"] for i in listing] == [inv_a.number]
    assert len(client.get(f"/api/v1/orgs/{partner.slug}/invoices/").json()["results"]) == 2


def test_bl4_partner_acting_for_client_sees_no_client_invoices(client, catalog):
    partner, partner_user = partner_org()
    customer, customer_user = org_with_rep()
    full(partner, customer)
    from .factories import order

    order(own_access(customer_user, customer), customer)
    client.force_login(partner_user)
    response = client.get(f"/api/v1/orgs/{customer.slug}/invoices/")
    assert response.status_code == 403
    assert Invoice.objects.filter(org=customer).count() == 1


def test_bl2_products_api_lists_limited_scope_only(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    granted = hosting(customer, name="granted.ch")
    hosting(customer, name="other.ch")
    limited(partner, customer, [granted])
    client.force_login(partner_user)
    response = client.get(f"/api/v1/orgs/{customer.slug}/products/")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["granted.ch"]


def test_bl3_shop_page_orders_and_redirects_to_pay(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    assert client.get("/manager/billing/shop/").status_code == 200
    response = client.post("/manager/billing/shop/", {"product_type": "domain-ch", "name": "shop.ch", "period": "1y"})
    assert response.status_code == 302 and response["Location"] == "/manager/billing/to-pay/"
    assert Product.objects.filter(org=org, name="shop.ch").exists()


def test_bl3_renew_button_on_products_page(client, catalog):
    org, user = org_with_rep()
    product = hosting(org)
    client.force_login(user)
    assert "Renew" in client.get("/manager/billing/products/").content.decode()
    response = client.post(f"/manager/billing/products/{product.pk}/renew/", {"period": "1y"})
    assert response.status_code == 302
    assert Order.objects.get().kind == "renewal"


def test_ps8_client_trail_names_the_paying_partner_but_not_its_invoice_number(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    client.force_login(partner_user)

    response = client.post(
        f"/api/v1/orgs/{partner.slug}/orders/",
        {"client": customer.slug, "items": [ITEM]},
        content_type="application/json",
    )

    assert response.status_code == 201
    invoice = Invoice.objects.get()
    assert invoice.org == partner
    event = AuditEvent.objects.get(action="order.placed", org=customer)
    assert event.details["payer"] == partner.slug
    assert "invoice" not in event.details
    assert invoice.number not in str(event.details)


def test_ps8_client_trail_keeps_the_number_of_the_clients_own_invoice(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)

    client.post(f"/api/v1/orgs/{org.slug}/orders/", {"items": [ITEM]}, content_type="application/json")

    event = AuditEvent.objects.get(action="order.placed", org=org)
    assert event.details["invoice"] == Invoice.objects.get(org=org).number
