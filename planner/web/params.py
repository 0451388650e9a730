"""Parsing request parameters; a bad one raises BadRequest naming its field."""
from __future__ import annotations

import datetime as dt

from planner.domain.errors import BadRequest
from planner.domain.model import TZ


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


def parse_time(value: str | None, field: str, default: int | None = None) -> int:
    """Seconds after midnight of an ``HH:MM`` (or ``HH:MM:SS``) field."""
    from planner.domain.model import parse_clock

    if value is None or value == "":
        if default is None:
            raise BadRequest(field, "required, as HH:MM")
        return default
    try:
        return parse_clock(value)
    except ValueError:
        raise BadRequest(field, f"not a time HH:MM: {value!r}") from None


def parse_number(value: str | None, field: str, low: float, high: float) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadRequest(field, f"not a number: {value!r}") from None
    if not low <= number <= high:
        raise BadRequest(field, f"{number:g} is outside {low:g}..{high:g}")
    return number


def parse_flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes", "on")
