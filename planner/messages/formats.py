"""Numbers, times and dates as people read them, in a language.

The core gives integer seconds (clock times since the service day's midnight,
or durations), metres and ISO dates; these functions are the only place that
turns them into text.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.dates import format_date, get_day_names

from planner.domain.model import format_clock
from planner.messages.catalogue import pgettext


# ``HH:MM`` of seconds after the service day's midnight: the domain's one formatter, named for messages.
clock = format_clock


def minutes(seconds: int | float) -> int:
    """A duration in whole minutes (rounded).

    Examples
    --------
    >>> minutes(89), minutes(91)
    (1, 2)
    """
    return round(seconds / 60)


def weekday(day: dt.date, lang: str) -> str:
    """The day of the week of ``day`` ("Monday", "星期一")."""
    return str(format_date(day, "EEEE", locale=lang))


def weekday_short(index: int, lang: str) -> str:
    """The short name of weekday ``index`` (0 is Monday): "Mon", "周一"."""
    return str(get_day_names("abbreviated", locale=lang)[index])


def joined(items: Iterable[object], lang: str) -> str:
    """Items in a row, separated as the language does ("a, b", "a、b").

    Examples
    --------
    >>> joined(["a", "b"], "en"), joined(["a", "b"], "zh")
    ('a, b', 'a、b')
    """
    return pgettext("list separator", ", ", lang).join(str(item) for item in items)
