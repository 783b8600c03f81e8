"""BL-1/BL-3: the name of a new product is checked by the order service (HTML and API alike):
at most the model's 200 characters, and a valid domain name in the type's extension for a domain."""

import pytest

from billing import services
from billing.models import Invoice, Order
from clients.models import Product
from portal.errors import InvalidInput

from .factories import org_with_rep, own_access, ptype

pytestmark = pytest.mark.django_db

LONG_DOMAIN = "a" * 4997 + ".ch"  # 5,000 characters


def _nothing_ordered() -> bool:
    return not (Order.objects.exists() or Invoice.objects.exists() or Product.objects.exists())


def test_bl3_shop_refuses_a_name_longer_than_200_characters(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)

    response = client.post(
        "/manager/billing/shop/", {"product_type": "web-hosting-pro", "name": "x" * 5000, "period": "1y"}
    )

    assert response.status_code == 400
    assert "The name has at most 200 characters." in response.content.decode()
    assert _nothing_ordered()


def test_bl3_shop_refuses_a_5000_character_domain_name(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)

    response = client.post("/manager/billing/shop/", {"product_type": "domain-ch", "name": LONG_DOMAIN, "period": "1y"})

    assert response.status_code == 400
    assert _nothing_ordered()


def test_bl3_order_service_refuses_a_name_longer_than_200_characters(catalog):
    """The API's serializer stops it first; the service refuses it for every caller."""
    org, user = org_with_rep()
    item = services.OrderItem(product_type=ptype("mail-pro"), period="1y", name="m" * 201)

    with pytest.raises(InvalidInput) as refused:
        services.order_place(access=own_access(user, org), client=org, items=[item])

    assert refused.value.code == "name_too_long" and refused.value.fields["name"]
    assert _nothing_ordered()


def test_bl3_api_refuses_a_name_longer_than_200_characters(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)

    response = client.post(
        f"/api/v1/orgs/{org.slug}/orders/",
        {"items": [{"product_type": "domain-ch", "name": LONG_DOMAIN, "period": "1y"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] and error["message"] and "name" in str(error["fields"])
    assert _nothing_ordered()


def test_bl1_api_refuses_a_domain_name_in_another_extension(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)

    response = client.post(
        f"/api/v1/orgs/{org.slug}/orders/",
        {"items": [{"product_type": "domain-ch", "name": "example.com", "period": "1y"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "wrong_domain_extension"
    assert response.json()["error"]["fields"]["name"] == ["This domain must end in .ch, such as example.ch."]
    assert _nothing_ordered()


def test_bl1_shop_refuses_a_domain_name_that_is_not_one(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)

    response = client.post(
        "/manager/billing/shop/", {"product_type": "domain-ch", "name": "my shop.ch", "period": "1y"}
    )

    assert response.status_code == 400
    assert "Enter a valid domain name, such as example.ch." in response.content.decode()
    assert _nothing_ordered()


def test_bl1_api_orders_an_idn_domain_in_lower_case(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)

    response = client.post(
        f"/api/v1/orgs/{org.slug}/orders/",
        {"items": [{"product_type": "domain-ch", "name": " Bücher-Laden.CH ", "period": "1y"}]},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Product.objects.get(org=org).name == "bücher-laden.ch"


def test_bl1_a_non_domain_product_keeps_its_free_name(catalog):
    org, user = org_with_rep()
    item = services.OrderItem(product_type=ptype("web-hosting-pro"), period="1y", name="Our new site (2026)")

    order = services.order_place(access=own_access(user, org), client=org, items=[item])

    assert order.lines.get().product.name == "Our new site (2026)"


@pytest.mark.parametrize(
    "name",
    ["example.ch", "a.ch", "my-shop.ch", "xn--bcher-kva.ch", "bücher.ch", "sub.example.ch", "1und1.ch", "EXAMPLE.CH"],
)
def test_bl1_valid_ch_domain_names(catalog, name):
    assert services.product_name_clean(product_type=ptype("domain-ch"), name=name) == name.lower()


@pytest.mark.parametrize(
    "name, code",
    [
        ("example", "invalid_domain"),
        ("example.", "invalid_domain"),
        (".ch", "invalid_domain"),
        ("a..ch", "invalid_domain"),
        ("-shop.ch", "invalid_domain"),
        ("shop-.ch", "invalid_domain"),
        ("my_shop.ch", "invalid_domain"),
        ("my shop.ch", "invalid_domain"),
        ("shop!.ch", "invalid_domain"),
        ("http://shop.ch", "invalid_domain"),
        ("a" * 64 + ".ch", "invalid_domain"),
        ("example.com", "wrong_domain_extension"),
        ("example.xch", "wrong_domain_extension"),
        ("ch.example", "wrong_domain_extension"),
        ("x" * 201, "name_too_long"),
        ("   ", "name_required"),
    ],
)
def test_bl1_invalid_ch_domain_names(catalog, name, code):
    with pytest.raises(InvalidInput) as refused:
        services.product_name_clean(product_type=ptype("domain-ch"), name=name)
    assert refused.value.code == code and refused.value.fields["name"]


def test_bl1_domain_type_without_extension_in_its_name_checks_syntax_only(catalog):
    domain = ptype("domain-ch")
    domain.name = "Domain name"

    assert services.domain_tld_of(domain) == ""
    assert services.product_name_clean(product_type=domain, name="example.org") == "example.org"
    with pytest.raises(InvalidInput):
        services.product_name_clean(product_type=domain, name="not a domain")
