"""SPEC §9: the OpenAPI schema documents billing's bodies as they are — every 200/201 body has
a real schema, and the keys of real responses are exactly the documented properties."""

import json

import pytest

from billing import services
from billing.models import BalanceEntry, Invoice

from .factories import D, full, order, org_with_rep, own_access, partner_org

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"
PATHS = {
    ("/api/v1/catalog/", "get"): "200",
    ("/api/v1/orgs/{org}/products/", "get"): "200",
    ("/api/v1/orgs/{org}/orders/", "post"): "201",
    ("/api/v1/orgs/{org}/invoices/", "get"): "200",
    ("/api/v1/orgs/{org}/invoices/{id}/", "get"): "200",
    ("/api/v1/orgs/{org}/invoices/{id}/pay/", "post"): "200",
    ("/api/v1/orgs/{org}/cashback/", "get"): "200",
    ("/api/v1/orgs/{org}/payouts/", "get"): "200",
    ("/api/v1/orgs/{org}/payouts/", "post"): "201",
    ("/api/v1/orgs/{org}/revenue/", "get"): "200",
    ("/api/v1/orgs/{org}/revenue/clients/", "get"): "200",
    ("/api/v1/orgs/{org}/program-volume/", "get"): "200",
}
FILES = {
    ("/api/v1/orgs/{org}/revenue/export.csv", "get"): "text/csv",
    ("/api/v1/orgs/{org}/rebill.csv", "get"): "text/csv",
    ("/api/v1/orgs/{org}/invoices/{id}/download/", "get"): "text/html",
}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict, node: dict) -> dict:
    while True:
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        elif "allOf" in node and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        elif "oneOf" in node:  # a nullable object: {"oneOf": [{"$ref"}, {"type": "null"}]}
            node = next(n for n in node["oneOf"] if n.get("type") != "null")
        else:
            return node


def _mismatches(schema: dict, node: dict, body, where: str = "") -> list[str]:
    """Where the keys of `body` differ from the properties documented by `node`, recursively."""
    node = _resolve(schema, node)
    if body is None:
        return []
    if isinstance(body, list):
        return [m for item in body for m in _mismatches(schema, node.get("items", {}), item, f"{where}[]")]
    if not isinstance(body, dict):
        return []
    if "properties" in node:
        documented, actual = set(node["properties"]), set(body)
        out = [f"{where}: undocumented {sorted(actual - documented)}, absent {sorted(documented - actual)}"]
        out = out if documented != actual else []
        for key in documented & actual:
            out += _mismatches(schema, node["properties"][key], body[key], f"{where}.{key}")
        return out
    if isinstance(node.get("additionalProperties"), dict):
        values = node["additionalProperties"]
        return [m for k, v in body.items() for m in _mismatches(schema, values, v, f"{where}.{k}")]
    return [f"{where}: documented as a free-form {node.get('type', 'value')}"]


def _body_schema(schema: dict, path: str, method: str, status: str) -> dict:
    return schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(("path", "method"), list(PATHS))
def test_api_schema_documents_billing_bodies_with_properties(schema, path, method):
    node = _resolve(schema, _body_schema(schema, path, method, PATHS[(path, method)]))
    assert node.get("properties"), f"{method.upper()} {path}: a free-form body"


@pytest.mark.parametrize(("path", "method"), list(FILES))
def test_api_schema_documents_billing_files_with_their_media_type(schema, path, method):
    assert FILES[(path, method)] in schema["paths"][path][method]["responses"]["200"]["content"]


def test_api_schema_billing_bodies_have_exactly_the_documented_keys(client, schema, catalog):
    partner, partner_user = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    access = own_access(user, customer)
    BalanceEntry.objects.create(
        account=services.prepaid_account_for(org=partner, currency="CHF"), kind="adjustment", amount=D("50")
    )
    client.force_login(user)
    c, p = f"/api/v1/orgs/{customer.slug}", f"/api/v1/orgs/{partner.slug}"
    placed = client.post(
        f"{c}/orders/",
        {"items": [{"product_type": "web-hosting-pro", "period": "1y", "name": "s.example.ch"}]},
        content_type="application/json",
    )
    invoice = Invoice.objects.get(org=customer)
    order(access, customer, slug="mail-pro", name="m.ch")  # one unpaid invoice stays, with a credit note
    services.invoice_credit(invoice=Invoice.objects.filter(status="unpaid").latest("pk"))
    responses = {
        ("/api/v1/catalog/", "get"): client.get("/api/v1/catalog/"),
        ("/api/v1/orgs/{org}/products/", "get"): client.get(f"{c}/products/"),
        ("/api/v1/orgs/{org}/orders/", "post"): placed,
        ("/api/v1/orgs/{org}/invoices/", "get"): client.get(f"{c}/invoices/"),
        ("/api/v1/orgs/{org}/invoices/{id}/", "get"): client.get(f"{c}/invoices/{invoice.pk}/"),
        ("/api/v1/orgs/{org}/invoices/{id}/pay/", "post"): client.post(
            f"{c}/invoices/{invoice.pk}/pay/", {"card_number": CARD}, content_type="application/json"
        ),
    }
    client.force_login(partner_user)
    responses[("/api/v1/orgs/{org}/payouts/", "post")] = client.post(
        f"{p}/payouts/", {"amount": "5", "method": "paypal", "paypal_email": "p@x.ch"}, content_type="application/json"
    )
    for path, url in [
        ("/api/v1/orgs/{org}/cashback/", f"{p}/cashback/"),
        ("/api/v1/orgs/{org}/payouts/", f"{p}/payouts/"),
        ("/api/v1/orgs/{org}/revenue/", f"{p}/revenue/"),
        ("/api/v1/orgs/{org}/revenue/clients/", f"{p}/revenue/clients/"),
        ("/api/v1/orgs/{org}/program-volume/", f"{p}/program-volume/"),
    ]:
        responses[(path, "get")] = client.get(url)
    assert set(responses) == set(PATHS)
    problems = []
    for (path, method), response in responses.items():
        status = PATHS[(path, method)]
        assert response.status_code == int(status), (path, method, response.content)
        body = json.loads(response.content)
        assert body.get("results", True), (path, "an empty list proves nothing")
        node = _body_schema(schema, path, method, status)
        problems += [f"{method.upper()} {path}{m}" for m in _mismatches(schema, node, body)]
    assert problems == []
