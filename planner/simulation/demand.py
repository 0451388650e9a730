"""Who wants the shuttle, when: a day's expected arrivals at each stop, and random passengers drawn from them.

The base demand of a direction is the smaller site's visitors on that day type times the ride share,
spread over the hours by the direction's curve, boarding at the direction's first stop. A show adds a
surge: its audience (the event's capacity, else the stated default) times the show ride share reach
the stop at the show's site uniformly over the stated spread after the show ends, riding away from the
site. Every number comes from the scenario's :class:`~planner.simulation.scenario.DemandAssumptions`,
and every assumption a profile uses is listed in its notes with its text.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from planner.domain.model import Event, Occurrence, Place, TZ
from planner.simulation.scenario import Scenario, ScenarioStop

DAY_S = 86_400
MINUTE_S = 60
OUTBOUND, INBOUND = "outbound", "inbound"


@dataclass(frozen=True)
class Surge:
    """A show's audience riding away from its site: ``riders`` expected, uniformly over ``[start_s, end_s)``."""

    event_id: str
    title_en: str
    title_zh: str
    stop_id: str
    direction: str
    start_s: int
    end_s: int
    riders: float


@dataclass(frozen=True)
class DemandProfile:
    """Expected arrivals per minute of ``day`` at each (stop id, direction); index m is minute m after
    local midnight (the tuples run past 1440 when a surge ends after midnight)."""

    day: dt.date
    day_type: str
    per_minute: dict[tuple[str, str], tuple[float, ...]]
    surges: tuple[Surge, ...]
    total_riders: float
    notes_en: dict[str, str]
    notes_zh: dict[str, str]


@dataclass(frozen=True)
class Passenger:
    """One rider: reaches ``stop_id`` at ``arrive_s`` to ride ``direction``; ``surge`` is the event id of
    the show they come from, None for base demand."""

    arrive_s: int
    stop_id: str
    direction: str
    surge: str | None


def _day_type_of(day: dt.date) -> str:
    from planner.simulation.daytypes import day_type

    return day_type(day)


def base_riders(scenario: Scenario, day_type: str) -> float:
    """Expected one-way riders of each direction on a day of ``day_type``: the smaller site's visitors
    times the ride share (a shuttle serves trips that start at one site and end at the other, so the
    smaller site bounds them).

    Examples
    --------
    >>> from planner.simulation.scenario import DemandAssumptions
    >>> d = DemandAssumptions({"weekday": 20000}, {"weekday": 10000}, 0.05, (1.0,) * 24, (1.0,) * 24,
    ...                       1000, 0.1, 1800, {}, {})
    >>> class S: demand = d
    >>> base_riders(S, "weekday")
    500.0
    """
    demand = scenario.demand
    visitors = min(demand.visitors_per_day.get(day_type, 0), demand.dongjiao_visitors_per_day.get(day_type, 0))
    return float(visitors) * demand.ride_share


def hourly_minutes(riders: float, curve: Sequence[float]) -> np.ndarray:
    """Expected arrivals in each of the 1440 minutes: ``riders`` shared by the 24 hourly weights, even
    within an hour.

    Examples
    --------
    >>> m = hourly_minutes(120.0, [0.0] * 8 + [1.0, 1.0] + [0.0] * 14)
    >>> float(m.sum()), float(m[8 * 60]), float(m[7 * 60])
    (120.0, 1.0, 0.0)
    """
    weights = np.asarray(curve, dtype=float)
    if weights.shape != (24,) or (weights < 0).any():
        raise ValueError("a time-of-day curve has 24 non-negative weights")
    total = weights.sum()
    if total <= 0 or riders <= 0:
        return np.zeros(24 * 60)
    return np.repeat(riders * weights / total / 60.0, 60)


def spread_minutes(start_s: int, end_s: int, riders: float, minutes: int) -> np.ndarray:
    """``riders`` spread uniformly over ``[start_s, end_s)`` as expected arrivals per minute.

    Examples
    --------
    >>> spread_minutes(90, 210, 12.0, 5).tolist()   # 30 s of minute 1, all of minute 2, 30 s of minute 3
    [0.0, 3.0, 6.0, 3.0, 0.0]
    """
    out = np.zeros(minutes)
    if end_s <= start_s or riders <= 0:
        return out
    edges = np.arange(minutes + 1) * MINUTE_S
    overlap = np.clip(np.minimum(edges[1:], end_s) - np.maximum(edges[:-1], start_s), 0, None)
    return riders * overlap / (end_s - start_s)


def stop_of_site(scenario: Scenario, site_id: str, places: Mapping[str, Place]) -> ScenarioStop | None:
    """The first scenario stop whose place belongs to the site ``site_id``, else None."""
    for stop in scenario.stops:
        place = places.get(stop.place_id) if stop.place_id else None
        if place is not None and place.site_id == site_id:
            return stop
    return None


