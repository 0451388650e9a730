"""The domain model: sites, places, opening hours, events, the shuttle.

Plain frozen dataclasses with no I/O; ``planner.sources.datafiles`` builds them from the
files in ``data/`` and validates them. Durations are integer seconds and clock
times are seconds after local midnight (Asia/Shanghai).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol
from zoneinfo import ZoneInfo


from planner.domain.fares import FareRules
from planner.domain.transit import Feed

TZ = ZoneInfo("Asia/Shanghai")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLACE_KINDS = ("gate", "attraction", "venue", "spot")
#: What a venue's programme is, when its worth is its programme: ``shows`` are attended from their
#: start to their end (stages, theatres, live houses); ``exhibitions`` are opening hours one joins at
#: any minute (galleries, exhibition halls).
PROGRAMMES = ("shows", "exhibitions")
EVENT_STATUSES = ("scheduled", "cancelled", "sold_out")


def parse_clock(text: str) -> int:
    """Seconds after midnight of an ``"HH:MM"`` or ``"HH:MM:SS"`` clock time.

    Hours may exceed 23 for times past midnight of the service day.

    Examples
    --------
    >>> parse_clock("07:30"), parse_clock("24:00"), parse_clock("25:10:05")
    (27000, 86400, 90605)
    """
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a clock time HH:MM: {text!r}")
    h, m, s = (int(p) for p in parts + ["0"] * (3 - len(parts)))
    if m > 59 or s > 59:
        raise ValueError(f"minutes and seconds must be below 60: {text!r}")
    return h * 3600 + m * 60 + s


def format_clock(seconds: int) -> str:
    """``"HH:MM"`` of seconds after midnight (hours may pass 24).

    Examples
    --------
    >>> format_clock(27000), format_clock(90660)
    ('07:30', '25:11')
    """
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


class _Named(Protocol):
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...


class _Located(Protocol):
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


class Bilingual:
    """Mixin for records with ``name_zh`` and ``name_en``."""

    def name(self: _Named, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


class Positioned:
    """Mixin for records with a WGS84 ``lat`` and ``lon``."""

    @property
    def position(self: _Located) -> tuple[float, float]:
        return (self.lat, self.lon)


@dataclass(frozen=True)
class Sourced:
    """Where a record's facts come from: a source, an assumption, or both."""

    source: str | None = None
    assumption: str | None = None


@dataclass(frozen=True)
class HoursRule:
    """One opening-hours rule; it applies on a date when every condition holds."""

    months: frozenset[int] | None = None
    weekdays: frozenset[int] | None = None  # 0 = Monday, as in datetime
    date_from: dt.date | None = None
    date_until: dt.date | None = None
    closed: bool = False
    open_s: int = 0
    close_s: int = 86400
    last_entry_s: int | None = None

    def applies(self, day: dt.date) -> bool:
        return (
            (self.months is None or day.month in self.months)
            and (self.weekdays is None or day.weekday() in self.weekdays)
            and (self.date_from is None or day >= self.date_from)
            and (self.date_until is None or day <= self.date_until)
        )


@dataclass(frozen=True)
class DayHours:
    """Opening on one date, in seconds after local midnight."""

    open_s: int
    close_s: int
    last_entry_s: int


@dataclass(frozen=True)
class OpeningHours:
    """Opening-hours rules; on a date the last matching rule decides.

    Examples
    --------
    >>> hours = OpeningHours((HoursRule(open_s=27000, close_s=64800),
    ...                       HoursRule(months=frozenset({12, 1, 2}), open_s=28800, close_s=63000)))
    >>> hours.on(dt.date(2024, 2, 12)).open_s, hours.on(dt.date(2024, 5, 1)).open_s
    (28800, 27000)
    """

    rules: tuple[HoursRule, ...] = ()

    def on(self, day: dt.date) -> DayHours | None:
        """The hours on ``day``, or None when closed all day (or no rule matches)."""
        rule = next((r for r in reversed(self.rules) if r.applies(day)), None)
        if rule is None or rule.closed:
            return None
        last_entry = rule.last_entry_s if rule.last_entry_s is not None else rule.close_s
        return DayHours(rule.open_s, rule.close_s, last_entry)


ALWAYS_OPEN = OpeningHours((HoursRule(),))


@dataclass(frozen=True)
class Site(Sourced, Bilingual, Positioned):
    """A destination (the Panda Base, Dongjiao Memory) that places belong to."""

    id: str = ""
    name_zh: str = ""
    name_en: str = ""
    lat: float = 0.0
    lon: float = 0.0
    address_zh: str = ""
    hours: OpeningHours = ALWAYS_OPEN
    price_cny: float = 0.0


