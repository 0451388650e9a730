"""A visitor's day: which places and events, in which order, by which transport.

The request becomes an OPTW problem (:mod:`planner.itinerary.optw`): places
open that day and event sessions are candidates, valued by the visitor's
interests; travel times come from :class:`TravelOracle` at the actual time, so
headways, the shuttle timetable and last trains are respected. The solution
becomes a plan a person can follow minute by minute.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Union

from planner.domain.errors import BadRequest, Name, Reason
from planner.domain.model import Event, Model, Occurrence, Place
from planner.routing.journeys import JourneyPlanner, Leg, Options, Point, at
from planner.itinerary.optw.solver import solve
from planner.itinerary.optw.model import Candidate, OptwProblem, OptwSolution
from planner.itinerary.travel import Route, Stop, TravelOracle

PACE = {"relaxed": 1.25, "normal": 1.0, "brisk": 0.8}  # visit-length factors
#: Sessions at least this long (exhibitions, "active hours") are visited within their hours, not sat through.
FLEXIBLE_EVENT_S = 150 * 60
FLEXIBLE_VISIT_S = 60 * 60
BASE_VALUE = {"attraction": 3.0, "venue": 2.0, "spot": 1.0, "event": 5.0, "meal": 0.0}
INTEREST_VALUE = 4.0
#: Must-see events with several sessions: one session is enough, so they are made
#: worth more than anything else instead of forcing a particular session.
MUST_BONUS = 1000.0
EXACT_MAX = 15  # candidates up to which plans are solved exactly (and proven optimal)
BEAM_WIDTH = 10  # beyond: widest beam tried (30 gains ~1% of value for 3x the time)


@dataclass(frozen=True)
class DayRequest:
    """What a visitor asks for; times are seconds after local midnight of ``day``."""

    day: dt.date
    start: str  # place id, site id or "lat,lon"
    start_s: int = 8 * 3600
    end_s: int = 22 * 3600
    end: str | None = None  # default: back to the start
    interests: tuple[str, ...] = ()
    must: tuple[str, ...] = ()  # place ids or event ids
    meal: bool = True
    meal_window_s: tuple[int, int] = (11 * 3600, 13 * 3600 + 1800)
    meal_s: int = 45 * 60
    shuttle: bool = False
    taxi: bool = False
    pace: str = "normal"
    time_limit_s: float = 5.0  # a safety net: the search's width, not the clock, decides the plan
    only: tuple[str, ...] | None = None  # consider only these places and events (None: all)


@dataclass
class Item:
    """One candidate of the day, and where it is (a meal is named after its site)."""

    id: str
    kind: str  # place | event | meal
    name_zh: str
    name_en: str
    stop: Stop
    ref: str  # the place or event id (a meal: its site's)
    price_cny: float = 0.0
    site_id: str | None = None
    session: tuple[int, int] | None = None  # an event's own start and end

    @property
    def name(self) -> Name:
        return Name(self.name_zh, self.name_en)


@dataclass(frozen=True)
class SiteLeg:
    """Walking inside a site (to or from a gate, or between two of its places) or queueing at a gate."""

    mode: str  # walk | queue
    duration_s: int
    gate: Point | None = None
    side: str = ""  # "to" or "from" the gate, "at" it (a queue); "" between two places of a site


#: A leg of the way between two stops: inside a site, or a journey's leg (times as aware date-times).
PlanLeg = Union[SiteLeg, Leg]


@dataclass(frozen=True)
class Way:
    """How to go from one stop of a plan to the next: its kind, times (seconds of the day), legs and fare."""

    kind: str  # stay | walk | transit | taxi
    depart_s: int
    arrive_s: int
    legs: tuple[PlanLeg, ...] = ()
    fare_cny: float | None = 0.0

    @property
    def walk_s(self) -> int:
        return sum(leg.duration_s for leg in self.legs if leg.mode == "walk")

    @property
    def ride_s(self) -> int:
        return sum(leg.duration_s for leg in self.legs if leg.mode not in ("walk", "queue", "wait"))

    @property
    def wait_s(self) -> int:
        """Queues and waits for vehicles, and any time between legs."""
        waits = sum(leg.duration_s for leg in self.legs if leg.mode in ("queue", "wait"))
        between = self.arrive_s - self.depart_s - sum(leg.duration_s for leg in self.legs)
        return waits + max(0, between)


@dataclass(frozen=True)
class Totals:
    """A day's time walking, riding, waiting (on the way), idle (at venues) and visiting, and its money."""

    walk_s: int
    ride_s: int
    wait_s: int
    idle_s: int
    visit_s: int
    tickets_cny: float
    extras_cny: float
    fares_cny: float | None  # None: a fare is unknown

    @property
    def total_cny(self) -> float | None:
        return None if self.fares_cny is None else self.tickets_cny + self.extras_cny + self.fares_cny


