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
