"""Object ids sent by clients (API bodies, form fields)."""

# The largest id a `BigAutoField` holds: an id beyond it can't exist, and SQLite refuses it outright.
MAX_ID = 2**63 - 1
