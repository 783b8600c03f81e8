import pytest

from clients.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_spec9_language_switch_is_stored_on_the_signed_in_user(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/manager/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"
    assert 'lang="es"' in client.get("/manager/").content.decode()


def test_spec9_language_switch_refuses_an_unknown_language(client):
    user = UserFactory(language="en")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/manager/"})
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_spec9_account_pages_in_spanish_speak_as_tu_like_the_portal(client, path):
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "¿Has olvidado tu contraseña?" in page or "Tu contraseña" in page
    assert "¿Ha olvidado su contraseña?" not in page and "Su contraseña" not in page
