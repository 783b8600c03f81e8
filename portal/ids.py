"""Object ids sent by clients (API bodies, form fields)."""

# The largest id a `BigAutoField` holds: an id beyond it can't exist, and SQLite refuses it outright.
MAX_ID = 2**63 - 1


def object_id(value) -> int | None:
    """An id from a URL, a form or a body, or None when it can't be one (then: not found). An id past
    MAX_ID made the database driver overflow (a 500) instead of finding nothing."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number <= MAX_ID else None
