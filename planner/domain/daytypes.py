"""Day types of a service plan: weekday, weekend, holiday (PRC public holidays and make-up working days).

The rule follows the State Council's yearly holiday notice (国务院办公厅关于部分节假日安排的通知) as
published in the ``holidays`` package (country ``CN``): a public holiday or a day off moved onto a
weekday (调休 day off) is a ``holiday``; a make-up working day (调休上班) on a Saturday or Sunday is a
``weekday``; any other Saturday or Sunday is a ``weekend``.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

DAY_TYPES = ("weekday", "weekend", "holiday")
#: The metro's day types: a holiday of the Spring Festival break apart from the other public holidays
#: (data/transit.yaml, ``day_types``, says which timetable each runs).
METRO_DAY_TYPES = ("weekday", "weekend", "holiday", "spring_festival")


@lru_cache(maxsize=64)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


@lru_cache(maxsize=4096)  # asked for at every journey query
def day_type(day: dt.date) -> str:
    """The day type of ``day`` in mainland China.

    A holiday is a day of a published break: a run of days off (public holidays, days off moved
    onto weekdays, and the Saturdays and Sundays among or beside them) holding a public holiday, as
    the notices count them ("10月1日至7日放假调休，共7天"). A make-up working day on a weekend is a
    weekday; any other Saturday or Sunday a weekend.

    Source: the ``holidays`` package (country ``CN``), which follows the State Council notices,
    including the days off moved onto weekdays and the make-up working days on weekends.

    Examples
    --------
    >>> day_type(dt.date(2024, 10, 1)), day_type(dt.date(2024, 10, 5)), day_type(dt.date(2024, 10, 12))
    ('holiday', 'holiday', 'weekday')
    >>> day_type(dt.date(2024, 10, 19)), day_type(dt.date(2024, 10, 21)), day_type(dt.date(2025, 4, 5))
    ('weekend', 'weekday', 'holiday')
    """
    if _is_holiday(day):
        return "holiday"
    if day in _china(day.year).weekend_workdays:
        return "weekday"  # 调休: a Saturday or Sunday worked in exchange for a day off
    if day.weekday() < 5:
        return "weekday"
    # a weekend day is a holiday when the run of days off it belongs to holds one
    for step in (-1, 1):
        other = day + dt.timedelta(days=step)
        while _day_off(other):
            if _is_holiday(other):
                return "holiday"
            other += dt.timedelta(days=step)
    return "weekend"


def _is_holiday(day: dt.date) -> bool:
    return day in _china(day.year)


def _day_off(day: dt.date) -> bool:
    if _is_holiday(day):
        return True
    return day.weekday() >= 5 and day not in _china(day.year).weekend_workdays


def metro_day_type(day: dt.date) -> str:
    """The day type of ``day`` for the metro: :func:`day_type`, with the days of the Spring Festival
    break (the run of days off holding 春节, as the State Council notice counts it) as ``spring_festival``.

    Examples
    --------
    >>> [metro_day_type(dt.date(2024, 2, d)) for d in (9, 10, 12, 17, 18, 19)]
    ['weekday', 'spring_festival', 'spring_festival', 'spring_festival', 'weekday', 'weekday']
    >>> metro_day_type(dt.date(2024, 10, 1)), metro_day_type(dt.date(2024, 10, 19))
    ('holiday', 'weekend')
    """
    kind = day_type(day)
    if kind != "holiday":
        return kind
    return "spring_festival" if any("Spring Festival" in _china(d.year).get(d, "") for d in _break(day)) else kind


def _break(day: dt.date) -> list[dt.date]:
    """The run of days off that ``day`` belongs to."""
    days = [day]
    for step in (-1, 1):
        other = day + dt.timedelta(days=step)
        while _day_off(other):
            days.append(other)
            other += dt.timedelta(days=step)
    return sorted(days)
