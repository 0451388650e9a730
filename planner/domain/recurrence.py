"""The sessions of an event: RFC 5545 recurrence expanded by ``recurring-ical-events``.

An event is written as iCalendar components (the series' VEVENT and one VEVENT per
overridden session, with RECURRENCE-ID) and the library expands them: RRULE, RDATE
(dates, date-times, periods), EXDATE and RECURRENCE-ID (RANGE=THISANDFUTURE too),
all in the event's own time zone (RFC 5545 3.3.10, 3.8.5.1), so a weekly 10:00 in
New York stays 10:00 in New York across the clock change. Sessions are then shown
in Asia/Shanghai.

Bounded: a series has at most :data:`MAX_SESSIONS_PER_SERIES` sessions (the first
ones, in order of start); RFC 5545 sets no limit, so this one is ours. Its reason:
a daily programme for close to three years or a weekly one for nineteen is more than
any venue plans, while a series one thousand sessions long still expands in a few
milliseconds and keeps one day's answer fast whatever a file asks for (a
``FREQ=SECONDLY;COUNT=1000000000`` rule would otherwise be a billion sessions). The
setting ``PLANNER_MAX_SESSIONS_PER_SERIES`` changes it (:func:`set_max_sessions`).
"""
from __future__ import annotations

import datetime as dt
import functools
import itertools
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from planner.domain.caches import SharedCache

if TYPE_CHECKING:
    from planner.domain.model import Event, Occurrence

SHOWN_IN = ZoneInfo("Asia/Shanghai")
MAX_SESSIONS_PER_SERIES = 1000
_settings = {"max_sessions": MAX_SESSIONS_PER_SERIES}


def set_max_sessions(limit: int) -> None:
    """Set the maximum number of sessions per series (the setting ``max_sessions_per_series``)."""
    if limit < 1:
        raise ValueError("the maximum number of sessions per series must be at least 1")
    _settings["max_sessions"] = limit
    _cutoff.cache_clear()
    _EXPANDED.clear()


def max_sessions() -> int:
    return _settings["max_sessions"]


def is_series(event: Event) -> bool:
    """Whether the event has more than its one start (a rule, extra dates or changed sessions)."""
    return bool(event.rrule or event.rdates or event.overrides)


def components(event: Event) -> list[Any]:
    """The event as iCalendar VEVENTs: the series, then one per overridden session.

    Only what recurrence needs (UID, DTSTART, DTEND or DURATION, RRULE, RDATE, EXDATE,
    RECURRENCE-ID, STATUS, SUMMARY of an override); the export adds the rest.
    An all-day event is written with dates and a DURATION in days (nominal, RFC 5545
    3.3.6: a day is a calendar day also across a clock change).
    """
    from icalendar import Event as VEvent
    from icalendar import vRecur

    master = VEvent()
    master.add("uid", f"{event.id}@series")
    _add_times(master, event.start, event.end, event.all_day)
    if event.rrule:
        master.add("rrule", vRecur.from_ical(event.rrule))
    for value in event.rdates:
        if isinstance(value, tuple):
            master.add("rdate", [value])
        else:
            master.add("rdate", [_date_if(value, event.all_day)])
    for value in event.exdates if event.all_day else ():  # timed ones: see _kept
        master.add("exdate", [_date_if(value, event.all_day)])
    found = [master]
    for override in event.overrides:
        part = VEvent()
        part.add("uid", f"{event.id}@series")
        part.add("recurrence-id", _date_if(override.recurrence_id, event.all_day))
        start = override.start or override.recurrence_id
        end = override.end or start + (event.end - event.start)
        _add_times(part, start, end, event.all_day)
        if override.status is not None:
            part.add("status", override.status.upper().replace("_", "-"))
        found.append(part)
    return found


def _date_if(value: dt.datetime, all_day: bool) -> dt.date | dt.datetime:
    return value.date() if all_day and isinstance(value, dt.datetime) else value


def _add_times(vevent: Any, start: dt.datetime, end: dt.datetime, all_day: bool) -> None:
    if all_day:
        vevent.add("dtstart", start.date())
        vevent.add("duration", dt.timedelta(days=max(1, (end.date() - start.date()).days)))
    else:
        vevent.add("dtstart", start)
        vevent.add("dtend", end)


def _query(event: Event) -> Any:
    import recurring_ical_events
    from icalendar import Calendar

    cal = Calendar()
    for part in components(event):
        cal.add_component(part)
    return recurring_ical_events.of(cal, keep_recurrence_attributes=True)


