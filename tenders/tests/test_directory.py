"""TD-5: the public directory — listing, search, filters, pagination, profiles, sitemap, escaping."""

from __future__ import annotations

import pytest
from django.test import Client

from partners.models import PartnerProfile

from .factories import DeliveryFactory, ListedProfileFactory, OrganizationFactory, TenderRequestFactory

pytestmark = pytest.mark.django_db


def test_td5_directory_lists_listed_approved_partners_only(world):
    ListedProfileFactory(public_name="Hidden Unlisted", listed_in_directory=False)
    ListedProfileFactory(public_name="Suspended One", status=PartnerProfile.Status.SUSPENDED)
    page = Client().get("/directory/").content.decode()
    assert "Helvetia Web Agency" in page and "Alpen IT" in page
    assert "Hidden Unlisted" not in page and "Suspended One" not in page
    assert "Verified partner" in page


def test_td5_search_by_name(world):
    page = Client().get("/directory/", {"q": "alpen"}).content.decode()
    assert "Alpen IT" in page and "Helvetia Web Agency" not in page


def test_td5_search_by_city(world):
    ListedProfileFactory(public_name="Lausanne Digital", city="Lausanne")
    page = Client().get("/directory/", {"q": "lausanne"}).content.decode()
    assert "Lausanne Digital" in page and "Helvetia Web Agency" not in page


def test_td5_search_by_service_label(world):
    page = Client().get("/directory/", {"q": "cloud servers"}).content.decode()
    assert "Alpen IT" in page and "Helvetia Web Agency" not in page


def test_td5_filter_by_country(world):
    ListedProfileFactory(public_name="Paris Web", org=OrganizationFactory(country="FR"))
    page = Client().get("/directory/", {"country": "FR"}).content.decode()
    assert "Paris Web" in page and "Helvetia Web Agency" not in page


def test_td5_filter_by_language(world):
    ListedProfileFactory(public_name="Agence Romande", languages=["fr"])
    page = Client().get("/directory/", {"language": "fr"}).content.decode()
    assert "Agence Romande" in page and "Helvetia Web Agency" not in page


def test_td5_filter_by_service(world):
    page = Client().get("/directory/", {"service": "cloud_server"}).content.decode()
    assert "Alpen IT" in page and "Helvetia Web Agency" not in page


def test_td5_pagination_20_per_page(world):
    for _ in range(21):
        ListedProfileFactory(public_name="Zeta Agency")
    first = Client().get("/directory/", {"q": "zeta"}).content.decode()
    second = Client().get("/directory/", {"q": "zeta", "page": 2}).content.decode()
    assert first.count("Zeta Agency</a>") == 20
    assert second.count("Zeta Agency</a>") == 1
    assert "q=zeta&amp;page=2" in first


def test_td5_bad_page_number_is_not_an_error(world):
    assert Client().get("/directory/", {"page": "999"}).status_code == 200
    assert Client().get("/directory/", {"page": "abc"}).status_code == 200


def test_td5_profile_page(world):
    PartnerProfile.objects.filter(pk=world.profile.pk).update(
        website="https://helvetia.example",
        skills="Django, WordPress",
        references="Bäckerei Müller",
        certifications="ISO 27001",
        budget_min=1000,
        budget_max=20000,
    )
    response = Client().get("/directory/helvetia-web/")
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Helvetia Web Agency",
        "Verified partner",
        "Django, WordPress",
        "Bäckerei Müller",
        "ISO 27001",
        "https://helvetia.example",
        "Web hosting",
        "German",
        "CHF\xa01,000.00",  # budgets in the reader's money format (issue 8)
        "CHF\xa020,000.00",
    ):
        assert text in page
    assert 'href="/tenders/new/?partner=helvetia-web"' in page
    assert '<meta name="description" content="Websites and hosting for small businesses.">' in page


def test_td5_unlisted_profile_404(world):
    PartnerProfile.objects.filter(pk=world.profile.pk).update(listed_in_directory=False)
    assert Client().get("/directory/helvetia-web/").status_code == 404
    assert Client().get("/directory/nobody/").status_code == 404


def test_td5_directory_meta_description(world):
    page = Client().get("/directory/").content.decode()
    assert '<meta name="description" content="Find a verified partner' in page


