"""`pk_url`: the same URLs as `{% url %}`, reversed once per name (issue 9)."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix

from portal.templatetags.portal_urls import pk_url

NAMES = ["partners:partnership_detail", "partners:access_client", "billing:invoice_detail", "tenders:inbox_detail"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 42, 123456789])
def test_perf_pk_url_is_the_url_tags_url(name, pk):
    kwargs = {"pk": pk} if name == "tenders:inbox_detail" else {}
    expected = reverse(name, kwargs=kwargs) if kwargs else reverse(name, args=[pk])
    assert pk_url(name, pk) == expected


def test_perf_pk_url_in_a_template_matches_the_url_tag():
    template = engines["django"].from_string(
        "{% load portal_urls %}{{ 'billing:invoice_detail'|pk_url:i }}|{% url 'billing:invoice_detail' i %}"
    )
    ours, django = template.render({"i": 99}).split("|")
    assert ours == django


def test_perf_pk_url_follows_the_script_prefix():
    try:
        set_script_prefix("/portal/")
        assert pk_url("billing:invoice_detail", 5) == reverse("billing:invoice_detail", args=[5])
        assert pk_url("billing:invoice_detail", 5).startswith("/portal/")
    finally:
        set_script_prefix("/")
    assert not pk_url("billing:invoice_detail", 5).startswith("/portal/")


def test_perf_pk_url_of_something_else_than_an_integer_is_djangos_answer():
    with pytest.raises(NoReverseMatch):
        pk_url("billing:invoice_detail", "not-a-number")
