"""Issue 9: what the shared layout costs on every manager page (docs/benchmarks.md).

The nav partials and dashboard cards of several apps all ask whether the acting
org is an approved partner; it is asked of the database once per request
(`Access.remember`). Session activity (SEC-3's sessions list) is written at most
once a minute per session, not on every page view.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from clients.tenancy import SESSION_ORG_KEY, access_for
from partners.selectors import access_is_approved_partner
from partners.tests.factories import OrganizationFactory, PartnerProfileFactory, member

pytestmark = pytest.mark.django_db

PASSWORD = "Tr0ub4dor&3-horse"


def _partner_browser() -> tuple[Client, object]:
    org = OrganizationFactory()
    PartnerProfileFactory(org=org)
    user = member(org)
    browser = Client()
    assert browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302
    session = browser.session
    session[SESSION_ORG_KEY] = org.pk
    session.save()
    return browser, user


def _queries_on(queries, table: str, verb: str = "SELECT") -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(verb) and f'"{table}"' in q["sql"]]


def test_perf_layout_asks_partner_status_once_per_page():
    browser, _user = _partner_browser()
    browser.get("/manager/")
    with CaptureQueriesContext(connection) as ctx:
        response = browser.get("/manager/")

    assert response.status_code == 200
    assert b"Partner console" in response.content  # an approved partner's dashboard
    assert b'href="/manager/billing/revenue/"' in response.content  # and nav
    profile_reads = _queries_on(ctx.captured_queries, "partners_partnerprofile")
    assert len(profile_reads) == 1
    # ... and that one read is the memberships query (register_membership_related).
    assert 'FROM "clients_membership"' in profile_reads[0]


def test_perf_pending_partner_profile_from_the_memberships_query_is_no_partner():
    org = OrganizationFactory()
    PartnerProfileFactory(org=org, status="pending")
    user = member(org)
    browser = Client()
    browser.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = browser.get("/manager/")

    assert response.status_code == 200
    assert b"Become a partner" in response.content
    assert b"Partner console" not in response.content
    assert b'href="/manager/billing/revenue/"' not in response.content
    profile_reads = _queries_on(ctx.captured_queries, "partners_partnerprofile")
    assert profile_reads and 'FROM "clients_membership"' in profile_reads[0]


def test_perf_org_without_partner_profile_reads_none_without_a_query():
    from clients.tenancy import Access, user_memberships
    from partners.selectors import access_partner_profile

    org = OrganizationFactory()
    user = member(org)
    request = SimpleNamespace(user=user)
    membership = user_memberships(request)[0]  # the org as the request loads it, profile joined
    access = Access(user=user, org=membership.org, capabilities=frozenset(), membership=membership)

    with CaptureQueriesContext(connection) as ctx:
        assert access_partner_profile(access=access) is None
    assert ctx.captured_queries == []


def test_perf_access_remembers_partner_status_for_its_own_lifetime_only():
    org = OrganizationFactory()
    user = member(org)
    first = access_for(user=user, org=org)
    assert access_is_approved_partner(access=first) is False

    PartnerProfileFactory(org=org)

    assert access_is_approved_partner(access=first) is False  # same request: remembered
    assert access_is_approved_partner(access=access_for(user=user, org=org)) is True  # next request


def test_sec3_session_activity_written_once_per_interval():
    cache.clear()
    with freeze_time("2026-11-27 10:00:00"):
        browser, user = _partner_browser()
        browser.get("/manager/")
        with CaptureQueriesContext(connection) as ctx:
            assert browser.get("/manager/").status_code == 200
            assert browser.get("/manager/partners/").status_code in (200, 302)
        seen = UserSession.objects.get(user=user).last_seen_at

    assert _queries_on(ctx.captured_queries, "usersessions_usersession", "UPDATE") == []
    with freeze_time("2026-11-27 10:02:00"):
        cache.clear()  # the locmem cache doesn't follow freezegun's clock: expire the mark by hand
        assert browser.get("/manager/").status_code == 200
    assert UserSession.objects.get(user=user).last_seen_at > seen


def test_sec3_session_activity_written_at_once_when_the_browser_changes():
    cache.clear()
    browser, user = _partner_browser()
    browser.get("/manager/")
    before = UserSession.objects.get(user=user)

    assert browser.get("/manager/", HTTP_USER_AGENT="Other browser/1.0").status_code == 200

    after = UserSession.objects.get(user=user)
    assert after.user_agent == "Other browser/1.0"
    assert after.last_seen_at >= before.last_seen_at


def test_sec3_sessions_list_shows_last_activity():
    browser, _user = _partner_browser()

    response = browser.get("/accounts/sessions/")

    assert response.status_code == 200
    assert b"Last seen at" in response.content


def _partner_with_clients(n: int):
    from partners.models import Partnership
    from partners.tests.factories import PartnershipFactory

    browser, user = _partner_browser()
    partner = user.memberships.get().org
    for i in range(n):
        PartnershipFactory(
            partner=partner,
            client=OrganizationFactory(name=f"client {i:03d}"),
            access_level=Partnership.AccessLevel.FULL,
            status=Partnership.Status.ACTIVE,
        )
    return browser, partner


def test_perf_clients_list_pages_without_counting_every_client():
    browser, _partner = _partner_with_clients(27)
    browser.get("/manager/partners/clients/")
    with CaptureQueriesContext(connection) as ctx:
        first = browser.get("/manager/partners/clients/")
    second = browser.get("/manager/partners/clients/", {"page": 2})

    assert first.status_code == 200 and second.status_code == 200
    assert "client 000" in first.content.decode() and "client 026" not in first.content.decode()
    assert "client 026" in second.content.decode() and "client 000" not in second.content.decode()
    assert not [q for q in ctx.captured_queries if '"partners_partnership"' in q["sql"] and "COUNT(*)" in q["sql"]]


def test_perf_acting_org_and_switcher_share_one_memberships_query():
    browser, user = _partner_browser()
    browser.get("/manager/")
    with CaptureQueriesContext(connection) as ctx:
        response = browser.get("/manager/")

    assert response.status_code == 200
    assert user.memberships.get().org.name in response.content.decode()  # the switcher lists it
    assert len([q for q in ctx.captured_queries if q["sql"].startswith('SELECT "clients_membership"')]) == 1
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "clients_organization"')]


def test_perf_own_quote_requests_counted_on_the_dashboard_only():
    browser, _user = _partner_browser()
    browser.get("/manager/notifications/")
    with CaptureQueriesContext(connection) as other_page:
        assert browser.get("/manager/notifications/").status_code == 200
    with CaptureQueriesContext(connection) as dashboard:
        assert browser.get("/manager/").status_code == 200

    def own_requests(ctx):
        return [q for q in ctx.captured_queries if '"tenders_tenderrequest"."requester_org_id"' in q["sql"]]

    assert own_requests(other_page) == []
    assert len(own_requests(dashboard)) == 1


# --- Cached layout pieces (second stop of issue 9) -----------------------------------


def test_perf_nav_rendered_once_then_served_from_the_cache():
    browser, _user = _partner_browser()
    first = browser.get("/manager/notifications/")
    second = browser.get("/manager/notifications/")

    assert first.status_code == second.status_code == 200
    assert "partials/nav.html" in [t.name for t in first.templates]
    assert "partials/nav.html" not in [t.name for t in second.templates]
    assert b"Partner program" in second.content  # the cached nav, whole
    assert second.content.count(b'action="/accounts/logout/"') == 1  # sign-out stays outside the cache


def test_perf_sign_out_form_has_this_session_csrf_token_after_a_cached_nav():
    browser, user = _partner_browser()
    browser.get("/manager/")  # fills the nav fragment
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    page = strict.get("/manager/").content.decode()
    token = (
        page.split('action="/accounts/logout/"', 1)[1].split('name="csrfmiddlewaretoken" value="', 1)[1].split('"')[0]
    )

    response = strict.post("/accounts/logout/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert "_auth_user_id" not in strict.session


def test_perf_nav_fragment_follows_what_it_shows():
    """A new input (here the role's capabilities) is a new fragment, never the old one."""
    from clients.models import Membership, Role

    browser, user = _partner_browser()
    assert b'href="/manager/audit/"' in browser.get("/manager/notifications/").content
    Membership.objects.filter(user=user).update(role=Role.COLLABORATOR)

    page = browser.get("/manager/notifications/")

    assert page.status_code == 200
    assert b'href="/manager/audit/"' not in page.content


def test_perf_support_facts_read_from_the_cache_on_later_pages():
    browser, _user = _partner_browser()
    browser.get("/manager/notifications/")
    with CaptureQueriesContext(connection) as ctx:
        response = browser.get("/manager/notifications/")

    assert response.status_code == 200
    assert b"Support code" in response.content
    assert _queries_on(ctx.captured_queries, "tickets_supportcode") == []
    assert _queries_on(ctx.captured_queries, "tickets_supportplan") == []


def test_sp1_widget_shows_a_regenerated_code_at_once():
    from tickets.services import support_code_for, support_code_regenerate

    browser, user = _partner_browser()
    old = support_code_for(user=user).display
    assert old in browser.get("/manager/notifications/").content.decode()

    new = support_code_regenerate(user=user).display
    page = browser.get("/manager/notifications/").content.decode()

    assert new != old
    assert new in page and old not in page


def test_sp2_widget_shows_a_vip_code_as_soon_as_the_plan_is_set_and_drops_it_when_deleted():
    from tickets.models import SupportPlan
    from tickets.services import support_plan_set

    browser, user = _partner_browser()
    org = user.memberships.get().org
    assert b"VIP code" not in browser.get("/manager/notifications/").content

    plan = support_plan_set(org=org, level=SupportPlan.Level.BUSINESS)
    shown = browser.get("/manager/notifications/").content.decode()
    assert "VIP code" in shown and plan.vip_code_display in shown

    SupportPlan.objects.get(pk=plan.pk).delete()  # as Django admin would
    assert b"VIP code" not in browser.get("/manager/notifications/").content


def test_perf_cached_nav_reads_only_what_its_cache_key_names():
    """The nav partials are served from a fragment keyed by what they show (base.html):
    a partial that starts reading another variable must add it to that key first."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "templates"
    base = (templates / "base.html").read_text()
    key = set(re.search(r"{% cache \d+ layout_nav ([^%]+)%}", base).group(1).split())
    # What a partial may read → the part of the key that covers it.
    covered_by = {
        "acting": "acting.org.pk",  # {% if acting %}, and passed whole to is_partner_org (→ partner_org)
        "acting.capabilities": "acting.capabilities_key",
        "acting.is_acting_for_client": "acting.partnership.pk",
        "user.is_staff": "user.is_staff",
        "tinfo.partner": "tinfo.partner",
        "tinfo.new_count": "tinfo.new_count",
        "tinfo.requester": "tinfo.requester",
        "partner_org": "partner_org",
        "n": "tinfo.new_count",  # {% blocktranslate with n=tinfo.new_count|capped %}
        "tinfo": "tinfo.partner",  # {% tenders_info as tinfo %} assigns it
    }
    assert set(covered_by.values()) <= key

    read = set()
    for partial in sorted((templates / "partials").glob("nav*.html")):
        if partial.name == "nav_public.html":
            continue  # outside the cached fragment
        for tag in re.findall(r"{%(.*?)%}|{{(.*?)}}", partial.read_text()):
            text = re.sub(r"\"[^\"]*\"|'[^']*'", "", " ".join(tag))  # string literals (translations, URL names)
            if re.match(r"\s*load\b", text):
                continue
            text = re.sub(r"^\s*(include|url|translate|blocktranslate|endblocktranslate)\b\s*", "", text)
            text = re.sub(r"\b(if|not|and|or|in|as|with|else|endif)\b|\|[a-z_]+|[a-z_]+=", " ", text)
            read |= {
                name
                for name in re.findall(r"\b[a-z_]+(?:\.[a-z_]+)*", text)
                if name not in {"is_partner_org", "tenders_info"}
            }
    unknown = sorted(read - covered_by.keys())
    assert not unknown, f"the nav reads {unknown}: add it to the layout_nav cache key in base.html (and here)"


def test_perf_dashboard_reads_the_persons_addresses_once_for_both_kinds_of_invitation():
    """Member invitations (clients) and partnership invitations (partners) are both looked up by
    the person's verified addresses; the dashboard reads those addresses once."""
    from allauth.account.models import EmailAddress

    from clients.models import MemberInvitation, Role
    from partners.models import Partnership
    from partners.tests.factories import PartnershipFactory

    client_org = OrganizationFactory(name="Bäckerei Zürich")
    user = member(client_org)
    EmailAddress.objects.create(user=user, email="Second@Example.ch", verified=True)
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session[SESSION_ORG_KEY] = client_org.pk
    session.save()
    MemberInvitation.objects.create(
        org=OrganizationFactory(name="Hotel Alpina"), email="second@example.ch", role=Role.ADMINISTRATOR
    )
    partner_org = OrganizationFactory()
    PartnerProfileFactory(org=partner_org)
    PartnershipFactory(
        partner=partner_org,
        client=None,
        status=Partnership.Status.PENDING,
        initiated_by=Partnership.Side.PARTNER,
        invited_email="second@example.ch",
    )

    with CaptureQueriesContext(connection) as ctx:
        response = browser.get("/manager/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Join Hotel Alpina as" in page
    assert "1 partnership invitation waits for your answer" in page
    assert len(_queries_on(ctx.captured_queries, "account_emailaddress")) == 1
