"""Parsing request parameters; a bad one raises BadRequest naming its field."""
from __future__ import annotations

import datetime as dt

from ..errors import BadRequest
from ..model import TZ


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


def parse_date(value: str | None, field: str = "date", default: dt.date | None = None) -> dt.date:
    if value is None or value == "":
        if default is None:
            raise BadRequest(field, "required, as YYYY-MM-DD")
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(field, f"not a date YYYY-MM-DD: {value!r}") from None