def away_directions(scenario: Scenario, stop_id: str) -> tuple[str, ...]:
    """The directions that carry riders away from a stop: outbound from the first stop, inbound from
    the last, both from a stop in between (riders split evenly, having no better knowledge).

    Examples
    --------
    >>> from planner.simulation.scenario import ScenarioStop
    >>> class S: stops = tuple(ScenarioStop(i, i, i, 0.0, 0.0) for i in "abc")
    >>> away_directions(S, "a"), away_directions(S, "c"), away_directions(S, "b")
    (('outbound',), ('inbound',), ('outbound', 'inbound'))
    """
    ids = [s.id for s in scenario.stops]
    if stop_id == ids[0]:
        return (OUTBOUND,)
    if stop_id == ids[-1]:
        return (INBOUND,)
    return (OUTBOUND, INBOUND)


def _seconds_of_day(moment: dt.datetime, day: dt.date) -> int:
    """Seconds after ``day``'s local midnight (beyond 86400 for a time after midnight)."""
    midnight = dt.datetime.combine(day, dt.time(), TZ)
    return int((moment.astimezone(TZ) - midnight).total_seconds())


def surges_of(scenario: Scenario, day: dt.date, sessions: Sequence[tuple[Event, Occurrence]],
              places: Mapping[str, Place]) -> tuple[list[Surge], list[str]]:
    """The surges of ``day``'s sessions, and which assumptions they used (field names).

    A session counts when it is not cancelled, starts on ``day`` (a show ending after midnight still
    belongs to the day it started), is not an all-day event (an exhibition releases no audience at
    one time) and is held at a venue whose site has a stop of the scenario. A sold-out show counts
    with its full audience.
    """
    demand = scenario.demand
    found: list[Surge] = []
    used: set[str] = set()
    for event, occ in sessions:
        if (occ.status or event.status) == "cancelled" or event.all_day or occ.start.astimezone(TZ).date() != day:
            continue
        venue = places.get(event.venue_id)
        stop = stop_of_site(scenario, venue.site_id, places) if venue is not None else None
        if stop is None:
            continue
        audience = event.capacity if event.capacity is not None else demand.show_audience_default
        if event.capacity is None:
            used.add("show_audience_default")
        used.update(("show_ride_share", "surge_spread_s"))
        directions = away_directions(scenario, stop.id)
        end_s = _seconds_of_day(occ.end, day)
        for direction in directions:
            found.append(Surge(event.id, event.title_en, event.title_zh, stop.id, direction, end_s,
                               end_s + demand.surge_spread_s,
                               audience * demand.show_ride_share / len(directions)))
    return found, sorted(used)