def _as_datetime(value: dt.date | dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone or SHOWN_IN)
    return dt.datetime.combine(value, dt.time(), zone or SHOWN_IN)


def _between(query: Any, start: dt.datetime, end: dt.datetime) -> list[Any]:
    """The library's occurrences overlapping ``[start, end]``, without making each a component.

    ``_occurrences_between`` is what the library's ``between`` maps to components (about 0.1 ms each,
    most of a long series' cost); pinned to recurring-ical-events 3.8 in pyproject.toml.
    """
    return list(query._occurrences_between(query.to_datetime(start), query.to_datetime(end)))


def _occurrence(event: Event, found: Any) -> Occurrence:
    from planner.domain.model import Occurrence

    zone = event.start.tzinfo
    start, end = _as_datetime(found.start, zone), _as_datetime(found.end, zone)
    rid_utc = found.id.recurrence_id  # an override's RECURRENCE-ID, naive UTC; None: the rule's own session
    if rid_utc is None:
        recurrence_id = _as_datetime(found.id.start, zone)
    elif isinstance(rid_utc, dt.datetime):
        recurrence_id = rid_utc.replace(tzinfo=dt.timezone.utc).astimezone(zone) if rid_utc.tzinfo is None \
            else rid_utc.astimezone(zone)
    else:
        recurrence_id = _as_datetime(rid_utc, zone)
    recurrence_id = recurrence_id.astimezone(zone) if zone is not None else recurrence_id
    override = event.override_for(recurrence_id) if event.overrides else None
    status = override.status if override is not None and override.status else None
    return Occurrence(event.id, start.astimezone(SHOWN_IN), end.astimezone(SHOWN_IN),
                      recurrence_id, status or event.status)


_PERIOD = {"SECONDLY": dt.timedelta(seconds=1), "MINUTELY": dt.timedelta(minutes=1),
           "HOURLY": dt.timedelta(hours=1), "DAILY": dt.timedelta(days=1), "WEEKLY": dt.timedelta(days=7),
           "MONTHLY": dt.timedelta(days=31), "YEARLY": dt.timedelta(days=366)}


def _first_width(event: Event) -> dt.timedelta:
    """The first window: one period of the rule (its FREQ times INTERVAL), a minute at least."""
    rule = dict(part.split("=", 1) for part in (event.rrule or "").upper().split(";") if "=" in part)
    period = _PERIOD.get(rule.get("FREQ", ""), dt.timedelta(minutes=1))
    interval = int(rule["INTERVAL"]) if rule.get("INTERVAL", "").isdigit() else 1
    return max(period * min(interval, 1000), dt.timedelta(minutes=1))


#: Expanded series by event (a frozen value), so importing and storing an event expand it once.
_EXPANDED: SharedCache[tuple[list[Occurrence], bool]] = SharedCache(4096)


def all_sessions(event: Event) -> tuple[list[Occurrence], bool]:
    """Every session of the event up to the maximum, in order of start, and whether it was capped.

    The library is asked window by window, each four times as long as the one before (from one
    period of the rule: a second, a minute ... a year) and no longer than the sessions found so far
    say the rest needs, so a rule of a session a second is stopped after a quarter of an hour of
    sessions rather than expanded a day or a year at a time. A rule with a COUNT within the maximum
    (or no rule) is asked for in one window: it cannot have more sessions than it lists.
    Cached by event: importing and storing an event expand it once.
    """
    if not is_series(event):
        return [_single(event)], False
    return _EXPANDED.get_or_build(event, lambda: _expand(event))


def remember_sessions(event: Event, expanded: tuple[list[Occurrence], bool]) -> None:
    """Keep what :func:`all_sessions` gave for ``event`` in another process (an import's worker),
    so that storing the event does not expand it again."""
    _EXPANDED.put(event, expanded)


def _bounded(event: Event, limit: int) -> bool:
    """Whether the series has at most ``limit`` sessions of its rule (COUNT at most the maximum, or no
    rule): its extra dates and changed sessions are listed, so the library may expand all of it at once.

    Examples
    --------
    >>> from planner.domain.model import Event
    >>> start = dt.datetime(2025, 3, 3, 10, tzinfo=SHOWN_IN)
    >>> [_bounded(Event(id="x", start=start, end=start, rrule=r), 1000)
    ...  for r in ("FREQ=WEEKLY;COUNT=12", "FREQ=DAILY;COUNT=5000", "FREQ=WEEKLY", "FREQ=DAILY;UNTIL=20250401")]
    [True, False, False, False]
    """
    if not event.rrule:
        return True
    rule = dict(part.split("=", 1) for part in event.rrule.upper().split(";") if "=" in part)
    count = rule.get("COUNT", "")
    return count.isdigit() and int(count) <= limit