@dataclass(frozen=True)
class Place(Sourced, Bilingual, Positioned):
    """A gate, attraction, venue or spot inside a site.

    ``programme`` (one of :data:`PROGRAMMES`) marks a venue whose worth is what is on at it: it is
    worth a visit only through its events' sessions. ``None``: a standing attraction (a museum's
    collection, a photo wall, a panda villa), worth a visit on its own. ``date_from``/``date_until``
    (inclusive) bound the days the place exists for visitors (an exhibition hall built for one
    exhibition); ``None``: unbounded.
    """

    id: str = ""
    site_id: str = ""
    kind: str = "attraction"
    name_zh: str = ""
    name_en: str = ""
    lat: float = 0.0
    lon: float = 0.0
    hours: OpeningHours = ALWAYS_OPEN
    visit_s: int = 0
    price_cny: float = 0.0
    tags: tuple[str, ...] = ()
    programme: str | None = None
    date_from: dt.date | None = None
    date_until: dt.date | None = None

    def exists_on(self, day: dt.date) -> bool:
        """Whether ``day`` lies inside the place's date range (``from``/``until``, inclusive)."""
        return (self.date_from is None or day >= self.date_from) and (self.date_until is None or day <= self.date_until)

    def hours_on(self, day: dt.date) -> DayHours | None:
        """The opening on ``day``; None when closed all day or outside the place's date range.

        Examples
        --------
        >>> hall = Place(id="hall", hours=OpeningHours((HoursRule(open_s=36000, close_s=75600),)),
        ...              date_from=dt.date(2023, 12, 2), date_until=dt.date(2024, 12, 1))
        >>> hall.hours_on(dt.date(2024, 12, 1)).open_s, hall.hours_on(dt.date(2024, 12, 9))
        (36000, None)
        """
        return self.hours.on(day) if self.exists_on(day) else None

    def available_on(self, day: dt.date) -> bool:
        """Whether the place is open to visitors on ``day`` (its date range and its hours).

        A programme venue that is open may still have nothing on: see :meth:`Model.sessions_at`.

        Examples
        --------
        >>> hall = Place(id="hall", programme="exhibitions", date_until=dt.date(2024, 12, 1))
        >>> hall.available_on(dt.date(2024, 11, 30)), hall.available_on(dt.date(2024, 12, 9))
        (True, False)
        """
        return self.hours_on(day) is not None


@dataclass(frozen=True)
class Occurrence:
    """One dated session of an event, shown in Asia/Shanghai.

    ``recurrence_id`` is the session's original start in a series (in the event's own zone; None
    for a single event), ``status`` the session's own status (an override's, else the event's).
    """

    event_id: str
    start: dt.datetime
    end: dt.datetime
    recurrence_id: dt.datetime | None = None
    status: str | None = None


@dataclass(frozen=True)
class SessionOverride:
    """One changed session of a series (RFC 5545 3.8.4.4, RECURRENCE-ID).

    ``recurrence_id`` is the session's original start in the event's zone; ``start``/``end`` its new
    times (None: as in the series); ``status`` None keeps the series' status, ``"cancelled"``
    cancels this session only; titles None keep the series' titles.
    """

    recurrence_id: dt.datetime
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    status: str | None = None
    title_zh: str | None = None
    title_en: str | None = None


