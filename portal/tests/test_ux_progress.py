"""Issue 8 (usability): progress feedback on slow things (CSV exports, long filtered lists)."""

from __future__ import annotations

import re

import pytest

from billing.tests.factories import org_with_rep, partner_org
from partners.tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

CLIENTS = "/manager/partners/clients/"


def _partner_with_clients(n: int, language: str = "en"):
    partner, rep = partner_org()
    rep.language = language
    rep.save(update_fields=["language"])
    for _ in range(n):
        customer, _ = org_with_rep()
        PartnershipFactory(partner=partner, client=customer)
    return partner, rep


@pytest.mark.parametrize(
    ("lang", "busy", "error"),
    [
        ("en", "Preparing your file…", "The export failed. Try again in a moment."),
        ("es", "Preparando tu archivo…", "La exportación ha fallado. Vuelve a intentarlo en un momento."),
    ],
)
def test_ux_ps16_csv_export_link_carries_translated_progress_texts(client, lang, busy, error):
    _partner, rep = _partner_with_clients(1, lang)
    client.force_login(rep)
    page = client.get(CLIENTS).content.decode()
    link = re.search(r'<a [^>]*data-export="([^"]*)"[^>]*>', page)
    assert link is not None and link.group(1) == busy
    assert f'data-export-error="{error}"' in link.group(0)
    assert 'href="?format=csv"' in link.group(0)  # without JS the plain link downloads
    assert '<span class="export-status" role="status"></span>' in page


def test_ux_ps16_csv_export_answers_with_a_filename(client):
    _partner, rep = _partner_with_clients(2)
    client.force_login(rep)
    response = client.get(CLIENTS, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="clients.csv"'
    assert len(b"".join(response.streaming_content).decode().strip().splitlines()) == 3


def test_ux_ps16_clients_list_filters_with_an_htmx_indicator(client):
    _partner, rep = _partner_with_clients(30)
    client.force_login(rep)
    page = client.get(CLIENTS).content.decode()
    form = re.search(r'<form method="get" class="filters"[^>]*>', page).group(0)
    assert 'hx-get="/manager/partners/clients/"' in form and 'hx-select="#clients-results"' in form
    assert 'hx-indicator="#clients-results-loading"' in form
    assert 'id="clients-results-loading" class="htmx-indicator list-loading"' in page
    assert '<div id="clients-results">' in page
    nav = re.search(r'<nav class="pagination"[^>]*>', page).group(0)
    assert 'hx-target="#clients-results"' in nav and 'hx-indicator="#clients-results-loading"' in nav
    assert 'hx-get="?page=2"' in page and 'href="?page=2"' in page


def test_ux_ps16_export_link_follows_the_filters_swapped_in_by_htmx(client):
    partner, rep = _partner_with_clients(2)
    client.force_login(rep)
    body = client.get(CLIENTS, {"level": "full"}, HTTP_HX_REQUEST="true").content.decode()
    results = body.split('<div id="clients-results">', 1)[1]
    assert 'href="?level=full&amp;format=csv" data-export=' in results  # the link is inside the swapped region


def test_ux_ps16_htmx_request_gets_the_results_region(client):
    _partner, rep = _partner_with_clients(3)
    client.force_login(rep)
    response = client.get(CLIENTS, {"q": "zzz-no-such-client"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<div id="clients-results">' in body
    assert "No client matches these filters." in body


def test_ux_pagination_without_results_id_has_no_htmx(client):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    html = render_to_string("partials/pagination.html", {"page": Paginator(range(60), 25).get_page(1)})
    assert 'href="?page=2"' in html and "hx-" not in html


def test_ux_spinner_respects_reduced_motion():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "portal" / "app.css").read_text()
    reduced = css.split("@media (prefers-reduced-motion: reduce)", 1)[1].split("}\n}", 1)[0]
    assert ".spinner { animation: none" in reduced
