"""Reading a value of the profile vocabulary from what departments send (text in files, JSON in
the API) into its type, or saying clearly why it cannot be read."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils.translation import gettext as _

from jinqi.registry.enums import FieldType

TRUE_WORDS = frozenset({"是", "有", "true", "True", "TRUE", "1", "Y", "y", "yes"})
FALSE_WORDS = frozenset({"否", "无", "false", "False", "FALSE", "0", "N", "n", "no"})
MAX_TEXT = 200


class ValueReadError(ValueError):
    """The value cannot be read as its field's type; the message says why."""


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueReadError(_("“%(value)s” is not a number") % {"value": value})
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            raise ValueReadError(_("“%(value)s” is not a number") % {"value": value}) from None
    if not math.isfinite(number):
        raise ValueReadError(_("“%(value)s” is not a finite number") % {"value": value})
    return number


def coerce(field_type: str, value: Any) -> Any:
    """`value` as the Python value stored for `field_type`; None and "" mean unknown."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if field_type == FieldType.TEXT:
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            raise ValueReadError(_("text longer than %(n)s characters") % {"n": MAX_TEXT})
        return text
    if field_type == FieldType.INTEGER:
        number = _number(value)
        if number != int(number):
            raise ValueReadError(_("“%(value)s” is not a whole number") % {"value": value})
        if number < 0:
            raise ValueReadError(_("“%(value)s” cannot be negative") % {"value": value})
        return int(number)
    if field_type in (FieldType.MONEY, FieldType.NUMBER):
        return _number(value)
    if field_type == FieldType.RATIO:
        number = _number(value)
        if not 0 <= number <= 1:
            raise ValueReadError(
                _("“%(value)s” is not a ratio between 0 and 1 (write 5%% as 0.05)")
                % {"value": value}
            )
        return number
    if field_type == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueReadError(_("“%(value)s” is not yes or no (是/否)") % {"value": value})
    if field_type == FieldType.DATE:
        return parse_date(value).isoformat()
    raise ValueReadError(_("unknown field type %(type)s") % {"type": field_type})


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    text = text.replace("年", "-").replace("月", "-").replace("日", "").rstrip("-")
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ValueReadError(
            _("“%(value)s” is not a date (write 2022-06-30)") % {"value": value}
        ) from None