@dataclass(frozen=True)
class Event(Sourced):
    """An event at a venue, possibly recurring by an RFC 5545 RRULE and RDATEs.

    ``start``/``end`` are aware date-times in the event's own zone (a floating time is
    Asia/Shanghai): recurrence is evaluated there (:mod:`planner.domain.recurrence`) and sessions
    are shown in Asia/Shanghai. ``rdates`` are extra starts (date-times, or ``(start, end)``
    periods), ``exdates`` removed starts, ``overrides`` changed sessions. ``all_day``: the times
    are local midnights and the event lasts whole days (shown as "all day").
    """

    id: str = ""
    title_zh: str = ""
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    venue_id: str = ""
    start: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=TZ)
    end: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=TZ)
    rrule: str | None = None
    exdates: tuple[dt.datetime, ...] = ()
    status: str = "scheduled"
    price_cny: float | None = None
    capacity: int | None = None
    tags: tuple[str, ...] = ()
    rdates: tuple[dt.datetime | tuple[dt.datetime, dt.datetime], ...] = ()
    all_day: bool = False
    overrides: tuple[SessionOverride, ...] = ()

    def override_for(self, recurrence_id: dt.datetime) -> SessionOverride | None:
        """The override of the session that was to start at ``recurrence_id``, if any."""
        return next((o for o in self.overrides if o.recurrence_id == recurrence_id), None)

    def for_session(self, occ: Occurrence) -> Event:
        """The event as one of its sessions shows it: that session's own status and titles (an
        override's), so readers of ``event.status`` see a cancelled session as cancelled."""
        override = self.override_for(occ.recurrence_id) if occ.recurrence_id and self.overrides else None
        status = occ.status or self.status
        if override is None and status == self.status:
            return self
        return replace(self, status=status,
                       title_zh=(override.title_zh if override else None) or self.title_zh,
                       title_en=(override.title_en if override else None) or self.title_en)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh

    @property
    def duration_s(self) -> int:
        return int((self.end - self.start).total_seconds())

    def span(self) -> tuple[dt.date, dt.date | None]:
        """The local dates of the first and the last session (None: the series never ends).

        Examples
        --------
        >>> ev = Event(id="x", start=dt.datetime(2024, 2, 10, 19, tzinfo=TZ),
        ...            end=dt.datetime(2024, 2, 10, 21, tzinfo=TZ), rrule="FREQ=DAILY;UNTIL=20240224T155959Z")
        >>> ev.span()
        (datetime.date(2024, 2, 10), datetime.date(2024, 2, 24))
        """
        from planner.domain.recurrence import all_sessions

        if self.rrule and "UNTIL" not in self.rrule.upper() and "COUNT" not in self.rrule.upper():
            return self.start.astimezone(TZ).date(), None
        sessions, _capped = all_sessions(self)
        if not sessions:
            return self.start.astimezone(TZ).date(), self.end.astimezone(TZ).date()
        return sessions[0].start.date(), max(o.end for o in sessions).date()

    def occurrences_between(self, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
        """Sessions that overlap ``[start, end)``, exceptions removed.

        Examples
        --------
        >>> ev = Event(id="x", start=dt.datetime(2024, 2, 10, 19, tzinfo=TZ),
        ...            end=dt.datetime(2024, 2, 10, 21, tzinfo=TZ),
        ...            rrule="FREQ=DAILY;COUNT=5",
        ...            exdates=(dt.datetime(2024, 2, 11, 19, tzinfo=TZ),))
        >>> [o.start.day for o in ev.occurrences_between(
        ...     dt.datetime(2024, 2, 11, tzinfo=TZ), dt.datetime(2024, 2, 13, tzinfo=TZ))]
        [12]
        """
        from planner.domain.recurrence import between

        return between(self, start, end)

    def occurrences_on(self, day: dt.date) -> list[Occurrence]:
        """Sessions that take place (at least partly) on the local date ``day``."""
        midnight = dt.datetime.combine(day, dt.time(), TZ)
        return self.occurrences_between(midnight, midnight + dt.timedelta(days=1))


@dataclass(frozen=True)
class ShuttleStop(Sourced, Bilingual, Positioned):
    id: str = ""
    name_zh: str = ""
    name_en: str = ""
    lat: float = 0.0
    lon: float = 0.0
    place_id: str = ""


@dataclass(frozen=True)
class ShuttlePeriod:
    """Departures every ``headway_s`` from ``first_s`` to ``last_s`` inclusive."""

    first_s: int
    last_s: int
    headway_s: int

    def departures_s(self) -> list[int]:
        return list(range(self.first_s, self.last_s + 1, self.headway_s))


@dataclass(frozen=True)
class DemandAssumptions:
    """Who would ride the shuttle: the stated assumptions a day's demand is built from.

    Day types are those of :mod:`planner.domain.daytypes`; curves hold 24 hourly weights (any scale).
    """

    visitors_per_day: dict[str, int]  # Panda Base visitors by day type
    dongjiao_visitors_per_day: dict[str, int]  # Dongjiao Memory visitors by day type
    ride_share: float  # share of the smaller site's visitors who would ride, each way
    outbound_curve: tuple[float, ...]  # 24 weights: when the day's outbound riders reach their stop
    inbound_curve: tuple[float, ...]  # 24 weights, inbound
    show_audience_default: int  # audience of a show whose event states no capacity
    show_ride_share: float  # share of a show's audience riding the shuttle after it
    surge_spread_s: int  # a show's riders reach the stop uniformly over this long after its end
    notes_en: dict[str, str] = field(default_factory=dict)  # field -> source or "Assumption: ..."
    notes_zh: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Shuttle(Sourced, Bilingual):
    """The proposed direct shuttle between Dongjiao Memory and the Panda Base."""

    id: str = ""
    name_zh: str = ""
    name_en: str = ""
    stops: tuple[ShuttleStop, ...] = ()
    path: tuple[tuple[float, float], ...] = ()
    run_time_s_by_hour: dict[int, int] = field(default_factory=dict)
    dwell_s: int = 0
    # direction "outbound" runs stops in order, "inbound" in reverse
    timetable: dict[str, tuple[ShuttlePeriod, ...]] = field(default_factory=dict)
    capacity_passengers: int = 0
    fleet_size: int = 0
    fare_cny: float = 0.0
    #: day type (planner.domain.daytypes) -> direction -> periods; a day type not here runs ``timetable``
    timetable_by_day_type: dict[str, dict[str, tuple[ShuttlePeriod, ...]]] = field(default_factory=dict)
    #: standard deviation of the run time by hour (the planning model's variability)
    run_time_sd_s_by_hour: dict[int, int] = field(default_factory=dict)
    layover_s: int = 0  # least time at a terminal between two trips of one vehicle
    dwell_base_s: int = 0  # doors open and close at a stop with boardings
    dwell_per_boarding_s: float = 0.0
    cost_per_vehicle_hour_cny: float = 0.0
    cost_per_km_cny: float = 0.0
    demand: DemandAssumptions | None = None
    #: field name -> its source or assumption, in both languages (shown to planners)
    notes_en: dict[str, str] = field(default_factory=dict)
    notes_zh: dict[str, str] = field(default_factory=dict)

    def run_time_s(self, depart_s: int) -> int:
        """End-to-end run time for a departure at ``depart_s`` (hourly profile)."""
        hours = sorted(self.run_time_s_by_hour)
        hour = min(max(depart_s // 3600, hours[0]), hours[-1])
        return self.run_time_s_by_hour.get(hour) or self.run_time_s_by_hour[
            max(h for h in hours if h <= hour)
        ]

    def periods(self, direction: str, day_type: str | None = None) -> tuple[ShuttlePeriod, ...]:
        """The periods of ``direction`` on a day of ``day_type`` (``None``: the default timetable)."""
        by_type = self.timetable_by_day_type.get(day_type or "")
        if by_type is not None:
            return by_type.get(direction, ())
        return self.timetable.get(direction, ())

    def departures_s(self, direction: str, day_type: str | None = None) -> list[int]:
        return sorted(
            {d for period in self.periods(direction, day_type) for d in period.departures_s()}
        )


@dataclass(frozen=True)
class TaxiParams(Sourced):
    circuity: float = 1.35
    speed_kmh_by_hour: dict[int, float] = field(default_factory=dict)
    flag_fall_cny: float = 0.0
    flag_fall_km: float = 0.0
    per_km_cny: float = 0.0
    pickup_wait_s: int = 0

    def speed_kmh(self, hour: int) -> float:
        return self.speed_kmh_by_hour[hour % 24]

    def fare_cny(self, distance_m: float) -> float:
        extra_km = max(0.0, distance_m / 1000 - self.flag_fall_km)
        return round(self.flag_fall_cny + extra_km * self.per_km_cny, 1)


@dataclass(frozen=True)
class NetworkParams(Sourced):
    """How places become a graph: walking, transfers, taxis."""

    walk_speed_m_s: float = 1.2
    walk_circuity: float = 1.3
    max_walk_m: float = 1500.0
    min_transfer_s: int = 180
    taxi: TaxiParams = field(default_factory=TaxiParams)
    walk_speed_park_m_s: float = 1.0  # inside a site: crowds, paths around enclosures
    walk_circuity_park: float = 1.4
    site_entry_s: dict[str, int] = field(default_factory=dict)  # queue at a site's gate

    def walk_time_s(self, straight_m: float) -> int:
        return round(straight_m * self.walk_circuity / self.walk_speed_m_s)

    def park_walk_time_s(self, straight_m: float) -> int:
        """Walking between two places inside one site."""
        return round(straight_m * self.walk_circuity_park / self.walk_speed_park_m_s)


@dataclass
class Model:
    """Everything loaded from ``data/``: the input of graph, routing and pages."""

    sites: dict[str, Site]
    places: dict[str, Place]
    events: Mapping[str, Event]  # a dict as loaded; the store's view of them in planner.store.live
    shuttle: Shuttle
    params: NetworkParams
    feed: Feed
    fares: FareRules | None = None  # from transit.yaml when present

    def events_on(self, day: dt.date) -> list[tuple[Event, Occurrence]]:
        """Every session on ``day``, sorted by start, cancelled ones included."""
        found = [(ev.for_session(occ), occ) for ev in self.events.values() for occ in ev.occurrences_on(day)]
        return sorted(found, key=lambda pair: (pair[1].start, pair[0].id))

    def sessions_at(self, place_id: str, day: dt.date) -> list[tuple[Event, Occurrence]]:
        """What is on at a place on ``day``: its events' sessions, sorted by start, cancelled ones included."""
        return [(ev, occ) for ev, occ in self.events_on(day) if ev.venue_id == place_id]

    def places_of(self, site_id: str) -> list[Place]:
        return [p for p in self.places.values() if p.site_id == site_id]
