"""Search normalization for the help center (SP-4): case- and accent-insensitive on any database.

The help center is small (a few dozen articles per language), so matching is done in Python over
the language's articles rather than with a database's full-text search: it behaves the same on
SQLite and PostgreSQL and needs no index to maintain.
"""

from __future__ import annotations

import re

from portal.text import folded

_STOP_WORDS_EN = """
    a an and are as at be by can do does for from has have how i if in is it its me my no not of on or our
    that the this to was we what when where which who why will with you your
"""
_STOP_WORDS_ES = """
    al como con cual cuales cuando de del donde e el ella en es esta este esto hay la las lo los mas mi mis
    muy o para pero por puede puedo que quien se ser si sin sobre son su sus tengo tiene teneis tu tus un una uno unos
    unas y ya yo
"""
#: Words that carry no meaning in a query (English and Spanish), compared after `search_normalize`.
STOP_WORDS = frozenset(_STOP_WORDS_EN.split() + _STOP_WORDS_ES.split())

#: Endings stripped to reach a word's stem (longest first, one per word): English and Spanish
#: plurals and common derivations. Crude on purpose: both the query and the articles go through it,
#: and a query stem matches any article word it starts.
_SUFFIXES = "ings ing ers er ed ies es s ly ciones cion mente antes ante entes ente idades idad os as o a e"
SUFFIXES = sorted(_SUFFIXES.split(), key=len, reverse=True)
MIN_STEM = 4
MAX_TERMS = 8

_WORD = re.compile(r"[0-9a-z]+")


# `Protección` → `proteccion` (migration 0003 imports this name).
search_normalize = folded


def search_words(text: str) -> list[str]:
    """The words of `text`, normalized: `whistleblower-protection` → `whistleblower`, `protection`."""
    return _WORD.findall(search_normalize(text))


def search_stem(word: str) -> str:
    """`whistleblowing`, `whistleblowers`, `whistleblower` → `whistleblow`; `denunciantes` → `denunci`."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def search_terms(query: str) -> list[str]:
    """The stems a query looks for: stop words and one-letter words dropped, duplicates once."""
    terms = [search_stem(w) for w in search_words(query) if len(w) > 1 and w not in STOP_WORDS]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def term_matches(term: str, words: set[str]) -> bool:
    """A term matches a word it starts (`partn` → `partners`, `partnership`); a term of 5+
    letters also matches inside a word (`drive` → `kdrive`)."""
    return any(w.startswith(term) or (len(term) >= 5 and term in w) for w in words)