def test_td5_sitemap_lists_home_directory_and_profiles(world):
    ListedProfileFactory(slug="unlisted-x", listed_in_directory=False)
    response = Client().get("/sitemap.xml")
    body = response.content.decode()
    assert response.status_code == 200
    assert "/directory/helvetia-web/</loc>" in body
    assert "/directory/alpen-it/</loc>" in body
    assert "/directory/</loc>" in body
    assert "unlisted-x" not in body


def test_td5_profile_description_is_escaped(world):
    PartnerProfile.objects.filter(pk=world.profile.pk).update(description="<script>alert(1)</script>")
    page = Client().get("/directory/helvetia-web/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_td5_request_description_is_escaped_for_partner_and_requester(world, login):
    t = TenderRequestFactory(description="<script>alert('x')</script>", contact_name="<b>Eve</b>")
    DeliveryFactory(request=t, partner=world.partner)
    for page in (login(world.rep).get(f"/manager/tenders/{t.pk}/"), Client().get(f"/tenders/r/{t.token}/")):
        html = page.content.decode()
        assert "<script>alert(" not in html
        assert "&lt;script&gt;" in html
        assert "<b>Eve</b>" not in html


def test_td5_api_directory_public(world):
    response = Client().get("/api/v1/directory/", {"service": "cloud_server"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["slug"] for r in results] == ["alpen-it"]
    assert results[0]["verified"] is True


def test_td5_api_directory_detail_and_404(world):
    assert Client().get("/api/v1/directory/helvetia-web/").json()["name"] == "Helvetia Web Agency"
    missing = Client().get("/api/v1/directory/nobody/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_td5_directory_query_count_is_flat(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get("/directory/")
    with CaptureQueriesContext(connection) as few:
        client.get("/directory/")
    for _ in range(25):
        ListedProfileFactory()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/directory/").status_code == 200
    assert len(many) == len(few)


def test_td5_javascript_website_is_not_linked(world):
    PartnerProfile.objects.filter(pk=world.profile.pk).update(website="javascript:alert(1)")
    page = Client().get("/directory/helvetia-web/").content.decode()
    assert "javascript:alert(1)" not in page


def test_td5_directory_page_keeps_order_and_ratings_of_the_full_listing(world):
    """The page's keys are sorted without the ratings, then only its rows get them (issue 9):
    the same partners, in the same order, with the same ratings as the whole listing."""
    from tenders import selectors

    from .factories import ReviewFactory

    for i in range(25):
        profile = ListedProfileFactory(public_name=f"Omega {24 - i:02d}")
        for rating in range(i % 3):
            ReviewFactory(partner=profile.org, rating=5 - rating)
    listing = list(selectors.directory_profiles(query="omega"))
    first = selectors.directory_page(query="omega")
    second = selectors.directory_page(query="omega", page=2)

    shown = list(first) + list(second)
    assert first.paginator.count == 25 and len(first) == 20 and len(second) == 5
    assert [p.pk for p in shown] == [p.pk for p in listing]
    assert [p.public_name for p in shown][:3] == ["Omega 00", "Omega 01", "Omega 02"]
    assert [(p.rating_avg, p.rating_count) for p in shown] == [(p.rating_avg, p.rating_count) for p in listing]
    assert any(p.rating_count == 2 for p in shown)


def test_td5_directory_is_in_order_of_the_name_shown_whatever_its_case(world):
    """A partner without a public name is shown, and sorted, by its org's name; lower case sorts
    with upper case. Ordering by public name first put every partner without one at the top."""
    ListedProfileFactory(public_name="", org=OrganizationFactory(name="Omega Zurich AG"))
    ListedProfileFactory(public_name="Omega Basel")
    ListedProfileFactory(public_name="omega aarau")

    page = Client().get("/directory/", {"q": "omega"})

    html = page.content.decode()
    assert page.status_code == 200
    shown = [html.index(name) for name in ("omega aarau", "Omega Basel", "Omega Zurich AG")]
    assert shown == sorted(shown)
    api = Client().get("/api/v1/directory/", {"q": "omega"}).json()
    assert [r["name"] for r in api["results"]] == ["omega aarau", "Omega Basel", "Omega Zurich AG"]


def test_td5_api_directory_pages_in_directory_order_with_ratings(world):
    from .factories import ReviewFactory

    for i in range(7):
        profile = ListedProfileFactory(public_name=f"Sigma {6 - i}", slug=f"sigma-{6 - i}")
        for rating in range(i % 3):
            ReviewFactory(partner=profile.org, rating=4 - rating)

    first = Client().get("/api/v1/directory/", {"q": "sigma", "limit": 4}).json()
    rest = Client().get("/api/v1/directory/", {"q": "sigma", "limit": 4, "offset": 4}).json()

    assert first["count"] == 7
    slugs = [r["slug"] for r in first["results"] + rest["results"]]
    assert slugs == [f"sigma-{i}" for i in range(7)]
    ratings = {r["slug"]: (r["rating_average"], r["rating_count"]) for r in first["results"] + rest["results"]}
    assert ratings["sigma-6"] == (None, 0)  # i = 0: no review
    assert ratings["sigma-4"] == (3.5, 2)  # i = 2: ratings 4 and 3


def test_td5_directory_filters_by_italian_and_names_the_language(world):
    ListedProfileFactory(public_name="Milano Web", languages=["it"])

    page = Client().get("/directory/", {"language": "it"}).content.decode()

    assert "Milano Web" in page and "Helvetia Web Agency" not in page
    assert '<option value="it" selected>Italian</option>' in page


def test_td5_search_ignores_accents(world):
    ListedProfileFactory(public_name="Zürcher Web", city="Zürich")

    page = Client().get("/directory/", {"q": "zurcher"}).content.decode()

    assert "Zürcher Web" in page and "Helvetia Web Agency" not in page


def test_td5_search_underscore_is_a_plain_character(world):
    page = Client().get("/directory/", {"q": "_"}).content.decode()

    assert "Helvetia Web Agency" not in page and "Alpen IT" not in page


def test_td5_api_directory_unknown_filter_value_is_a_400_naming_it(world):
    response = Client().get("/api/v1/directory/", {"country": "zz", "language": "it"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"country": ["“zz” is not one of the choices."]}


INVITE_LINK = 'href="/manager/partners/partners/invite/?partner=helvetia-web"'


def test_td5_ps3_profile_offers_a_client_legal_rep_to_ask_the_partner_to_manage_its_products(world, login):
    from partners.models import Partnership

    response = login(world.client_rep).get("/directory/helvetia-web/")
    page = response.content.decode()

    assert response.status_code == 200
    assert INVITE_LINK in page and "Ask this partner to manage your products" in page
    assert 'href="/tenders/new/?partner=helvetia-web"' in page
    assert not Partnership.objects.exists()  # a link: nothing is sent before the client chooses the access


@pytest.mark.parametrize("who", ["visitor", "client_collab", "rep", "partnered_rep"])
def test_td5_ps3_profile_offers_only_a_quote_to_people_who_cannot_invite_this_partner(world, login, who):
    """Visitors, members without `partnerships.manage`, the partner itself, and a client that
    already has a partnership with it (the invitation would be refused)."""
    from partners.models import Partnership
    from partners.tests.factories import PartnershipFactory

    if who == "partnered_rep":
        PartnershipFactory(partner=world.partner, client=world.client_org)
    browser = Client() if who == "visitor" else login(getattr(world, "client_rep" if who == "partnered_rep" else who))

    response = browser.get("/directory/helvetia-web/")
    page = response.content.decode()

    assert response.status_code == 200
    assert 'href="/tenders/new/?partner=helvetia-web"' in page
    assert "/manager/partners/partners/invite/" not in page
    assert Partnership.objects.count() == (1 if who == "partnered_rep" else 0)


def test_td5_ps3_profile_query_count_is_flat_in_the_client_partnerships(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.tests.factories import PartnershipFactory

    browser = login(world.client_rep)
    browser.get("/directory/helvetia-web/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert browser.get("/directory/helvetia-web/").status_code == 200
    for _ in range(10):
        PartnershipFactory(
            partner=ListedProfileFactory().org, client=world.client_org, access_level="limited", payment_method=None
        )
    with CaptureQueriesContext(connection) as many:
        response = browser.get("/directory/helvetia-web/")

    assert response.status_code == 200 and INVITE_LINK in response.content.decode()
    assert len(many) == len(few)
