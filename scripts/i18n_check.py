#!/usr/bin/env python
"""SPEC §9 "English and Spanish complete": every translatable string has a Spanish translation.

Extracts the msgids of the project's own code and templates the way `makemessages`
does (Django's `templatize` for templates, `xgettext` with Django's keywords),
into a temporary directory (the tree is never touched), and checks each one
against the Spanish catalogs as Django loads them at runtime: each catalog is
compiled with `msgfmt --check-format` (fuzzy and empty entries dropped, broken
placeholders refused) and read with the standard library's gettext.

A msgid is *missing* when no project catalog translates it: the page or email
would show English to a Spanish user. With --strict (the default of the test),
it must also be translated in the catalog that owns the file using it:

- `<app>/...`, `templates/<app>/...`, `templates/emails/<app>/...`,
  `templates/partials/nav_<app>.html` and `dashboard_<app>.html` → `<app>/locale`;
- any other file that exactly one app catalog references (e.g. a shared partial an
  app made) → that app's catalog;
- everything else (`portal/`, `base.html`, error pages, shared partials, email
  layout, allauth overrides) → the project catalog `locale/`.

Usage:
  scripts/i18n_check.py [--lang es] [--no-strict]
  scripts/i18n_check.py --update clients,locale   # merge new msgids into those catalogs (msgmerge)

Exit status 0 when complete, 1 when something is missing (listed on stdout).
"""

from __future__ import annotations

import argparse
import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "clients", "partners", "billing", "tickets", "tenders")
APP_CATALOGS = ("clients", "partners", "billing", "tickets", "tenders")  # apps with their own locale/
PROJECT = "locale"
SKIP_DIRS = {"tests", "migrations", "__pycache__", "locale"}
XGETTEXT = [
    "-d",
    "django",
    "--language=Python",
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
    "--from-code=UTF-8",
    "--add-comments=Translators",
    "--no-wrap",
    "--output=-",
]


