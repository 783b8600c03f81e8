"""English formats of the portal (FORMAT_MODULE_PATH), over Django's own `en` module.

A Swiss provider writes dates day first and hours on 24 hours, even in English:
"27 Nov 2026", "27 Nov 2026, 14:05" -- never "11/27/2026". Anything not set here
comes from Django's `en` formats.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d M Y"
SHORT_DATETIME_FORMAT = "d M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
