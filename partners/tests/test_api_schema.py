import pytest

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/orgs/{org}/partner-application/",
    "/api/v1/staff/partner-applications/",
    "/api/v1/staff/partner-applications/{id}/approve/",
    "/api/v1/staff/partner-applications/{id}/reject/",
    "/api/v1/orgs/{org}/partnerships/",
    "/api/v1/orgs/{org}/partnerships/{id}/",
    "/api/v1/orgs/{org}/partnerships/{id}/accept/",
    "/api/v1/orgs/{org}/partnerships/{id}/decline/",
    "/api/v1/orgs/{org}/partnerships/{id}/cancel/",
    "/api/v1/orgs/{org}/partnerships/{id}/acknowledge/",
    "/api/v1/orgs/{org}/partnerships/{id}/withdraw/",
    "/api/v1/orgs/{org}/partnerships/{id}/resend/",
]


def test_ps_api_schema_documents_partner_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for path in PATHS:
        assert path in schema["paths"], path
    create = schema["paths"]["/api/v1/orgs/{org}/partnerships/"]["post"]
    assert "201" in create["responses"] and "409" in create["responses"]