@dataclass(frozen=True)
class Step:
    """Travel to an item, then the visit; times are seconds after the day's midnight."""

    item: Item
    depart_s: int
    arrive_s: int
    start_s: int
    end_s: int
    route: Way

    @property
    def wait_s(self) -> int:
        """Waiting at the item before the visit starts."""
        return self.start_s - self.arrive_s


@dataclass(frozen=True)
class DayPlan:
    """A day, typed until it is shown: steps and the way home, totals, what cannot be done and why."""

    request: DayRequest
    steps: list[Step]
    home: Way
    leave_s: int
    back_s: int
    score: float
    optimal: bool
    infeasible: list[Reason]
    seconds: float
    travel_calls: int
    transit_queries: int
    candidates: int
    totals: Totals


class DayPlanner:
    """Plans days over a model, a journey planner and the day's events.

    ``events_on(day)`` gives the sessions of a day (from the calendar database
    in the app, from the model in tests), so plans see edits at once.
    """

    def __init__(self, model: Model, journeys: JourneyPlanner,
                 events_on: Callable[[dt.date], Iterable[tuple[Event, Occurrence]]] | None = None) -> None:
        self.model = model
        self.journeys = journeys
        self.events_on = events_on or model.events_on

    def plan(self, request: DayRequest) -> DayPlan:
        """The best day for ``request``.

        Examples
        --------
        >>> from planner.sources.datafiles import load_model
        >>> from planner.domain.paths import bundled_data_dir
        >>> m = load_model(bundled_data_dir())
        >>> jp = JourneyPlanner.for_model(m)
        >>> plan = DayPlanner(m, jp).plan(DayRequest(dt.date(2024, 2, 12), "dongjiao-memory",
        ...     interests=("pandas",), must=("panda-moon-nursery",)))
        >>> "panda-moon-nursery" in [s.item.ref for s in plan.steps]
        True
        """
        _check(request, self.model, {event.id for event, _ in self.events_on(request.day)})
        # at most 5 vehicles between two places: more changes than that are no day out
        options = Options(with_shuttle=request.shuttle, max_rides=5)
        oracle = TravelOracle(self.journeys, self.model.sites, self.model.places, self.model.params,
                              request.day, options, taxi=request.taxi, window_s=(request.start_s, request.end_s))
        start, end = oracle.stop_of(request.start), oracle.stop_of(request.end or request.start)
        items, candidates, closed = self._candidates(request, oracle)
        stops = {"start": start, "end": end, **{item.id: item.stop for item in items.values()}}
        problem = OptwProblem(
            tuple(candidates), "start", request.start_s, "end", request.end_s,
            lambda i, j, t: oracle.travel_s(stops[i], stops[j], t),
            # exact departures where the search is exact; a minute grid shares travel calls beyond
            depart_resolution_s=1 if len(candidates) <= EXACT_MAX else 60,
        )
        # A fixed beam width, not a time limit, bounds the heuristic: the same request then gives
        # the same plan on any machine, so a plan's link reproduces it.
        solution = solve(problem, time_limit_s=request.time_limit_s, exact_max_candidates=EXACT_MAX,
                         max_width=BEAM_WIDTH)
        infeasible = closed + [_named(reason, items) for reason in solution.infeasible]
        infeasible += self._missed_must(request, items, solution.tour)
        if request.meal and not any(items[i].kind == "meal" for i in solution.tour):
            infeasible.append(Reason("no_lunch"))
        return self._build(request, oracle, start, end, items, candidates, solution, infeasible)

    # --- candidates

    def _candidates(self, request: DayRequest, oracle: TravelOracle
                    ) -> tuple[dict[str, Item], list[Candidate[str]], list[Reason]]:
        pace = PACE[request.pace]
        interests = {t.lower() for t in request.interests}
        must = set(request.must)
        items: dict[str, Item] = {}
        candidates: list[Candidate[str]] = []
        closed: list[Reason] = []
        wanted = set(request.only) | must if request.only is not None else None
        for place in self.model.places.values():
            if place.kind == "gate" or (wanted is not None and place.id not in wanted):
                continue
            candidate = self._place_candidate(place, request, pace, interests, place.id in must, closed)
            if candidate:
                candidates.append(candidate)
                items[candidate.id] = Item(candidate.id, "place", place.name_zh, place.name_en,
                                           oracle.stop_of(place.id), place.id, place.price_cny, place.site_id)
        on_the_day = set()
        for event, occurrence in self.events_on(request.day):
            on_the_day.add(event.id)
            if wanted is not None and event.id not in wanted:
                continue
            candidate = self._event_candidate(event, occurrence, request, pace, interests, must, closed)
            if candidate:
                venue = self.model.places[event.venue_id]
                candidates.append(candidate)
                items[candidate.id] = Item(candidate.id, "event", event.title_zh, event.title_en,
                                           oracle.stop_of(venue.id), event.id, event.price_cny or 0.0,
                                           venue.site_id, _session(request.day, occurrence))
        for ref in sorted(must - set(self.model.places) - on_the_day):
            # a saved plan may name an event that staff have since moved or cancelled
            known = self.model.events.get(ref)
            names = {ref: Name(known.title_zh, known.title_en)} if known else {}
            closed.append(Reason("no_session", {"event": ref, "date": request.day.isoformat()}, names))
        if request.meal:
            for site in self.model.sites.values():
                item_id = f"meal:{site.id}"
                # a meal is not optional once asked for, but either site will do
                candidates.append(Candidate(item_id, MUST_BONUS, request.meal_s, (request.meal_window_s,),
                                            group="meal"))
                items[item_id] = Item(item_id, "meal", site.name_zh, site.name_en,
                                      oracle.stop_of(site.id), site.id, 0.0, site.id)
        return items, candidates, closed

    def _place_candidate(self, place: Place, request: DayRequest, pace: float, interests: set[str],
                         is_must: bool, closed: list[Reason]) -> Candidate[str] | None:
        hours = place.hours.on(request.day)
        visit_s = round(place.visit_s * pace)
        if hours is None or min(hours.last_entry_s, hours.close_s - visit_s) < hours.open_s:
            if is_must:
                closed.append(Reason("place_closed", {"place": place.id, "date": request.day.isoformat()},
                                     {place.id: Name(place.name_zh, place.name_en)}))
            return None
        window = (hours.open_s, min(hours.last_entry_s, hours.close_s - visit_s))
        value = BASE_VALUE[place.kind] + INTEREST_VALUE * len(interests & set(place.tags))
        return Candidate(f"place:{place.id}", value, visit_s, (window,), must_visit=is_must)

    def _event_candidate(self, event: Event, occurrence: Occurrence, request: DayRequest, pace: float,
                         interests: set[str], must: set[str], closed: list[Reason]) -> Candidate[str] | None:
        is_must = event.id in must
        if event.status != "scheduled":
            if is_must:  # event_cancelled, event_sold_out
                closed.append(Reason(f"event_{event.status}", {"event": event.id, "date": request.day.isoformat()},
                                     {event.id: Name(event.title_zh, event.title_en)}))
            return None
        start_s, end_s = _session(request.day, occurrence)
        value = BASE_VALUE["event"] + INTEREST_VALUE * len(interests & set(event.tags))
        if is_must:
            value += MUST_BONUS
        candidate_id = f"event:{event.id}@{start_s}"
        if end_s - start_s >= FLEXIBLE_EVENT_S:  # an exhibition: go any time it is open
            visit_s = round(min(FLEXIBLE_VISIT_S, end_s - start_s) * pace)
            return Candidate(candidate_id, value, visit_s, ((start_s, end_s - visit_s),), group=event.id)
        return Candidate.fixed(candidate_id, value, start_s, end_s, group=event.id)

    def _missed_must(self, request: DayRequest, items: dict[str, Item], tour: Iterable[str]) -> list[Reason]:
        """Must-see events (valued, not forced) that did not fit, each with its sessions."""
        chosen = {items[i].ref for i in tour}
        missed = []
        for ref in request.must:
            sessions = [item for item in items.values() if item.kind == "event" and item.ref == ref]
            if sessions and ref not in chosen:
                times = tuple(s.session for s in sessions if s.session is not None)
                missed.append(Reason("must_see_does_not_fit", {"event": ref, "sessions": times},
                                     {ref: sessions[0].name}))
        return missed

    # --- the plan

    def _build(self, request: DayRequest, oracle: TravelOracle, start: Stop, end: Stop, items: dict[str, Item],
               candidates: list[Candidate[str]], solution: OptwSolution[str], infeasible: list[Reason]) -> DayPlan:
        by_id = {c.id: c for c in candidates}
        steps: list[Step] = []
        here, free_s = start, request.start_s
        for item_id, begin_s in zip(solution.tour, solution.start_times_s):
            item = items[item_id]
            end_s = begin_s + by_id[item_id].service_s
            if not steps:  # leave as late as still arrives in time: wait at the hotel, not the gate
                free_s = oracle.latest_departure_s(here, item.stop, free_s, begin_s)
            route = oracle.route(here, item.stop, free_s)
            steps.append(Step(item, free_s, route.arrive_s, begin_s, end_s, _way(route)))
            here, free_s = item.stop, end_s
        home = _way(oracle.route(here, end, free_s))
        leave_s = steps[0].depart_s if steps else request.start_s
        value = sum((_value(by_id[i]) for i in solution.tour if items[i].kind != "meal"), 0.0)
        return DayPlan(request, steps, home, leave_s, home.arrive_s, value, solution.optimal, infeasible,
                       solution.seconds, solution.travel_calls, oracle.queries, len(candidates),
                       _totals(steps, home, self.model))


