"""Kazakhstan's individual identification number (ЖСН / ИИН): validation and keyed hashing.

Layout: YYMMDD, then a century-and-sex digit (1-6), four serial digits and a check digit.
The check digit is the weighted sum mod 11 with weights 1..11; when that gives 10 a second
pass uses weights 3..11,1,2, and a second 10 means the number is never issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# Seventh digit: century of birth and sex.
_CENTURY_SEX = {
    1: (1800, "M"),
    2: (1800, "F"),
    3: (1900, "M"),
    4: (1900, "F"),
    5: (2000, "M"),
    6: (2000, "F"),
}


class InvalidIIN(ValueError):
    """The value is not a valid IIN; `str(error)` says why."""


@dataclass(frozen=True)
class IINInfo:
    iin: str
    birth_date: dt.date | None
    sex: str  # "M", "F" or "" when the number does not encode it


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when no valid IIN can have them."""
    digits = [int(c) for c in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        value = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if value != 10:
            return value
    return None


def parse_iin(value: str) -> IINInfo:
    """Validate an IIN and decode the birth date and sex it carries."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        raise InvalidIIN(_("An IIN is exactly 12 digits."))
    expected = check_digit(value[:11])
    if expected is None or expected != int(value[11]):
        raise InvalidIIN(_("The IIN check digit does not match."))
    century_sex = _CENTURY_SEX.get(int(value[6]))
    if century_sex is None:
        if value[6] == "0":  # issued without a decoded birth date (e.g. to some foreigners)
            return IINInfo(iin=value, birth_date=None, sex="")
        raise InvalidIIN(_("The seventh digit of an IIN must be 0-6."))
    century, sex = century_sex
    try:
        birth = dt.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError as error:
        raise InvalidIIN(_("The IIN does not start with a valid birth date.")) from error
    return IINInfo(iin=value, birth_date=birth, sex=sex)


def is_valid_iin(value: str) -> bool:
    try:
        parse_iin(value)
    except InvalidIIN:
        return False
    return True


def iin_hash(value: str, *, key: str | None = None) -> str:
    """The keyed hash under which an IIN is linked; the IIN itself is never stored."""
    if key is None:
        from django.conf import settings

        key = settings.PII_HASH_KEY
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
