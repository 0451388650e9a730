"""The proposed shuttle measured against today's transit, minute by minute.

For an origin, a destination and a date: the door-to-door time at each
departure minute of a window via today's transit, via transit with the
shuttle, and by taxi; each transit time split into waiting (at the origin
and between vehicles), riding and walking. Waiting at the origin comes from
the real departures found by the profile search: a rider who times the
departure does not wait there, one who turns up at a random minute waits
until the next useful departure.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from bisect import bisect_left
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from planner.domain.daytypes import day_type
from planner.domain.errors import BadRequest
from planner.domain.model import Shuttle, format_clock
from planner.routing import raptor
from planner.routing.journeys import JourneyPlanner, NoJourney, Options, Point

SERIES = ("transit", "shuttle", "taxi")
#: "The whole day": the metro's operating day (first trains about 06:00, last about 23:00, FACTS.md);
#: before and after it nothing but a taxi goes, so a wider window only adds minutes without transit.
WHOLE_DAY_S = (6 * 3600, 23 * 3600)
#: A journey arriving later than this (03:00 the next morning, seconds of the service day) waited
#: overnight for the next day's first trains: the minute has no journey that day. No metro or feeder
#: runs between about 00:30 and 06:00, so any cut in between gives the same minutes.
SAME_DAY_END_S = 27 * 3600


def service_window(shuttle: Shuttle | None, day: dt.date) -> tuple[int, int] | None:
    """The shuttle's service hours on ``day``: its first to its last departure, either direction,
    in whole minutes (the timetable of the day's type); None when it does not run that day.

    Examples
    --------
    >>> from planner.domain.model import ShuttlePeriod
    >>> s = Shuttle(timetable={"outbound": (ShuttlePeriod(25200, 55800, 1800),),
    ...                        "inbound": (ShuttlePeriod(27600, 67200, 1200),)})
    >>> [format_clock(t) for t in service_window(s, dt.date(2024, 2, 12))]
    ['07:00', '18:40']
    >>> service_window(None, dt.date(2024, 2, 12)) is None
    True
    """
    if shuttle is None:
        return None
    kind = day_type(day)
    departures = [d for direction in ("outbound", "inbound") for d in shuttle.departures_s(direction, kind)]
    if not departures:
        return None
    return min(departures) // 60 * 60, -(-max(departures) // 60) * 60


@dataclass
class Minute:
    """One departure minute of one series; None throughout when no journey exists."""

    depart_s: int
    door_s: int | None = None
    origin_wait_s: int | None = None  # waiting before the first departure
    transfer_wait_s: int | None = None
    ride_s: int | None = None
    walk_s: int | None = None
    transfers: int | None = None


@dataclass
class SeriesSummary:
    minutes_with_journey: int
    median_s: float | None
    p10_s: float | None
    p90_s: float | None
    mean_wait_random_s: float | None  # a rider arriving at a random minute
    mean_wait_timed_s: float | None  # a rider timing the departure: only waits between vehicles
    mean_ride_s: float | None
    mean_walk_s: float | None


@dataclass
class Direction:
    origin: Point
    dest: Point
    series: dict[str, list[Minute]]
    summaries: dict[str, SeriesSummary] = field(default_factory=dict)
    shuttle_vs_transit: dict[str, float | int | None] = field(default_factory=dict)


@dataclass
class Comparison:
    date: dt.date
    start_s: int
    end_s: int
    directions: list[Direction]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(), "window": [format_clock(self.start_s), format_clock(self.end_s)],
            "directions": [{
                "from": asdict(d.origin), "to": asdict(d.dest),
                "summaries": {k: asdict(v) for k, v in d.summaries.items()},
                "shuttle_vs_transit": d.shuttle_vs_transit,
                "minutes": [
                    {"depart": format_clock(m.depart_s), **{
                        f"{name}_{key}": getattr(d.series[name][i], key)
                        for name in SERIES for key in ("door_s", "origin_wait_s", "transfer_wait_s", "ride_s", "walk_s")
                    }}
                    for i, m in enumerate(d.series["transit"])
                ],
            } for d in self.directions],
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        columns = ["door_s", "origin_wait_s", "transfer_wait_s", "ride_s", "walk_s"]
        writer = csv.writer(out)
        writer.writerow(["date", "from", "to", "depart"] + [f"{s}_{c}" for s in SERIES for c in columns])
        for d in self.directions:
            for i, minute in enumerate(d.series["transit"]):
                row: list[str | int] = [self.date.isoformat(), d.origin.id, d.dest.id, format_clock(minute.depart_s)]
                for name in SERIES:
                    m = d.series[name][i]
                    row += ["" if getattr(m, c) is None else getattr(m, c) for c in columns]
                writer.writerow(row)
        return out.getvalue()


def window_of(start_s: int | None, end_s: int | None, shuttle: Shuttle | None, day: dt.date) -> tuple[int, int]:
    """The departure minutes compared: as asked; with neither end asked, the shuttle's service hours
    that day (the whole day when it does not run); an end not asked is the whole day's.

    Examples
    --------
    >>> window_of(8 * 3600, None, None, dt.date(2024, 2, 12)) == (8 * 3600, WHOLE_DAY_S[1])
    True
    >>> window_of(None, None, None, dt.date(2024, 2, 12)) == WHOLE_DAY_S
    True
    >>> [format_clock(t) for t in window_of(None, 5 * 3600, None, dt.date(2024, 2, 12))]
    ['05:00', '05:00']
    """
    if start_s is None and end_s is None:
        return service_window(shuttle, day) or WHOLE_DAY_S
    # one end asked: the other is the whole day's, stretched to hold at least the minute asked
    if start_s is None:
        assert end_s is not None
        start_s = min(WHOLE_DAY_S[0], end_s)
    start, end = start_s, max(WHOLE_DAY_S[1], start_s) if end_s is None else end_s
    if end < start:  # a window without a minute: nothing to compare
        raise BadRequest("end", "must_be_after_start")
    return start, end


def transit_minutes(journeys: list[raptor.RawJourney], source: raptor.Endpoint,
                    start_s: int, end_s: int, last_arrival_s: int = SAME_DAY_END_S) -> list[Minute]:
    """Door-to-door minutes from a profile: the first useful journey leaving at or after each minute.

    A minute whose journey arrives after ``last_arrival_s`` (it waits overnight for the next day's
    first trains) has none that day: every figure is then over the same minutes a rider could go.

    Examples
    --------
    >>> walk = raptor.RawLeg("walk", None, 0, 0, 0)
    >>> ride = raptor.RawLeg("ride", 0, 1, 600, 1500)
    >>> j = raptor.RawJourney(600, 1500, [raptor.RawLeg("walk", None, 0, 300, 600), ride])
    >>> [m.door_s for m in transit_minutes([j], raptor.Endpoint((), 0, 0), 0, 600)]
    [1500, 1440, 1380, 1320, 1260, 1200, 1140, 1080, 1020, 960, 900]
    """
    departures = [j.dep_s for j in journeys]
    minutes: list[Minute] = []
    for depart in range(start_s, end_s + 1, 60):
        i = bisect_left(departures, depart)
        best = journeys[i] if i < len(journeys) else None
        walk = source.direct_walk
        if walk and (best is None or depart + walk[0] <= best.arr_s):
            minutes.append(Minute(depart, walk[0], 0, 0, 0, walk[0], 0))
        elif best is None or best.arr_s > last_arrival_s:
            minutes.append(Minute(depart))
        else:
            minutes.append(_split(best, depart))
    return minutes


def _split(journey: raptor.RawJourney, depart_s: int) -> Minute:
    walk = sum(leg.arr_s - leg.dep_s for leg in journey.legs if leg.kind == "walk")
    ride = sum(leg.arr_s - leg.dep_s for leg in journey.legs if leg.kind == "ride")
    in_journey = journey.arr_s - journey.dep_s
    return Minute(depart_s, journey.arr_s - depart_s, journey.dep_s - depart_s, in_journey - walk - ride,
                  ride, walk, journey.transfers)


def taxi_minutes(planner: JourneyPlanner, origin: Point, dest: Point, start_s: int, end_s: int) -> list[Minute]:
    """The taxi at every minute of the window. Its time depends on the hour it leaves in (the hour's
    speed, :meth:`JourneyPlanner.taxi_time_s`), so it is computed once an hour: the road distance is
    a geodesic, and 1,400 of them were 40% of a whole-day comparison."""
    minutes: list[Minute] = []
    by_hour: dict[int, tuple[int, int]] = {}
    for depart in range(start_s, end_s + 1, 60):
        hour = depart // 3600
        if hour not in by_hour:
            by_hour[hour] = planner.taxi_time_s(origin, dest, depart)
        wait, ride = by_hour[hour]
        minutes.append(Minute(depart, wait + ride, wait, 0, ride, 0, 0))
    return minutes


def _parts(m: Minute) -> tuple[int, int, int, int, int]:
    """(door, origin wait, transfer wait, ride, walk) of a minute with a journey: each is set."""
    assert (m.door_s is not None and m.origin_wait_s is not None and m.transfer_wait_s is not None
            and m.ride_s is not None and m.walk_s is not None)
    return m.door_s, m.origin_wait_s, m.transfer_wait_s, m.ride_s, m.walk_s


def summarise(minutes: list[Minute]) -> SeriesSummary:
    done = [_parts(m) for m in minutes if m.door_s is not None]
    if not done:
        return SeriesSummary(0, None, None, None, None, None, None, None)
    doors = [door for door, *_ in done]
    deciles = statistics.quantiles(doors, n=10, method="inclusive") if len(doors) > 1 else [doors[0]] * 9
    return SeriesSummary(
        minutes_with_journey=len(done), median_s=statistics.median(doors), p10_s=deciles[0], p90_s=deciles[8],
        mean_wait_random_s=statistics.fmean(origin + transfer for _, origin, transfer, _, _ in done),
        mean_wait_timed_s=statistics.fmean(transfer for _, _, transfer, _, _ in done),
        mean_ride_s=statistics.fmean(ride for *_, ride, _ in done), mean_walk_s=statistics.fmean(walk for *_, walk in done),
    )


def shuttle_gain(transit: list[Minute], shuttle: list[Minute]) -> dict[str, float | int | None]:
    """Where in the window the shuttle is faster, and by how much (seconds), over ONE denominator.

    Every share and mean is over the ``minutes_compared``: the departure minutes with a journey both
    with and without the shuttle (so a saving exists). Minutes with no journey today, where the
    shuttle alone goes or nothing does, are counted apart and never enter a share or a mean: each
    figure can be recomputed from the CSV's ``transit_door_s`` and ``shuttle_door_s``.

    Examples
    --------
    >>> t = [Minute(0, 1000), Minute(60, 900), Minute(120), Minute(180)]
    >>> s = [Minute(0, 700), Minute(60, 900), Minute(120, 800), Minute(180)]
    >>> g = shuttle_gain(t, s)
    >>> g["minutes_compared"], g["minutes_faster"], g["share_of_minutes_faster"], g["mean_saving_s"]
    (2, 1, 0.5, 150.0)
    >>> g["minutes_only_shuttle"], g["minutes_without_journey"], g["minutes_in_window"]
    (1, 1, 4)
    """
    both = [(t.door_s, s.door_s) for t, s in zip(transit, shuttle) if t.door_s is not None and s.door_s is not None]
    savings = [t - s for t, s in both]
    faster = sum(1 for saving in savings if saving > 0)
    return {
        "minutes_in_window": len(transit),
        "minutes_compared": len(both),
        "minutes_faster": faster,
        "share_of_minutes_faster": faster / len(both) if both else None,
        "mean_saving_s": statistics.fmean(savings) if savings else None,
        "worst_saving_s": min(savings) if savings else None,
        "best_saving_s": max(savings) if savings else None,
        "minutes_only_shuttle": sum(1 for t, s in zip(transit, shuttle) if t.door_s is None and s.door_s is not None),
        "minutes_without_journey": sum(1 for t, s in zip(transit, shuttle) if t.door_s is None and s.door_s is None),
    }


def compare(planner: JourneyPlanner, origin: Point, dest: Point, day: dt.date,
            start_s: int = 6 * 3600, end_s: int = 23 * 3600, both_ways: bool = True,
            options: Options = Options()) -> Comparison:
    """Transit, transit with the shuttle and taxi, at every minute of the window.

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> m = load_model(bundled_data_dir())
    >>> jp = JourneyPlanner.for_model(m)
    >>> c = compare(jp, jp.resolve("dongjiao-memory"), jp.resolve("panda-south-gate"),
    ...             dt.date(2024, 2, 12), 8 * 3600, 9 * 3600, both_ways=False)
    >>> len(c.directions[0].series["shuttle"])
    61
    """
    directions: list[Direction] = []
    for a, b in ((origin, dest), (dest, origin)) if both_ways else ((origin, dest),):
        series: dict[str, list[Minute]] = {}
        for name, with_shuttle in (("transit", False), ("shuttle", True)):
            opts = replace(options, with_shuttle=with_shuttle)
            try:  # answers are read at whole minutes from start_s: one run per minute is exact
                _, source, journeys = planner.profile(a, b, day, start_s, end_s, opts, resolution_s=60)
                series[name] = transit_minutes(journeys, source, start_s, end_s)
            except NoJourney:
                series[name] = [Minute(s) for s in range(start_s, end_s + 1, 60)]
        series["taxi"] = taxi_minutes(planner, a, b, start_s, end_s)
        direction = Direction(a, b, series, {k: summarise(v) for k, v in series.items()})
        direction.shuttle_vs_transit = shuttle_gain(series["transit"], series["shuttle"])
        directions.append(direction)
    return Comparison(day, start_s, end_s, directions)