def _run(tool: str, args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a GNU gettext tool (fixed arguments built here, never user input)."""
    exe = shutil.which(tool)
    if exe is None:
        raise SystemExit(f"{tool} not found: install GNU gettext")
    return subprocess.run([exe, *args], **kwargs)  # noqa: S603


@dataclass
class Message:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    refs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django
    from django.conf import settings

    if not settings.configured or not getattr(django, "_i18n_check_setup", False):
        django.setup()
        django._i18n_check_setup = True  # type: ignore[attr-defined]


def source_files() -> list[Path]:
    """The project's translatable sources, relative to ROOT."""
    files: list[Path] = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if SKIP_DIRS & set(rel.parts[:-1]):
                continue
            files.append(rel)
        if (ROOT / app / "templates").is_dir():
            files += [p.relative_to(ROOT) for p in sorted((ROOT / app / "templates").rglob("*")) if p.is_file()]
    files += [
        p.relative_to(ROOT)
        for p in sorted((ROOT / "templates").rglob("*"))
        if p.is_file() and p.suffix in {".html", ".txt", ".xml"}
    ]
    return files


# --- reading PO/POT text -------------------------------------------------------


def _unquote(s: str) -> str:
    s = s.strip()
    assert s.startswith('"') and s.endswith('"'), s
    return (
        s[1:-1]
        .replace("\\\\", "\x00")
        .replace('\\"', '"')
        .replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\x00", "\\")
    )


def parse_po(text: str) -> list[Message]:
    """A small PO reader (no polib in the venv): enough for xgettext's output and our catalogs."""
    messages: list[Message] = []
    cur: dict = {}
    last: str | None = None

    def flush() -> None:
        nonlocal cur
        if "msgid" in cur and not cur.get("obsolete"):
            messages.append(
                Message(
                    msgid=cur["msgid"],
                    msgid_plural=cur.get("msgid_plural", ""),
                    msgctxt=cur.get("msgctxt"),
                    refs=cur.get("refs", []),
                    flags=cur.get("flags", set()),
                )
            )
        cur = {}

    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#~"):
            cur["obsolete"] = True
            continue
        if line.startswith("#:"):
            if "msgid" in cur:
                flush()
            cur.setdefault("refs", []).extend(line[2:].split())
            continue
        if line.startswith("#,"):
            if "msgid" in cur:
                flush()
            cur.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            if "msgid" in cur:
                flush()
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
        if m:
            kw, value = m.groups()
            if kw in ("msgid", "msgctxt") and ("msgid" in cur and (kw == "msgctxt" or "msgstr_seen" in cur)):
                flush()
            if kw.startswith("msgstr"):
                cur["msgstr_seen"] = True
            cur[kw] = _unquote(value)
            last = kw
            continue
        if line.startswith('"') and last:
            cur[last] = cur.get(last, "") + _unquote(line)
    flush()
    return messages


# --- extraction ----------------------------------------------------------------


def extract(files: list[Path] | None = None) -> list[Message]:
    """Every msgid of the given sources (default: all), with references, like makemessages."""
    _django_setup()
    from django.utils.translation import templatize

    files = files if files is not None else source_files()
    with tempfile.TemporaryDirectory(prefix="i18n-check-") as tmp:
        work: list[str] = []
        for rel in files:
            src = ROOT / rel
            if rel.suffix == ".py":
                work.append(str(rel))
                continue
            try:
                content = templatize(src.read_text(encoding="utf-8"), origin=str(rel))
            except UnicodeDecodeError:
                continue
            name = rel.relative_to(ROOT) if rel.is_absolute() and rel.is_relative_to(ROOT) else rel
            out = Path(tmp, *[part for part in name.parts if part != "/"]).with_name(name.name + ".py")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(content, encoding="utf-8")
            work.append(str(out))
        listing = Path(tmp) / "files.txt"
        listing.write_text("\n".join(work), encoding="utf-8")
        proc = _run(
            "xgettext", [*XGETTEXT, "--files-from", str(listing)], cwd=ROOT, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise SystemExit(f"xgettext failed:\n{proc.stderr}")
        pot = proc.stdout.replace(tmp + "/", "")
    pot = re.sub(r"^(#: .*)$", lambda m: re.sub(r"(\S+?)\.(html|txt|xml)\.py:", r"\1.\2:", m[1]), pot, flags=re.M)
    return [m for m in parse_po(pot) if m.msgid]


# --- catalogs --------------------------------------------------------------------


def catalog_path(name: str, lang: str) -> Path:
    base = ROOT / "locale" if name == PROJECT else ROOT / name / "locale"
    return base / lang / "LC_MESSAGES" / "django.po"


def load_catalog(po: Path) -> tuple[dict, int, str]:
    """(translations as Django sees them, nplurals, msgfmt errors) of one catalog."""
    if not po.exists():
        return {}, 2, ""
    with tempfile.TemporaryDirectory(prefix="i18n-check-") as tmp:
        mo = Path(tmp) / "django.mo"
        proc = _run("msgfmt", ["--check-format", "-o", str(mo), str(po)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            return {}, 2, proc.stderr.strip()
        with mo.open("rb") as fp:
            trans = gettext.GNUTranslations(fp)
    header = trans._info.get("plural-forms", "")  # type: ignore[attr-defined]
    m = re.search(r"nplurals\s*=\s*(\d+)", header)
    return dict(trans._catalog), int(m.group(1)) if m else 2, ""  # type: ignore[attr-defined]


def translated(msg: Message, catalog: dict, nplurals: int) -> bool:
    if msg.msgid_plural:
        return all(catalog.get((msg.key, i)) for i in range(nplurals))
    return bool(catalog.get(msg.key))


def _referencing_catalogs(lang: str) -> dict[str, set[str]]:
    """file path → app catalogs whose references mention it."""
    seen: dict[str, set[str]] = {}
    for app in APP_CATALOGS:
        po = catalog_path(app, lang)
        if not po.exists():
            continue
        for msg in parse_po(po.read_text(encoding="utf-8")):
            for ref in msg.refs:
                path = ref.rsplit(":", 1)[0]
                if not (ROOT / path).exists() and (ROOT / app / path).exists():
                    path = f"{app}/{path}"
                seen.setdefault(path, set()).add(app)
    return seen


def owner_of(path: str, referenced: dict[str, set[str]]) -> str:
    parts = Path(path).parts
    if parts[0] in APP_CATALOGS:
        return parts[0]
    if parts[0] == "templates" and len(parts) > 1:
        if parts[1] in APP_CATALOGS:
            return parts[1]
        if parts[1] == "emails" and len(parts) > 2 and parts[2] in APP_CATALOGS:
            return parts[2]
        m = re.match(r"^(?:nav|dashboard)_(\w+)\.html$", parts[-1])
        if parts[1] == "partials" and m and m.group(1) in APP_CATALOGS:
            return m.group(1)
    apps = referenced.get(path, set())
    if len(apps) == 1:
        return next(iter(apps))
    return PROJECT


# --- text that never reaches a catalog --------------------------------------------

# Words a template may show untranslated: currency codes, brands, token prefixes.
UNTRANSLATED_OK = {"CHF", "EUR", "PayPal", "pp_"}
_TEXT_ATTRS = re.compile(r"\b(?:aria-label|title|placeholder|alt|data-confirm)=\"([^\"]*)\"")


def hardcoded_template_text(files: list[Path] | None = None) -> list[tuple[str, str]]:
    """Visible text (and aria-label/title/placeholder/alt) in templates outside translation tags."""
    found: list[tuple[str, str]] = []
    for rel in files if files is not None else source_files():
        if rel.suffix == ".py":
            continue
        src = (ROOT / rel).read_text(encoding="utf-8")
        src = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", " ", src, flags=re.S)
        src = re.sub(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", " ", src, flags=re.S)
        src = re.sub(r"{%.*?%}|{{.*?}}", " ", src, flags=re.S)
        src = re.sub(r"<(script|style)\b.*?</\1>", " ", src, flags=re.S)
        pieces = _TEXT_ATTRS.findall(src)
        pieces += re.sub(r"&\w+;|&#\d+;", " ", re.sub(r"<[^>]*>", "\n", src)).split("\n")
        for piece in pieces:
            words = [w for w in re.split(r"[\s·—–|:,.()…]+", piece) if w and w not in UNTRANSLATED_OK]
            if any(re.search(r"[A-Za-z]{2,}", w) for w in words):
                found.append((str(rel), piece.strip()))
    return found


# Calls whose message reaches a user: (name, index of the message argument).
_MESSAGE_CALLS = {
    "RuleViolation": 1,
    "InvalidInput": 1,
    "NotAllowed": 1,
    "ValidationError": 0,
    "PermissionDenied": 0,
    "success": 1,
    "error": 1,
    "info": 1,
    "warning": 1,
    "add_error": 1,
}
_LABEL_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "violation_error_message"}


def untranslated_literals(files: list[Path] | None = None) -> list[tuple[str, str]]:
    """String literals given as user-facing messages or labels without gettext.

    API serializers' help texts are developer documentation (OpenAPI), not checked."""
    import ast

    found: list[tuple[str, str]] = []
    for rel in files if files is not None else source_files():
        if rel.suffix != ".py":
            continue
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        documentation = rel.name in {"api.py", "serializers.py"}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "error" and isinstance(node.func, ast.Attribute) and "log" in ast.unparse(node.func.value):
                continue  # logger.error(...) is for operators
            args = []
            if name in _MESSAGE_CALLS and _MESSAGE_CALLS[name] < len(node.args):
                args.append(node.args[_MESSAGE_CALLS[name]])
            args += [k.value for k in node.keywords if k.arg == "message" and name in _MESSAGE_CALLS]
            if not documentation:
                args += [k.value for k in node.keywords if k.arg in _LABEL_KEYWORDS]
            for arg in args:
                literal = isinstance(arg, ast.JoinedStr) or (
                    isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                )
                if literal and re.search(r"[A-Za-z]{2,}", ast.unparse(arg)):
                    found.append((f"{rel}:{node.lineno}", ast.unparse(arg)))
    return found


@dataclass
class Report:
    missing: dict[str, list[Message]]  # not translated anywhere (the user sees English)
    misplaced: dict[str, list[Message]]  # translated, but not in the owner's catalog
    conflicts: list[tuple[str, dict[str, str]]]  # same msgid, different Spanish per catalog
    errors: dict[str, str]  # msgfmt errors per catalog
    total: int
    # (msg, third-party catalog, what it shows, our catalog): an app listed earlier wins (admin, allauth, ...)
    shadowed: list[tuple[Message, str, str, str]] = field(default_factory=list)
    hardcoded: list[tuple[str, str]] = field(default_factory=list)  # template text outside translation tags
    literals: list[tuple[str, str]] = field(default_factory=list)  # Python messages without gettext

    @property
    def ok_catalogs(self) -> bool:
        return not self.missing and not self.errors and not self.shadowed

    @property
    def ok_marked(self) -> bool:
        return not self.hardcoded and not self.literals

    def ok(self, strict: bool) -> bool:
        return self.ok_catalogs and self.ok_marked and (not strict or not self.misplaced)


def lookup_path(lang: str, ours: dict[str, dict]) -> list[tuple[str, dict]]:
    """Catalogs in the order Django's gettext consults them: LOCALE_PATHS, then INSTALLED_APPS in
    order (an earlier app wins), then Django's own. Ours come from `ours` (compiled from the .po files,
    so a stale .mo can't hide anything); third-party ones from the .mo files they ship."""
    _django_setup()
    import django
    from django.apps import apps

    def shipped(locale_dir: Path) -> dict:
        mo = locale_dir / lang / "LC_MESSAGES" / "django.mo"
        if not mo.exists():
            return {}
        with mo.open("rb") as fp:
            return dict(gettext.GNUTranslations(fp)._catalog)  # type: ignore[attr-defined]

    path: list[tuple[str, dict]] = [(PROJECT, ours.get(PROJECT, {}))]
    for config in apps.get_app_configs():
        if config.label in APP_CATALOGS:
            path.append((config.label, ours.get(config.label, {})))
        elif config.name not in APPS:
            path.append((config.name, shipped(Path(config.path) / "locale")))
    path.append(("django", shipped(Path(django.__file__).parent / "conf" / "locale")))
    return path


def check(lang: str = "es") -> Report:
    messages = extract()
    names = [PROJECT, *APP_CATALOGS]
    catalogs: dict[str, tuple[dict, int]] = {}
    errors: dict[str, str] = {}
    for name in names:
        cat, nplurals, err = load_catalog(catalog_path(name, lang))
        catalogs[name] = (cat, nplurals)
        if err:
            errors[str(catalog_path(name, lang).relative_to(ROOT))] = err
    referenced = _referencing_catalogs(lang)
    runtime = lookup_path(lang, {n: c for n, (c, _np) in catalogs.items()})
    missing: dict[str, list[Message]] = {}
    misplaced: dict[str, list[Message]] = {}
    conflicts: list[tuple[str, dict[str, str]]] = []
    shadowed: list[tuple[Message, str, str, str]] = []
    for msg in messages:
        where = {n for n in names if translated(msg, *catalogs[n])}
        owners = {owner_of(ref.rsplit(":", 1)[0], referenced) for ref in msg.refs} or {PROJECT}
        if not where:
            for o in sorted(owners):
                missing.setdefault(o, []).append(msg)
            continue
        for o in sorted(owners - where):
            misplaced.setdefault(o, []).append(msg)
        if not msg.msgid_plural and len(where) > 1:
            variants = {n: catalogs[n][0][msg.key] for n in where}
            if len(set(variants.values())) > 1:
                conflicts.append((msg.msgid, variants))
        if not msg.msgid_plural:
            # What a Spanish user sees: the first catalog on the lookup path that has the msgid.
            source, shown = next(((n, c[msg.key]) for n, c in runtime if c.get(msg.key)), ("", ""))
            if source not in names:  # a third-party catalog comes first: ours is never used
                for o in sorted(owners & where):
                    if catalogs[o][0][msg.key] != shown:
                        shadowed.append((msg, source, shown, o))
    files = source_files()
    return Report(
        missing,
        misplaced,
        conflicts,
        errors,
        len(messages),
        shadowed=shadowed,
        hardcoded=hardcoded_template_text(files),
        literals=untranslated_literals(files),
    )


def _fmt(msg: Message) -> str:
    ctx = f"[{msg.msgctxt}] " if msg.msgctxt is not None else ""
    refs = ", ".join(msg.refs[:3]) + (" …" if len(msg.refs) > 3 else "")
    return f"  {ctx}{msg.msgid!r}  ({refs})"


def update(names: list[str], lang: str) -> None:
    """Merge the msgids each named catalog owns into it (creating it when absent)."""
    referenced = _referencing_catalogs(lang)
    messages = extract()
    for name in names:
        own = [m for m in messages if name in {owner_of(r.rsplit(":", 1)[0], referenced) for r in m.refs}]
        po = catalog_path(name, lang)
        po.parent.mkdir(parents=True, exist_ok=True)
        if po.exists():  # never drop what the catalog holds beyond our sources (e.g. overrides of allauth's Spanish)
            keys = {m.key for m in own}
            own += [m for m in parse_po(po.read_text(encoding="utf-8")) if m.msgid and m.key not in keys]
        with tempfile.TemporaryDirectory(prefix="i18n-check-") as tmp:
            pot = Path(tmp) / "django.pot"
            pot.write_text(_pot_text(own, refs_for=name, referenced=referenced), encoding="utf-8")
            if po.exists():
                _run(
                    "msgmerge",
                    ["-q", "--no-fuzzy-matching", "--no-wrap", "--backup=none", "-U", str(po), str(pot)],
                    check=True,
                )
            else:
                _run(
                    "msginit",
                    ["--no-translator", "--no-wrap", "-l", lang, "-i", str(pot), "-o", str(po)],
                    check=True,
                    capture_output=True,
                )
        print(f"{po.relative_to(ROOT)}: {len(own)} msgids")


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def _pot_text(messages: list[Message], *, refs_for: str, referenced: dict[str, set[str]]) -> str:
    out = [
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: partner-portal\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"',
        "",
    ]
    for m in messages:
        refs = [r for r in m.refs if owner_of(r.rsplit(":", 1)[0], referenced) == refs_for]
        if refs:
            out.append("#: " + " ".join(refs))
        if m.flags:
            out.append("#, " + ", ".join(sorted(m.flags)))
        if m.msgctxt is not None:
            out.append(f"msgctxt {_q(m.msgctxt)}")
        out.append(f"msgid {_q(m.msgid)}")
        if m.msgid_plural:
            out.append(f"msgid_plural {_q(m.msgid_plural)}")
            out += ['msgstr[0] ""', 'msgstr[1] ""']
        else:
            out.append('msgstr ""')
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lang", default="es")
    parser.add_argument("--no-strict", action="store_true", help="accept a translation in any project catalog")
    parser.add_argument("--update", help="comma-separated catalogs to merge new msgids into (clients,locale,...)")
    args = parser.parse_args(argv)
    if args.update:
        update([n.strip() for n in args.update.split(",") if n.strip()], args.lang)
        return 0
    report = check(args.lang)
    strict = not args.no_strict
    for path, err in report.errors.items():
        print(f"{path}: msgfmt --check-format failed:\n{err}")
    for owner, msgs in sorted(report.missing.items()):
        print(f"MISSING in {catalog_path(owner, args.lang).relative_to(ROOT)} ({len(msgs)}, untranslated everywhere):")
        print("\n".join(_fmt(m) for m in msgs))
    if strict:
        for owner, msgs in sorted(report.misplaced.items()):
            print(f"NOT IN OWNER CATALOG {catalog_path(owner, args.lang).relative_to(ROOT)} ({len(msgs)}):")
            print("\n".join(_fmt(m) for m in msgs))
    for msg, source, shown, ours in report.shadowed:
        print(
            f"SHADOWED {msg.msgid!r}: {source} shows {shown!r}, not {ours}'s translation "
            f"(override it in {catalog_path(PROJECT, args.lang).relative_to(ROOT)}, which comes first)"
        )
    for path, text in report.hardcoded:
        print(f"NOT MARKED FOR TRANSLATION {path}: {text!r}")
    for where, text in report.literals:
        print(f"NOT MARKED FOR TRANSLATION {where}: {text}")
    for msgid, variants in report.conflicts:
        print(f"note: {msgid!r} is translated differently: {variants}")
    ok = report.ok(strict)
    print(f"{'OK' if ok else 'INCOMPLETE'}: {report.total} msgids checked for '{args.lang}'.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
