import pytest

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/tenders/",
    "/api/v1/directory/",
    "/api/v1/directory/{slug}/",
    "/api/v1/orgs/{org}/tenders/",
    "/api/v1/orgs/{org}/tenders/{id}/",
    "/api/v1/orgs/{org}/tenders/{id}/quotes/",
    "/api/v1/orgs/{org}/tenders/{id}/decline/",
    "/api/v1/orgs/{org}/tenders/subscription/",
    "/api/v1/orgs/{org}/reviews/{id}/answer/",
    "/api/v1/orgs/{org}/tender-requests/{id}/quotes/{quote_id}/accept/",
]


def test_td_api_schema_documents_tender_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for path in PATHS:
        assert path in schema["paths"], path
    quote = schema["paths"]["/api/v1/orgs/{org}/tenders/{id}/quotes/"]["post"]
    assert "201" in quote["responses"] and "409" in quote["responses"]


# --- TD API: the documented bodies are the real ones -------------------------------------------


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node:  # drf-spectacular wraps nullable nested objects
        return _resolve(schema, node["allOf"][0])
    return node


def _documented(schema: dict, path: str, method: str, status: str, *, paginated: bool = False) -> dict:
    body = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    body = _resolve(schema, body)
    if paginated:
        body = _resolve(schema, body["properties"]["results"]["items"])
    return body


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_td_api_schema_partner_bodies_match_real_responses(world, login, schema):
    from .factories import DeliveryFactory, ReviewFactory, TenderRequestFactory
    from .test_quotes import quote_data

    tender = TenderRequestFactory()
    DeliveryFactory(request=tender, partner=world.partner)
    ReviewFactory(partner=world.partner)
    client = login(world.rep)
    base = f"/api/v1/orgs/{world.partner.slug}"
    quoted = client.post(
        f"{base}/tenders/{tender.pk}/quotes/",
        {**quote_data(), "accepts_tender_exclusivity": True},
        content_type="application/json",
    )
    assert quoted.status_code == 201
    real = {
        ("/api/v1/orgs/{org}/tenders/", "get", "200", True): client.get(f"{base}/tenders/").json()["results"][0],
        ("/api/v1/orgs/{org}/tenders/{id}/", "get", "200", False): client.get(f"{base}/tenders/{tender.pk}/").json(),
        ("/api/v1/orgs/{org}/tenders/{id}/quotes/", "post", "201", False): quoted.json(),
        ("/api/v1/orgs/{org}/tenders/subscription/", "get", "200", False): client.get(
            f"{base}/tenders/subscription/"
        ).json(),
        ("/api/v1/orgs/{org}/reviews/", "get", "200", True): client.get(f"{base}/reviews/").json()["results"][0],
    }
    real[("/api/v1/directory/", "get", "200", True)] = client.get("/api/v1/directory/").json()["results"][0]
    real[("/api/v1/directory/{slug}/", "get", "200", False)] = client.get("/api/v1/directory/helvetia-web/").json()
    for (path, method, status, paginated), body in real.items():
        documented = _documented(schema, path, method, status, paginated=paginated)
        optional = {"email"} if path == "/api/v1/orgs/{org}/tenders/{id}/" else set()  # once awarded only
        assert set(body) | optional == set(documented["properties"]), path
        assert set(documented.get("required", [])) <= set(body), path
    detail = _documented(schema, "/api/v1/orgs/{org}/tenders/{id}/", "get", "200")
    assert set(_resolve(schema, detail["properties"]["your_answer"])["properties"]) == set(quoted.json())


def test_td_api_schema_requester_bodies_match_real_responses(world, login, schema):
    from .factories import QuoteFactory, TenderRequestFactory, future

    tender = TenderRequestFactory(requester_org=world.client_org, requester_user=world.client_rep)
    quote = QuoteFactory(request=tender, partner=world.partner)
    client = login(world.client_rep)
    base = f"/api/v1/orgs/{world.client_org.slug}/tender-requests"
    listed = client.get(f"{base}/").json()["results"][0]
    accepted = client.post(f"{base}/{tender.pk}/quotes/{quote.pk}/accept/").json()
    reviewed = client.post(f"{base}/{tender.pk}/review/", {"rating": 5}, content_type="application/json").json()
    created = client.post(
        "/api/v1/tenders/",
        {
            "contact_name": "Anna",
            "email": "owner@baeckerei.ch",
            "country": "CH",
            "language": "de",
            "description": "A shop.",
            "categories": ["web_hosting"],
            "currency": "CHF",
            "deadline": future().isoformat(),
        },
        content_type="application/json",
    ).json()
    checks = [
        (listed, _documented(schema, "/api/v1/orgs/{org}/tender-requests/", "get", "200", paginated=True)),
        (
            accepted,
            _documented(schema, "/api/v1/orgs/{org}/tender-requests/{id}/quotes/{quote_id}/accept/", "post", "200"),
        ),
        (reviewed, _documented(schema, "/api/v1/orgs/{org}/tender-requests/{id}/review/", "post", "201")),
        (created, _documented(schema, "/api/v1/tenders/", "post", "201")),
    ]
    for body, documented in checks:
        assert set(body) == set(documented["properties"])
    quotes = _resolve(schema, checks[1][1]["properties"]["quotes"]["items"])
    assert set(accepted["quotes"][0]) == set(quotes["properties"])
