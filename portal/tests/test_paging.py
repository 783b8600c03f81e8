"""Issue 9: pages without COUNT(*) (portal/paging.py)."""

from __future__ import annotations

import pytest

from clients.models import Organization
from clients.tests.factories import OrganizationFactory
from portal.paging import MAX_PAGE, page_number, page_without_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven_orgs():
    for i in range(7):
        OrganizationFactory(name=f"paging org {i}")
    return Organization.objects.filter(name__startswith="paging org").order_by("name")


def test_perf_first_page_knows_a_next_page_exists(seven_orgs, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = page_without_count(seven_orgs, "1", 3)

    assert [o.name for o in page] == ["paging org 0", "paging org 1", "paging org 2"]
    assert page.has_next() and not page.has_previous() and page.has_other_pages()
    assert page.next_page_number() == 2


def test_perf_last_page_has_no_next(seven_orgs):
    page = page_without_count(seven_orgs, 3, 3)

    assert [o.name for o in page.object_list] == ["paging org 6"]
    assert not page.has_next() and page.has_previous() and page.previous_page_number() == 2


def test_perf_exactly_full_last_page_has_no_next(seven_orgs):
    page = page_without_count(seven_orgs.exclude(name="paging org 6"), 2, 3)

    assert len(page) == 3 and not page.has_next()


def test_perf_page_beyond_the_end_is_empty_with_a_way_back(seven_orgs):
    page = page_without_count(seven_orgs, 9, 3)

    assert list(page) == [] and page.has_previous() and not page.has_next()


@pytest.mark.parametrize("raw", ["", None, "x", "-4", "0", "1.5"])
def test_perf_invalid_page_numbers_mean_the_first_page(raw):
    assert page_number(raw) == 1


def test_perf_huge_page_number_is_capped():
    assert page_number(str(10**12)) == MAX_PAGE


def test_perf_choice_display_translates_only_the_label_shown():
    from django.utils import translation

    from partners.models import Partnership

    partnership = Partnership(status=Partnership.Status.ACTIVE, access_level=Partnership.AccessLevel.FULL)
    with translation.override("es"):
        spanish = partnership.get_status_display()
    with translation.override("en"):
        english = partnership.get_status_display()

    assert (english, spanish) == ("active", "activa")
    assert Partnership(status="no-such-status").get_status_display() == "no-such-status"
