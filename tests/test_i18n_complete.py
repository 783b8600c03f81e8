"""SPEC §9 "English and Spanish complete": scripts/i18n_check.py, run by `make test`.

The check extracts every msgid of the project's code and templates (as
`makemessages` would, into a temporary directory) and requires a Spanish
translation for each, in the catalog of the app that uses it. The other tests
prove the check itself catches what it should.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("i18n_check", ROOT / "scripts" / "i18n_check.py")
i18n_check = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("i18n_check", i18n_check)
_spec.loader.exec_module(i18n_check)


def _listing(report) -> str:
    lines = []
    for title, groups in (("missing", report.missing), ("not in the owner's catalog", report.misplaced)):
        for owner, msgs in sorted(groups.items()):
            lines.append(f"{title} — {owner} ({len(msgs)}):")
            lines += [f"  {m.msgid!r} ({', '.join(m.refs[:2])})" for m in msgs]
    lines += [f"{path}: {err}" for path, err in report.errors.items()]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def report():
    return i18n_check.check("es")


def test_spec9_every_msgid_has_a_spanish_translation_in_its_apps_catalog(report):
    assert report.total > 1000  # the whole project was read, not an empty selection
    assert report.ok_catalogs and not report.misplaced, "Spanish translations missing:\n" + _listing(report)


def test_spec9_templates_show_no_text_outside_translation_tags(report):
    assert report.hardcoded == []


def test_spec9_user_facing_python_messages_are_marked_for_translation(report):
    assert report.literals == []


def test_spec9_check_reports_a_string_missing_from_every_catalog(tmp_path, monkeypatch):
    template = tmp_path / "new_page.html"
    template.write_text('{% load i18n %}<h1>{% translate "A heading nobody translated yet" %}</h1>', encoding="utf-8")
    monkeypatch.setattr(i18n_check, "source_files", lambda: [template])

    report = i18n_check.check("es")

    missing = [m.msgid for msgs in report.missing.values() for m in msgs]
    assert missing == ["A heading nobody translated yet"]
    assert not report.ok(strict=False)


def test_spec9_check_reports_plural_forms_missing(tmp_path, monkeypatch):
    template = tmp_path / "count.html"
    template.write_text(
        "{% load i18n %}{% blocktranslate count n=items|length %}{{ n }} unheard-of item"
        "{% plural %}{{ n }} unheard-of items{% endblocktranslate %}",
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n_check, "source_files", lambda: [template])

    report = i18n_check.check("es")

    assert [m.msgid_plural for msgs in report.missing.values() for m in msgs] == ["%(n)s unheard-of items"]


def test_spec9_fuzzy_and_empty_entries_do_not_count_as_translated(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"\n\n'
        '#, fuzzy\nmsgid "Members"\nmsgstr "Miembros"\n\n'
        'msgid "Team"\nmsgstr ""\n\n'
        'msgid "Save"\nmsgstr "Guardar"\n\n'
        'msgid "%(n)s item"\nmsgid_plural "%(n)s items"\nmsgstr[0] "%(n)s elemento"\nmsgstr[1] "%(n)s elementos"\n',
        encoding="utf-8",
    )

    catalog, nplurals, errors = i18n_check.load_catalog(po)

    assert errors == ""
    assert nplurals == 3
    assert not i18n_check.translated(i18n_check.Message("Members"), catalog, nplurals)
    assert not i18n_check.translated(i18n_check.Message("Team"), catalog, nplurals)
    assert i18n_check.translated(i18n_check.Message("Save"), catalog, nplurals)
    # Spanish has three plural forms in Django's catalogs: two are not enough.
    assert not i18n_check.translated(i18n_check.Message("%(n)s item", "%(n)s items"), catalog, nplurals)


def test_spec9_broken_placeholder_is_reported(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, python-format\nmsgid "Hello %(name)s,"\nmsgstr "Hola, %(nombre)s:"\n',
        encoding="utf-8",
    )

    catalog, _nplurals, errors = i18n_check.load_catalog(po)

    assert "'name'" in errors  # msgfmt names the placeholder the msgstr lost
    assert catalog == {}


@pytest.mark.parametrize("path, owner", [
    ("clients/views.py", "clients"),
    ("templates/clients/members.html", "clients"),
    ("templates/emails/billing/invoice_issued.txt", "billing"),
    ("templates/partials/nav_tenders.html", "tenders"),
    ("templates/partials/dashboard_clients.html", "clients"),
    ("templates/base.html", "locale"),
    ("templates/emails/base.html", "locale"),
    ("portal/models.py", "locale"),
])  # fmt: skip
def test_spec9_each_file_is_checked_against_its_owners_catalog(path, owner):
    assert i18n_check.owner_of(path, {}) == owner


def test_spec9_script_exits_non_zero_listing_what_is_missing(tmp_path, monkeypatch, capsys):
    template = tmp_path / "new_page.html"
    template.write_text('{% load i18n %}{% translate "Yet another untranslated label" %}', encoding="utf-8")
    monkeypatch.setattr(i18n_check, "source_files", lambda: [template])

    status = i18n_check.main(["--lang", "es"])

    out = capsys.readouterr().out
    assert status == 1
    assert "'Yet another untranslated label'" in out
    assert "INCOMPLETE" in out


def test_spec9_check_reports_template_text_outside_translation_tags(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}<h1>{% translate "Fine" %}</h1><p>Forgotten sentence</p>'
        '<button aria-label="Close panel">×</button><p>CHF {{ amount }}</p>',
        encoding="utf-8",
    )

    found = [text for _path, text in i18n_check.hardcoded_template_text([template])]

    assert found == ["Close panel", "Forgotten sentence"]


def test_spec9_check_reports_python_messages_without_gettext(tmp_path):
    module = tmp_path / "services.py"
    module.write_text(
        "from django.utils.translation import gettext as _\n"
        "def f():\n"
        '    raise RuleViolation("code", "Plain English refusal")\n'
        "def g():\n"
        '    raise RuleViolation("code", _("Translated refusal"))\n',
        encoding="utf-8",
    )

    found = [text for _where, text in i18n_check.untranslated_literals([module])]

    assert found == ["'Plain English refusal'"]


def test_spec9_check_follows_djangos_catalog_order():
    """The project catalog first, then INSTALLED_APPS in order (admin, allauth, ... before our apps), Django last:
    a msgid of ours that admin or allauth also translates shows *their* Spanish unless locale/ overrides it."""
    names = [name for name, _catalog in i18n_check.lookup_path("es", {})]

    assert names[0] == "locale" and names[-1] == "django"
    assert names.index("django.contrib.admin") < names.index("allauth") < names.index("clients")
    assert names.index("clients") < names.index("partners") < names.index("tenders")