def _expand(event: Event) -> tuple[list[Occurrence], bool]:
    limit = max_sessions()
    query = _query(event)
    low = _earliest(event)
    horizon = low + dt.timedelta(days=366 * 200)
    # a rule with few sessions in one window (the same sessions as window by window, fewer calls);
    # any other window by window, so that an endless or very long rule is stopped at the maximum
    first = horizon - low if _bounded(event, limit) else _first_width(event)
    begin, width = low, first
    found: list[Occurrence] = []
    while low < horizon and len(found) <= limit:
        high = low + width
        window = _kept(event, [_occurrence(event, v) for v in _between(query, low, high)])
        found.extend(sorted((o for o in window if low <= o.start < high), key=lambda o: o.start))
        low, width = high, width * 4
        if found and len(found) <= limit:  # no longer than the sessions so far say the rest needs
            width = min(width, max(first, (low - begin) * ((limit + 1 - len(found)) / len(found) * 1.1)))
    return list(found[:limit]), len(found) > limit


def _kept(event: Event, found: list[Occurrence]) -> list[Occurrence]:
    """The sessions not excluded by a timed EXDATE (RFC 5545 3.8.5.1: the instance with that start).

    The library is not given timed EXDATEs: it matches each one against a session's start both in UTC
    and as a local wall-clock time without zone (recurring-ical-events 3.8, ``to_recurrence_ids``), so an
    EXDATE at 15:00 in New York also removed a session at 10:00 there (15:00 UTC). Removing the sessions
    whose original start is the EXDATE's instant is the RFC's rule.
    """
    if event.all_day or not event.exdates:
        return found
    excluded = set(event.exdates)  # aware date-times: equal when the same instant, whatever their zone
    return [o for o in found if o.recurrence_id not in excluded]


def _earliest(event: Event) -> dt.datetime:
    """The earliest start the series may have: its first, an extra date's or a moved session's."""
    starts = [event.start] + [r[0] if isinstance(r, tuple) else r for r in event.rdates]
    starts += [o.start for o in event.overrides if o.start is not None]
    return min(starts)


def _single(event: Event) -> Occurrence:
    from planner.domain.model import Occurrence

    return Occurrence(event.id, event.start.astimezone(SHOWN_IN), event.end.astimezone(SHOWN_IN), None,
                      event.status)


@functools.lru_cache(maxsize=4096)
def _cutoff(event: Event) -> dt.datetime | None:
    """The start of the last session within the maximum, when the series has more (else None)."""
    sessions, capped = all_sessions(event)
    return sessions[-1].start if capped else None


def between(event: Event, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
    """Sessions overlapping ``[start, end)`` among the first :func:`max_sessions`, by start.

    Examples
    --------
    >>> from planner.domain.model import Event
    >>> ny = ZoneInfo("America/New_York")
    >>> ev = Event(id="x", start=dt.datetime(2024, 3, 4, 10, tzinfo=ny), end=dt.datetime(2024, 3, 4, 11, tzinfo=ny),
    ...            rrule="FREQ=WEEKLY;COUNT=3", exdates=(dt.datetime(2024, 3, 11, 10, tzinfo=ny),))
    >>> [f"{o.start:%m-%d %H:%M}" for o in between(ev, dt.datetime(2024, 3, 1, tzinfo=SHOWN_IN),
    ...                                              dt.datetime(2024, 4, 1, tzinfo=SHOWN_IN))]
    ['03-04 23:00', '03-18 22:00']
    """
    if not is_series(event):
        single = _single(event)
        return [single] if single.start < end and single.end > start else []
    cutoff = _cutoff(event)
    if cutoff is not None:
        if start > cutoff + dt.timedelta(days=366):  # no session of the first ones reaches this far
            return []
        end = min(end, cutoff + dt.timedelta(microseconds=1))
        if end <= start:
            return [o for o in all_sessions(event)[0] if o.end > start and o.start < end]
    zone = event.start.tzinfo  # the library evaluates UTC start times in the window's zone: give it the event's
    found = _kept(event, [_occurrence(event, v)
                          for v in _between(_query(event), start.astimezone(zone), end.astimezone(zone))])
    found = [o for o in found if o.start < end and o.end > start and (cutoff is None or o.start <= cutoff)]
    return sorted(found, key=lambda o: o.start)
