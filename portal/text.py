"""Text folding for the portal's own searches (help center, directory): the same on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata


def folded(text: str) -> str:
    """`Zürich  Protección` → `zurich proteccion`: lower case, accents and control characters removed,
    whitespace collapsed, so that a search ignores case and accents without a database extension."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp") else ch
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
    return " ".join(kept.casefold().split())
