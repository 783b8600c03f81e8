"""Email addresses typed by people (invitations, quote requests)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

EMAIL_MAX = 254  # Django's EmailField: the column is that wide


def normalized_email(raw) -> str | None:
    """The address, trimmed and in lower case, when it is a valid one that fits an email column; else None."""
    email = str(raw or "").strip().lower()
    if not email or len(email) > EMAIL_MAX:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email
