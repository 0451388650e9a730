"""Parsing request parameters; a bad one raises BadRequest naming its field."""
from __future__ import annotations

import datetime as dt
import re

from planner.domain.errors import BadRequest
from planner.domain.model import TZ
from planner.web.api_models import DATE_MAX, DATE_MIN, DATE_PATTERN


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


def parse_date(value: str | None, field: str = "date", default: dt.date | None = None) -> dt.date:
    if value is None or value == "":
        if default is None:
            raise BadRequest(field, "required_date")
        return default
    if not re.fullmatch(DATE_PATTERN, value):  # fromisoformat would also take 20240212 and 2024-W07-1
        raise BadRequest(field, "not_a_date", value=value)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(field, "not_a_date", value=value) from None
    if not DATE_MIN <= day <= DATE_MAX:  # the API's bounds: the pages' dates are the same dates
        raise BadRequest(field, "out_of_bounds", value=value, low=DATE_MIN.isoformat(), high=DATE_MAX.isoformat())
    return day
