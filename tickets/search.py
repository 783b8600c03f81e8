"""Search normalization for the help center (SP-4): case- and accent-insensitive on any database."""

from __future__ import annotations

import unicodedata


def search_normalize(text: str) -> str:
    """`Protección` → `proteccion`: lower case, accents stripped, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
