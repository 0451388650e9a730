"""Open when you arrive: what a place's opening hours say about an arrival time.

A journey or a day plan reaches a place at some minute; this module says, as
a :class:`~planner.domain.errors.Reason` (a code with parameters, no words),
whether the place is closed then or opens later, so the visitor is not sent to
a locked gate: "the Panda Base closed at 17:30" for a 21:30 arrival, "the
Panda Base opens at 08:00 in winter: 27 min to wait" for 07:33.

Codes and their parameters (clock times in seconds after the local midnight of
``date``, Asia/Shanghai; ``place`` an id whose names the reason carries):

``closed_all_day``
    ``place``, ``date``; ``next_date`` and ``next_opens_s`` when it opens within a week.
``opens_later``
    ``place``, ``opens_s``, ``arrival_s``, ``wait_s`` (``opens_s - arrival_s``), ``season``
    (``winter``, ``summer`` or ``""``: the rule's months, when they name one).
``last_entry_passed``
    ``place``, ``last_entry_s``, ``closes_s``, ``arrival_s``.
``closed_at_arrival``
    ``place``, ``closes_s``, ``arrival_s``; ``next_date`` and ``next_opens_s`` as above.

An arrival inside the hours has no note. Hours that run past midnight (a live
house open until 26:00) cover the small hours of the next date.

A site's hours apply to its places unless they have their own: the data loader
gives each place its site's hours when it lists none (``planner.sources.datafiles``),
so a place's ``hours`` is always the one to ask; :func:`hours_of` picks it for any id.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.domain.errors import Name, Reason
from planner.domain.model import TZ, HoursRule, Model, OpeningHours, Place

DAY_S = 86400
#: How far ahead the next opening is looked for after a closed day or a closed arrival.
LOOKAHEAD_DAYS = 7
#: Months that make a rule a season's hours (northern hemisphere, as Chengdu's notices say).
WINTER = frozenset({11, 12, 1, 2, 3})
SUMMER = frozenset({5, 6, 7, 8, 9})


@dataclass(frozen=True)
class Opening:
    """The hours that decide for a place, and what to call it in a note.

    ``id`` names it in the reason; a gate is named after its site (one walks
    through a gate into the site, whose hours it keeps).
    """

    id: str
    name: Name
    hours: OpeningHours


def hours_of(model: Model, ref: str) -> Opening | None:
    """The opening hours that apply at a place or site id; None for anything else (stops, coordinates).

    Examples
    --------
    >>> from planner.domain.model import Place, Site
    >>> from planner.domain.transit import Feed
    >>> model = Model(sites={"s": Site(id="s", name_zh="基地", name_en="Base")},
    ...               places={"g": Place(id="g", site_id="s", kind="gate")}, events={},
    ...               shuttle=None, params=None, feed=Feed())
    >>> hours_of(model, "g").id, hours_of(model, "g").name.en, hours_of(model, "stop-1")
    ('s', 'Base', None)
    """
    if ref in model.places:
        place = model.places[ref]
        site = model.sites.get(place.site_id)
        hours = within_dates(place.hours, place)
        if place.kind == "gate" and site is not None:
            return Opening(site.id, Name(site.name_zh, site.name_en), hours)
        return Opening(place.id, Name(place.name_zh, place.name_en), hours)
    if ref in model.sites:
        site = model.sites[ref]
        return Opening(site.id, Name(site.name_zh, site.name_en), site.hours)
    return None


def within_dates(hours: OpeningHours, place: Place) -> OpeningHours:
    """The hours of a place that exists only between two dates (an exhibition hall): closed outside them.

    Examples
    --------
    >>> hall = Place(id="hall", hours=OpeningHours((HoursRule(open_s=36000, close_s=75600),)),
    ...              date_until=dt.date(2024, 12, 1))
    >>> within_dates(hall.hours, hall).on(dt.date(2024, 12, 1)).open_s, within_dates(hall.hours, hall).on(dt.date(2024, 12, 2))
    (36000, None)
    """
    first, last = place.date_from, place.date_until  # places.yaml from/until, inclusive
    extra: tuple[HoursRule, ...] = ()
    if first is not None:  # the last matching rule decides, so these come last
        extra += (HoursRule(date_until=first - dt.timedelta(days=1), closed=True),)
    if last is not None:
        extra += (HoursRule(date_from=last + dt.timedelta(days=1), closed=True),)
    return OpeningHours(hours.rules + extra) if extra else hours


def arrival_note(hours: OpeningHours, day: dt.date, arrival_s: int, place: str = "",
                 name: Name | None = None) -> Reason | None:
    """Why arriving at ``arrival_s`` on ``day`` finds the place shut, or None when it is open.

    Parameters
    ----------
    hours
        The place's opening hours (its site's when it has none of its own).
    day
        The local date (Asia/Shanghai) the arrival time counts from.
    arrival_s
        Seconds after that date's midnight; 24:00 and later is the next date.
    place, name
        The place's id, carried as the reason's ``place`` parameter, and its names.

    Returns
    -------
    Reason or None
        ``closed_all_day``, ``opens_later``, ``last_entry_passed`` or ``closed_at_arrival``
        with the parameters the module's docstring lists; None inside the hours.

    Examples
    --------
    Winter hours 08:00-17:30 (last entry 16:30) after 07:30-18:00 the rest of the year:

    >>> from planner.domain.model import HoursRule
    >>> base = OpeningHours((HoursRule(open_s=27000, close_s=64800, last_entry_s=61200),
    ...     HoursRule(months=frozenset({12, 1, 2}), open_s=28800, close_s=63000, last_entry_s=59400)))
    >>> note = arrival_note(base, dt.date(2024, 12, 9), 7 * 3600 + 33 * 60, "panda-base")
    >>> note.code, note.params["opens_s"], note.params["wait_s"] // 60, note.params["season"]
    ('opens_later', 28800, 27, 'winter')
    >>> note = arrival_note(base, dt.date(2024, 12, 9), 21 * 3600 + 30 * 60, "panda-base")
    >>> note.code, note.params["closes_s"], note.params["next_date"], note.params["next_opens_s"]
    ('closed_at_arrival', 63000, '2024-12-10', 28800)
    >>> arrival_note(base, dt.date(2024, 12, 9), 16 * 3600 + 45 * 60).code
    'last_entry_passed'
    >>> arrival_note(base, dt.date(2024, 5, 1), 9 * 3600) is None
    True
    """
    day, arrival_s = day + dt.timedelta(days=arrival_s // DAY_S), arrival_s % DAY_S
    if _open_from_the_day_before(hours, day, arrival_s):
        return None
    names = {place: name} if place and name is not None else {}
    today = hours.on(day)
    if today is None:
        return Reason("closed_all_day", {"place": place, "date": day.isoformat(),
                                         **_next_opening(hours, day)}, names)
    if arrival_s < today.open_s:
        return Reason("opens_later", {"place": place, "opens_s": today.open_s, "arrival_s": arrival_s,
                                      "wait_s": today.open_s - arrival_s, "season": _season(hours, day)}, names)
    if arrival_s >= today.close_s:
        return Reason("closed_at_arrival", {"place": place, "closes_s": today.close_s, "arrival_s": arrival_s,
                                            **_next_opening(hours, day)}, names)
    if arrival_s > today.last_entry_s:
        return Reason("last_entry_passed", {"place": place, "last_entry_s": today.last_entry_s,
                                            "closes_s": today.close_s, "arrival_s": arrival_s}, names)
    return None


def arrival_note_at(opening: Opening, arrival: dt.datetime) -> Reason | None:
    """:func:`arrival_note` for an aware date-time (a journey's arrival), read in Asia/Shanghai.

    Examples
    --------
    >>> hours = OpeningHours((HoursRule(open_s=28800, close_s=63000),))
    >>> base = Opening("panda-base", Name("基地", "Panda Base"), hours)
    >>> arrival_note_at(base, dt.datetime(2024, 12, 9, 21, 30, tzinfo=TZ)).code
    'closed_at_arrival'
    """
    local = arrival.astimezone(TZ)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    return arrival_note(opening.hours, local.date(), seconds, opening.id, opening.name)


def _open_from_the_day_before(hours: OpeningHours, day: dt.date, arrival_s: int) -> bool:
    """Whether the day before's hours run past midnight into ``arrival_s``."""
    before = hours.on(day - dt.timedelta(days=1))
    return before is not None and before.close_s > DAY_S and arrival_s + DAY_S < before.close_s


def _next_opening(hours: OpeningHours, day: dt.date) -> dict[str, str | int]:
    """``next_date`` and ``next_opens_s`` of the first opening after ``day`` within a week, or nothing."""
    for ahead in range(1, LOOKAHEAD_DAYS + 1):
        later = day + dt.timedelta(days=ahead)
        found = hours.on(later)
        if found is not None:
            return {"next_date": later.isoformat(), "next_opens_s": found.open_s}
    return {}


def _season(hours: OpeningHours, day: dt.date) -> str:
    """``winter`` or ``summer`` when the rule deciding ``day`` is a season's (by its months), else ``""``."""
    rule: HoursRule | None = next((r for r in reversed(hours.rules) if r.applies(day)), None)
    if rule is None or not rule.months:
        return ""
    if rule.months <= WINTER:
        return "winter"
    if rule.months <= SUMMER:
        return "summer"
    return ""


def closed_all_day(model: Model, ref: str, day: dt.date) -> Reason | None:
    """The ``closed_all_day`` note of a place or site on ``day`` (with its next opening), or None.

    Examples
    --------
    >>> from planner.domain.model import Site
    >>> from planner.domain.transit import Feed
    >>> shut = OpeningHours((HoursRule(open_s=28800, close_s=63000), HoursRule(weekdays=frozenset({0}), closed=True)))
    >>> model = Model(sites={"s": Site(id="s", hours=shut)}, places={}, events={}, shuttle=None, params=None, feed=Feed())
    >>> closed_all_day(model, "s", dt.date(2024, 12, 9)).params["next_date"], closed_all_day(model, "s", dt.date(2024, 12, 10))
    ('2024-12-10', None)
    """
    opening = hours_of(model, ref)
    if opening is None or opening.hours.on(day) is not None:
        return None
    return arrival_note(opening.hours, day, 12 * 3600, opening.id, opening.name)