def _notes(scenario: Scenario, fields: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The scenario's texts for ``fields``; a field without one says so (never silently)."""
    demand = scenario.demand
    missing_en, missing_zh = "no source or assumption stated", "未说明来源或假设"
    return ({f: demand.notes_en.get(f, missing_en) for f in fields},
            {f: demand.notes_zh.get(f, missing_zh) for f in fields})


def demand_profile(scenario: Scenario, day: dt.date, sessions: Sequence[tuple[Event, Occurrence]] = (),
                   places: Mapping[str, Place] | None = None) -> DemandProfile:
    """Expected arrivals at each stop, minute by minute, on ``day``.

    ``sessions`` are the calendar's sessions of the day (for example ``Model.events_on(day)``), ``places``
    the places by id, needed to find the site of a session's venue (the model's ``places``). Without
    ``places`` a session counts only when its venue is itself a stop's place.

    Examples
    --------
    >>> from planner.simulation.scenario import DemandAssumptions, ScenarioStop
    >>> d = DemandAssumptions({"weekday": 2000}, {"weekday": 1000}, 0.1, (1.0,) * 24, (0.0,) * 12 + (1.0,) * 12,
    ...                       1000, 0.1, 1800, {"ride_share": "Assumption: one visitor in ten"}, {})
    >>> class S:
    ...     stops = (ScenarioStop("dj", "东郊", "Dongjiao", 30.67, 104.12), ScenarioStop("pb", "熊猫", "Panda", 30.73, 104.14))
    ...     demand = d
    >>> p = demand_profile(S, dt.date(2024, 3, 5))   # a Tuesday
    >>> p.day_type, p.total_riders, round(sum(p.per_minute[("pb", "inbound")]), 6)
    ('weekday', 200.0, 100.0)
    >>> p.notes_en["ride_share"]
    'Assumption: one visitor in ten'
    """
    day_type = _day_type_of(day)
    demand = scenario.demand
    first, last = scenario.stops[0].id, scenario.stops[-1].id
    riders = base_riders(scenario, day_type)
    # a venue that is itself a stop's place still counts when no places are given
    by_id = dict(places) if places is not None else {}
    for stop in scenario.stops:
        if stop.place_id and stop.place_id not in by_id:
            by_id[stop.place_id] = Place(id=stop.place_id, site_id=f"stop:{stop.id}")
    surges, surge_fields = surges_of(scenario, day, sessions, by_id)
    minutes = max([24 * 60] + [math.ceil(s.end_s / MINUTE_S) for s in surges])
    arrays: dict[tuple[str, str], np.ndarray] = {
        (first, OUTBOUND): _padded(hourly_minutes(riders, demand.outbound_curve), minutes),
        (last, INBOUND): _padded(hourly_minutes(riders, demand.inbound_curve), minutes),
    }
    for surge in surges:
        key = (surge.stop_id, surge.direction)
        arrays[key] = arrays.get(key, np.zeros(minutes)) + spread_minutes(surge.start_s, surge.end_s,
                                                                        surge.riders, minutes)
    fields = ["visitors_per_day", "dongjiao_visitors_per_day", "ride_share", "outbound_curve", "inbound_curve",
              *surge_fields]
    notes_en, notes_zh = _notes(scenario, fields)
    # the riders placed (exact; a curve of zeros places none)
    total = sum(riders for curve in (demand.outbound_curve, demand.inbound_curve) if sum(curve) > 0)
    total += sum(s.riders for s in surges)
    return DemandProfile(day, day_type, {k: tuple(v.tolist()) for k, v in arrays.items()}, tuple(surges),
                         float(total), notes_en, notes_zh)


def _padded(values: np.ndarray, minutes: int) -> np.ndarray:
    return np.concatenate([values, np.zeros(minutes - len(values))])


def arrival_times(profile: DemandProfile, rng: np.random.Generator) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """Random arrivals of one day: per (stop, direction), sorted arrival seconds and the index of each
    passenger's surge in ``profile.surges`` (-1: base demand).

    Base demand: a Poisson count in each minute with that minute's expected base arrivals, each
    arrival uniform within its minute. A surge: a Poisson count with its expected riders, each uniform
    over its spread (together: a Poisson process whose expected count per minute is ``per_minute``).
    """
    surge_minutes: dict[tuple[str, str], np.ndarray] = {}
    out: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    for key, values in profile.per_minute.items():
        surge_minutes[key] = np.zeros(len(values))
    for surge in profile.surges:
        key = (surge.stop_id, surge.direction)
        surge_minutes[key] += spread_minutes(surge.start_s, surge.end_s, surge.riders, len(surge_minutes[key]))
    for key in sorted(profile.per_minute):
        # the base is what the surges do not explain; clip float noise of the subtraction
        base = np.clip(np.asarray(profile.per_minute[key]) - surge_minutes[key], 0.0, None)
        base[base < 1e-9] = 0.0
        counts = rng.poisson(base)
        times = [np.repeat(np.arange(len(base)) * MINUTE_S, counts) + rng.integers(0, MINUTE_S, counts.sum())]
        labels = [np.full(counts.sum(), -1)]
        for index, surge in enumerate(profile.surges):
            if (surge.stop_id, surge.direction) == key:
                n = rng.poisson(surge.riders)
                times.append(rng.integers(surge.start_s, max(surge.end_s, surge.start_s + 1), n))
                labels.append(np.full(n, index))
        all_times, all_labels = np.concatenate(times), np.concatenate(labels)
        order = np.argsort(all_times, kind="stable")
        out[key] = (all_times[order].astype(np.int64), all_labels[order])
    return out


def passenger_arrivals(profile: DemandProfile, rng: np.random.Generator) -> list[Passenger]:
    """One random day of passengers drawn from ``profile``, sorted by arrival (then stop, direction).

    Examples
    --------
    >>> p = DemandProfile(dt.date(2024, 3, 5), "weekday", {("dj", "outbound"): (0.0,) * 480 + (2.0,) * 60},
    ...                   (), 120.0, {}, {})
    >>> riders = passenger_arrivals(p, np.random.default_rng(1))
    >>> 90 < len(riders) < 150, all(8 * 3600 <= r.arrive_s < 9 * 3600 for r in riders)
    (True, True)
    """
    passengers = [
        Passenger(int(t), stop, direction, profile.surges[s].event_id if s >= 0 else None)
        for (stop, direction), (times, labels) in arrival_times(profile, rng).items()
        for t, s in zip(times.tolist(), labels.tolist())
    ]
    return sorted(passengers, key=lambda p: (p.arrive_s, p.stop_id, p.direction))
