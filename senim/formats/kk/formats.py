"""Number and date formats for Kazakh, which Django does not ship: space-grouped thousands and a
decimal comma, as in Kazakhstan's official statistics."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a no-break space, so 1 234 567 never wraps
NUMBER_GROUPING = 3
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1