def _value(candidate: Candidate[str]) -> float:
    """What a visit is worth to the visitor, without the bonus that made a must-see certain."""
    return candidate.score - MUST_BONUS if candidate.score >= MUST_BONUS else candidate.score


def _session(day: dt.date, occurrence: Occurrence) -> tuple[int, int]:
    midnight = at(day, 0)
    return (int((occurrence.start - midnight).total_seconds()), int((occurrence.end - midnight).total_seconds()))


def _named(reason: Reason, items: dict[str, Item]) -> Reason:
    """The solver's reasons name candidate ids; the plan gives their names, for people."""
    several = reason.params.get("items")
    mentioned = [reason.params.get("item"), *(several if isinstance(several, tuple) else ())]
    names = {ref: items[ref].name for ref in mentioned if isinstance(ref, str) and ref in items}
    return replace(reason, names={**reason.names, **names})


def _way(route: Route) -> Way:
    """A route of the travel oracle as the plan keeps it: gates, walks and queues around the journey."""
    legs: list[PlanLeg] = []
    if route.kind in ("transit", "taxi") and route.journey is not None:
        if route.walk_out_s:
            legs.append(SiteLeg("walk", route.walk_out_s, route.gate_out, "to"))
        legs += route.journey.legs
        if route.queue_s:
            legs.append(SiteLeg("queue", route.queue_s, route.gate_in, "at"))
        if route.walk_in_s:
            legs.append(SiteLeg("walk", route.walk_in_s, route.gate_in, "from"))
    elif route.kind == "walk":
        legs.append(SiteLeg("walk", route.arrive_s - route.depart_s))
    fare = route.journey.fare_cny if route.journey is not None else 0.0
    return Way(route.kind, route.depart_s, route.arrive_s, tuple(legs), fare)


