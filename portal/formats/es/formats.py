"""Spanish formats of the portal (FORMAT_MODULE_PATH), over Django's own `es` module.

Django groups Spanish thousands with a non-breaking space (RAE); invoices and
prices in Spain and Latin America use a dot ("1.234,50 CHF", as CLDR's `es`).
Dates keep Django's Spanish formats ("27 de noviembre de 2026", "27/11/2026").
"""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
