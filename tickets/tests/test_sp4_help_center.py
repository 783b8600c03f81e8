import pytest

from tickets.models import HelpArticle
from tickets.tests.factories import HelpArticleFactory

pytestmark = pytest.mark.django_db

TOPICS = [
    "how-to-become-a-partner",
    "limited-or-full-access",
    "who-pays-cashback-or-discount",
    "tender-platform-and-directory",
    "support-code-and-vip-code",
    "whistleblower-protection-policy",
]


def test_sp4_seeded_articles_in_english_and_spanish():
    for language in ("en", "es"):
        slugs = set(HelpArticle.objects.filter(language=language, published=True).values_list("slug", flat=True))
        assert set(TOPICS) <= slugs
    conditions = HelpArticle.objects.get(slug="how-to-become-a-partner", language="en").body
    assert "2,000 CHF" in conditions and "1,800 EUR" in conditions
    assert "35%" in HelpArticle.objects.get(slug="who-pays-cashback-or-discount", language="es").body


def test_sp4_help_index_is_public(client):
    response = client.get("/help/")
    assert response.status_code == 200
    assert "How to become a partner" in response.content.decode()


def test_sp4_search_finds_whistleblower_article_in_english(client):
    response = client.get("/help/", {"q": "whistleblower"}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "/help/whistleblower-protection-policy/" in body
    assert "/help/how-to-become-a-partner/" not in body


def test_sp4_search_finds_whistleblower_article_in_spanish(client):
    response = client.get("/help/", {"q": "denunciantes"}, HTTP_ACCEPT_LANGUAGE="es")
    body = response.content.decode()
    assert response.status_code == 200
    assert "¿Tenéis política de protección de denunciantes?" in body
    assert "/help/how-to-become-a-partner/" not in body


def test_sp4_search_is_per_language(client):
    response = client.get("/help/", {"q": "denunciantes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "/help/whistleblower-protection-policy/" not in response.content.decode()
    assert "No article matches" in response.content.decode()


def test_sp4_category_filter(client):
    response = client.get("/help/", {"category": "policies"}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "/help/whistleblower-protection-policy/" in body
    assert "/help/limited-or-full-access/" not in body


def test_sp4_article_page_in_current_language(client):
    en = client.get("/help/whistleblower-protection-policy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    es = client.get("/help/whistleblower-protection-policy/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "whistleblower-protection policy" in en
    assert "protección de denunciantes" in es
    assert 'href="https://news.infomaniak.com/es/seguridad-y-proteccion-de-datos/"' in en


def test_sp4_unpublished_and_unknown_articles_are_404(client):
    HelpArticleFactory(slug="draft", published=False)
    assert client.get("/help/draft/").status_code == 404
    assert client.get("/help/nope/").status_code == 404
    assert "draft" not in client.get("/help/", {"q": "Article"}).content.decode()


def test_sp4_article_body_is_escaped(client):
    HelpArticleFactory(slug="xss", body="Hello <script>alert(1)</script>\n\n- item one\n- item two")
    body = client.get("/help/xss/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert "<li>item one</li>" in body


def test_sp4_search_ignores_accents_and_case(client):
    response = client.get("/help/", {"q": "PROTECCION denunciantes"}, HTTP_ACCEPT_LANGUAGE="es")
    assert "/help/whistleblower-protection-policy/" in response.content.decode()


def test_sp4_article_edited_in_admin_is_searchable(client):
    article = HelpArticleFactory(slug="new-one", title="Réclamations", body="Texte")
    article.body = "Zebracorn policy"
    article.save(update_fields=["body"])
    assert "/help/new-one/" in client.get("/help/", {"q": "zebracorn"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/help/new-one/" in client.get("/help/", {"q": "reclamations"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()


# --- forgiving search: stop words, stems, category labels, ranking, a way out ---------------

WHISTLEBLOWER = "/help/whistleblower-protection-policy/"


def _slugs(response) -> list[str]:
    import re

    return re.findall(r'href="/help/([a-z0-9-]+)/"', response.content.decode())


def test_sp4_search_ignores_spanish_stop_words(client):
    response = client.get("/help/", {"q": "protección del denunciante"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert _slugs(response)[0] == "whistleblower-protection-policy"
    assert HelpArticle.objects.filter(slug="whistleblower-protection-policy", language="es").exists()


@pytest.mark.parametrize("query", ["whistleblowing", "whistleblowers", "Whistleblower policy of the provider"])
def test_sp4_search_matches_word_stems_in_english(client, query):
    response = client.get("/help/", {"q": query}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert _slugs(response)[0] == "whistleblower-protection-policy"


def test_sp4_search_matches_category_label_in_spanish(client):
    response = client.get("/help/", {"q": "partners"}, HTTP_ACCEPT_LANGUAGE="es")
    slugs = _slugs(response)
    assert response.status_code == 200
    assert "how-to-become-a-partner" in slugs  # category "Programa de partners"
    assert HelpArticle.objects.get(slug="how-to-become-a-partner", language="es").category == "partner_program"


def test_sp4_search_ranks_articles_matching_more_words_first(client):
    HelpArticleFactory(slug="one-word", title="Zebracorn care", body="Feeding.", position=1)
    HelpArticleFactory(slug="two-words", title="Zebracorn stables", body="Unicorn grooming.", position=99)
    response = client.get("/help/", {"q": "zebracorns grooming"}, HTTP_ACCEPT_LANGUAGE="en")
    slugs = _slugs(response)
    assert response.status_code == 200
    assert slugs.index("two-words") < slugs.index("one-word")


def test_sp4_search_with_no_result_suggests_categories_and_support(client):
    response = client.get("/help/", {"q": "xylophone"}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "No article matches" in body
    assert 'href="?category=policies"' in body and 'href="/manager/support/"' in body
    assert WHISTLEBLOWER not in body