def _totals(steps: list[Step], home: Way, model: Model) -> Totals:
    """Time walking, riding, waiting and idle, and money, over the whole day, from the typed ways."""
    ways = [s.route for s in steps] + [home]
    fares: float | None = 0.0
    for way in ways:
        fares = None if fares is None or way.fare_cny is None else fares + way.fare_cny
    sites = {s.item.site_id for s in steps if s.item.kind != "meal" and s.item.site_id}
    return Totals(
        walk_s=sum(w.walk_s for w in ways), ride_s=sum(w.ride_s for w in ways), wait_s=sum(w.wait_s for w in ways),
        idle_s=sum(s.wait_s for s in steps), visit_s=sum(s.end_s - s.start_s for s in steps),
        tickets_cny=sum(model.sites[site].price_cny for site in sites),
        extras_cny=sum(s.item.price_cny for s in steps), fares_cny=fares)


def _check(request: DayRequest, model: Model, events_today: set[str]) -> None:
    if request.pace not in PACE:
        raise BadRequest("pace", "not_one_of", value=request.pace, choices=tuple(PACE))
    if request.end_s <= request.start_s:
        raise BadRequest("end_time", "must_be_after_start")
    for i, ref in enumerate(request.must):
        if ref not in model.places and ref not in model.events and ref not in events_today:
            raise BadRequest(f"must[{i}]", "unknown_place_or_event", value=ref)


def compare_shuttle(planner: DayPlanner, request: DayRequest) -> dict[str, DayPlan]:
    """The best day without and with the proposed shuttle, side by side."""
    return {"without": planner.plan(replace(request, shuttle=False)),
            "with": planner.plan(replace(request, shuttle=True))}
