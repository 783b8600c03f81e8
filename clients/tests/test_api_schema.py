import pytest

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/orgs/",
    "/api/v1/orgs/{org}/",
    "/api/v1/orgs/{org}/members/",
    "/api/v1/orgs/{org}/members/{id}/",
    "/api/v1/orgs/{org}/invitations/",
    "/api/v1/orgs/{org}/invitations/{id}/",
    "/api/v1/orgs/{org}/audit-events/",
    "/api/v1/invitations/{token}/accept/",
    "/api/v1/me/notifications/",
]


def test_api_schema_documents_clients_endpoints_with_error_shape(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for path in PATHS:
        assert path in schema["paths"], path
    create = schema["paths"]["/api/v1/orgs/"]["post"]
    assert "201" in create["responses"]
    assert create["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
