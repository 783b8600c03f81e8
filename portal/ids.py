"""Object ids sent by clients (API bodies, form fields)."""

# The largest id a `BigAutoField` holds: an id beyond it can't exist, and SQLite refuses it outright.
MAX_ID = 2**63 - 1


def possible_ids(values) -> list[int]:
    """The values that could be an object's id (positive ints within range), once each, in order."""
    return [v for v in dict.fromkeys(values) if isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_ID]
