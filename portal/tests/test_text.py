"""The search folding the help center (SP-4) and the directory (TD-5) share."""

from portal.text import folded


def test_folded_ignores_case_accents_and_control_characters():
    assert folded("  Zürich\x00Protección\tÉTÉ ") == "zurich proteccion ete"


def test_folded_of_nothing_is_empty():
    assert folded(None) == "" and folded("") == ""
