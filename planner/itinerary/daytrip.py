"""A visitor's day: which places and events, in which order, by which transport.

The request becomes an OPTW problem (:mod:`planner.itinerary.optw`): what is on that day is a
candidate, valued by the visitor's interests (:class:`planner.itinerary.values.ValueModel`). A
standing attraction open that day is a candidate; a venue whose worth is its programme (a stage, a
gallery) is one only through its sessions; a place is one stop at most (its visit and the sessions
held there share one OPTW group, an event at a standing attraction worth the attraction too). Shows
are attended from start to end; windows (an exhibition's hours, the pandas' morning activity) are
joined for a stated stay. Travel times come from :class:`TravelOracle` at the actual time, so
headways, the shuttle timetable and last trains are respected. The solution becomes a plan a
person can follow minute by minute, and what it leaves out is explained by its real cause.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Union

from planner.domain.errors import BadRequest, Name, Param, Reason
from planner.domain.model import Event, Model, Occurrence, Place
from planner.routing.journeys import JourneyPlanner, Leg, Options, Point, at
from planner.itinerary.optw.solver import solve
from planner.itinerary.optw.model import Candidate, OptwProblem, OptwSolution
from planner.itinerary.travel import Route, Stop, TravelOracle, shared_oracle
from planner.itinerary.values import PACE, ValueModel

DEFAULT_VALUES = ValueModel()
BASE_VALUE = dict(DEFAULT_VALUES.base_value)
INTEREST_VALUE = DEFAULT_VALUES.interest_value
MUST_BONUS = DEFAULT_VALUES.must_bonus
EXACT_MAX = 15  # candidates up to which plans are solved exactly (and proven optimal)
BEAM_WIDTH = 10  # beyond: widest beam tried (30 gains ~1% of value for 3x the time)

#: The solver's model as it stands: the switch to its joinable windows and kinds is here only.
_CANDIDATE_FIELDS = {f.name for f in dataclasses.fields(Candidate)}
_PROBLEM_FIELDS = {f.name for f in dataclasses.fields(OptwProblem)}
JOINS = "join_until_s" in _CANDIDATE_FIELDS
KINDS = "kind" in _CANDIDATE_FIELDS and "kind_decay" in _PROBLEM_FIELDS


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
    place_id: str | None = None  # the place visited (an event's venue); None for a meal or a rest

    @property
    def stop_key(self) -> str:
        """What makes two steps the same stop: the place (an event's venue), else the item."""
        return self.place_id or self.id

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
    """A day, typed until it is shown: steps and the way home, totals, what cannot be done and why.

    ``infeasible``: what the visitor asked for and does not get (a must-see, lunch), with the cause;
    ``notes``: what is true of the day without being a failure of the plan (no show in the evening).
    """

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
    notes: list[Reason] = field(default_factory=list)


class DayPlanner:
    """Plans days over a model, a journey planner and the day's events.

    ``events_on(day)`` gives the sessions of a day (from the calendar database
    in the app, from the model in tests), so plans see edits at once. ``values``
    holds the value model's weights (the settings' ``PLANNER_VALUE_*`` in the app).
    """

    def __init__(self, model: Model, journeys: JourneyPlanner,
                 events_on: Callable[[dt.date], Iterable[tuple[Event, Occurrence]]] | None = None,
                 values: ValueModel = DEFAULT_VALUES) -> None:
        self.model = model
        self.journeys = journeys
        self.events_on = events_on or model.events_on
        self.values = values

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
        sessions = list(self.events_on(request.day))
        _check(request, self.model, {event.id for event, _ in sessions})
        # at most 5 vehicles between two places: more changes than that are no day out
        options = Options(with_shuttle=request.shuttle, max_rides=5)
        # shared by the plans of the day that ask the same (its answers depend on nothing else)
        oracle = shared_oracle(self.journeys, self.model.sites, self.model.places, self.model.params,
                               request.day, options, taxi=request.taxi, window_s=(request.start_s, request.end_s))
        queries_before = oracle.queries
        start, end = oracle.stop_of(request.start), oracle.stop_of(request.end or request.start)
        day = _Candidates(request, self.model, self.values, oracle)
        day.add_places()
        day.add_sessions(sessions)
        day.add_breaks()
        items, candidates = day.items, day.candidates
        stops = {"start": start, "end": end, **{item.id: item.stop for item in items.values()}}
        extra: dict[str, Any] = {"kind_decay": self.values.kind_decay} if KINDS else {}
        if len(candidates) > EXACT_MAX:
            # the heuristic skips a visit no departure can reach in time before asking its travel time
            # (the same tours: such a visit fails its window anyway); the exact search keeps its own order
            extra["min_travel_s"] = lambda i, j: oracle.min_travel_s(stops[i], stops[j])
        problem = OptwProblem(
            tuple(candidates), "start", request.start_s, "end", request.end_s,
            oracle.travel_between(stops), fixed_travel_s=oracle.fixed_between(stops),
            # exact departures where the search is exact; a minute grid shares travel calls beyond
            depart_resolution_s=1 if len(candidates) <= EXACT_MAX else 60, **extra,
        )
        # A fixed beam width, not a time limit, bounds the heuristic: the same request then gives
        # the same plan on any machine, so a plan's link reproduces it.
        solution = solve(problem, time_limit_s=request.time_limit_s, exact_max_candidates=EXACT_MAX,
                         max_width=BEAM_WIDTH)
        infeasible = day.reasons + [_named(reason, items) for reason in solution.infeasible]
        infeasible += day.missed_musts(start, end, solution.tour)
        if request.meal and not any(items[i].kind == "meal" for i in solution.tour):
            infeasible.append(Reason("no_lunch"))
        plan = self._build(request, oracle, start, end, day, solution, infeasible)
        return replace(plan, notes=day.quiet_evenings(sessions), transit_queries=oracle.queries - queries_before)

    # --- the plan

    def _build(self, request: DayRequest, oracle: TravelOracle, start: Stop, end: Stop, day: _Candidates,
               solution: OptwSolution[str], infeasible: list[Reason]) -> DayPlan:
        items = day.items
        stays, values = _stays_and_values(solution, day.by_id)
        steps: list[Step] = []
        here, free_s = start, request.start_s
        for item_id, begin_s, stay_s in zip(solution.tour, solution.start_times_s, stays):
            item = items[item_id]
            if not steps:  # leave as late as still arrives in time: wait at the hotel, not the gate
                free_s = oracle.latest_departure_s(here, item.stop, free_s, begin_s)
            route = oracle.route(here, item.stop, free_s)
            steps.append(Step(item, free_s, route.arrive_s, begin_s, begin_s + stay_s, _way(route)))
            here, free_s = item.stop, begin_s + stay_s
        home = _way(oracle.route(here, end, free_s))
        leave_s = steps[0].depart_s if steps else request.start_s
        value = sum((_without_bonus(v, day.by_id[i].score, day.bonus.get(i, 0.0))
                     for i, v in zip(solution.tour, values)), 0.0)
        return DayPlan(request, steps, home, leave_s, home.arrive_s, round(value, 6), solution.optimal, infeasible,
                       solution.seconds, solution.travel_calls, oracle.queries, len(day.candidates),
                       _totals(steps, home, self.model))


# --- the switch to the solver's joinable windows and kinds (A1's OPTW model): here only

def _candidate(id: str, score: float, service_s: int, window: tuple[int, int], group: Hashable,
               kind: str | None = None, join_until_s: int | None = None) -> Candidate[str]:
    """An OPTW candidate; ``join_until_s``: a window joined at any start in ``window``, left by then.

    Without the solver's joinable windows the stay is fixed at ``service_s`` and the window's last
    start is brought forward so that the stay still ends by ``join_until_s``.
    """
    extra: dict[str, Any] = {}
    if KINDS and kind is not None:
        extra["kind"] = kind
    if join_until_s is not None:
        if JOINS:
            extra["join_until_s"] = join_until_s
        else:
            window = (window[0], min(window[1], join_until_s - service_s))
    return Candidate(id, score, service_s, (window,), group=group, **extra)


def _stays_and_values(solution: OptwSolution[str], by_id: dict[str, Candidate[str]]
                      ) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Each stop's stay and the value it added, as the solver reports them (or as fixed stays)."""
    stays = getattr(solution, "service_s", None)
    values = getattr(solution, "values", None)
    if stays is None or len(stays) != len(solution.tour):
        stays = tuple(by_id[i].service_s for i in solution.tour)
    if values is None or len(values) != len(solution.tour):
        values = tuple(by_id[i].score for i in solution.tour)
    return tuple(int(s) for s in stays), tuple(float(v) for v in values)


def _without_bonus(value: float, score: float, bonus: float) -> float:
    """What a stop is worth to the visitor: its value without the bonus that made it certain (pro rata)."""
    return value * (score - bonus) / score if score > 0 else 0.0


class _Candidates:
    """The candidates of one request's day: items, OPTW candidates, bonuses, and what was left out why."""

    def __init__(self, request: DayRequest, model: Model, values: ValueModel, oracle: TravelOracle) -> None:
        self.request, self.model, self.values, self.oracle = request, model, values, oracle
        self.pace = PACE[request.pace]
        self.interests = {t.lower() for t in request.interests}
        self.must = set(request.must)
        self.wanted = set(request.only) | self.must if request.only is not None else None
        self.date = request.day.isoformat()
        self.items: dict[str, Item] = {}
        self.candidates: list[Candidate[str]] = []
        self.by_id: dict[str, Candidate[str]] = {}
        self.bonus: dict[str, float] = {}  # a must-see's, lunch's or a rest's bonus inside its score
        self.reasons: list[Reason] = []
        self.standing: dict[str, float] = {}  # standing attractions open today: their own value
        self.sessions: dict[str, tuple[int, int, int]] = {}  # a window's candidate: (open, ends, min stay)
        # why sessions at a must-see venue were left out: said only if none of its sessions is a candidate
        self.venue_misses: dict[str, list[Reason]] = {}

    def _add(self, candidate: Candidate[str], item: Item, bonus: float = 0.0) -> None:
        self.candidates.append(candidate)
        self.by_id[candidate.id] = candidate
        self.items[candidate.id] = item
        if bonus:
            self.bonus[candidate.id] = bonus

    def worth(self, base: str, tags: Sequence[str]) -> float:
        """Base value by what it is, plus the interest weight for each tag the visitor asked for."""
        return (self.values.base_value.get(base, 0.0)
                + self.values.interest_value * len(self.interests & {t.lower() for t in tags}))

    def _must_bonus(self, *refs: str) -> float:
        return self.values.must_bonus if self.must & set(refs) else 0.0

    def add_places(self) -> None:
        """Standing attractions open today (a programme venue is a candidate only through its sessions)."""
        day = self.request.day
        for place in self.model.places.values():
            if place.kind == "gate":
                continue
            hours = place.hours_on(day)
            if hours is None:
                if place.id in self.must:
                    self.reasons.append(Reason("place_closed", {"place": place.id, "date": self.date},
                                               {place.id: place_name(place)}))
                continue
            if place.programme is not None:
                continue
            own = self.worth(place.kind, place.tags)
            self.standing[place.id] = own
            if self.wanted is not None and place.id not in self.wanted:
                continue
            visit_s = round(place.visit_s * self.pace)
            last_s = min(hours.last_entry_s, hours.close_s - visit_s)
            if last_s < hours.open_s:  # open, but too briefly for a visit
                if place.id in self.must:
                    self.reasons.append(Reason("place_closed", {"place": place.id, "date": self.date},
                                               {place.id: place_name(place)}))
                continue
            bonus = self._must_bonus(place.id)
            kind = None if bonus else _kind(place.tags)
            self._add(_candidate(f"place:{place.id}", own + bonus, visit_s, (hours.open_s, last_s), place.id, kind),
                      Item(f"place:{place.id}", "place", place.name_zh, place.name_en, self.oracle.stop_of(place.id),
                           place.id, place.price_cny, place.site_id, place_id=place.id), bonus)

    def add_sessions(self, sessions: Iterable[tuple[Event, Occurrence]]) -> None:
        """Every scheduled session whose venue is open: shows from start to end, windows joined."""
        on_the_day: set[str] = set()
        for event, occurrence in sessions:
            on_the_day.add(event.id)
            venue = self.model.places.get(event.venue_id)
            if venue is None:
                continue
            if self.wanted is not None and event.id not in self.wanted and venue.id not in self.wanted:
                continue
            self._session(event, occurrence, venue)
        for ref in sorted(self.must - set(self.model.places) - on_the_day):
            # a saved plan may name an event that staff have since moved or cancelled
            known = self.model.events.get(ref)
            names = {ref: Name(known.title_zh, known.title_en)} if known else {}
            self.reasons.append(Reason("no_session", {"event": ref, "date": self.date}, names))
        at_candidates = {item.place_id for item in self.items.values()}
        for ref in sorted(self.must & set(self.model.places)):
            place = self.model.places[ref]
            if place.programme is None or not place.available_on(self.request.day) or ref in at_candidates:
                continue
            # a must-see venue with nothing to attend: its sessions' own reasons, or that nothing is on
            self.reasons += self.venue_misses.get(ref) or [
                Reason("nothing_on", {"place": ref, "date": self.date}, {ref: place_name(place)})]

    def _session(self, event: Event, occurrence: Occurrence, venue: Place) -> None:
        names = {event.id: Name(event.title_zh, event.title_en), venue.id: place_name(venue)}

        def left_out(reason: Reason) -> None:
            if event.id in self.must:
                self.reasons.append(reason)
            elif venue.id in self.must:  # the must-see is the venue: the reason names it
                self.venue_misses.setdefault(venue.id, []).append(
                    replace(reason, params={**reason.params, "place": venue.id}))

        if event.status != "scheduled":  # event_cancelled, event_sold_out
            left_out(Reason(f"event_{event.status}", {"event": event.id, "date": self.date}, names))
            return
        hours = venue.hours_on(self.request.day)
        if hours is None:
            left_out(Reason("place_closed", {"place": venue.id, "event": event.id, "date": self.date}, names))
            return
        start_s, end_s = _session(self.request.day, occurrence)
        bonus = self._must_bonus(event.id, venue.id)
        value = self.worth("event", event.tags) + self.standing.get(venue.id, 0.0) + bonus
        kind = None if bonus else _kind(event.tags)
        candidate_id = f"event:{event.id}@{start_s}"
        item = Item(candidate_id, "event", event.title_zh, event.title_en, self.oracle.stop_of(venue.id), event.id,
                    event.price_cny or 0.0, venue.site_id, (start_s, end_s), place_id=venue.id)
        if self.is_window(venue, start_s, end_s):
            opens_s, ends_s = max(start_s, hours.open_s), min(end_s, hours.close_s)
            stay_s = self.values.stay_s(venue.visit_s, max(0, ends_s - opens_s), self.pace)
            min_stay_s = min(self.values.window_min_stay_s, stay_s)
            last_s = min(hours.last_entry_s, ends_s - min_stay_s)
            if stay_s > 0 and last_s >= opens_s and (JOINS or min(last_s, ends_s - stay_s) >= opens_s):
                self.sessions[candidate_id] = (opens_s, ends_s, min_stay_s)
                self._add(_candidate(candidate_id, value, stay_s, (opens_s, last_s), venue.id, kind, ends_s),
                          item, bonus)
                return
        elif hours.open_s <= start_s <= hours.last_entry_s and end_s <= hours.close_s:
            self._add(_candidate(candidate_id, value, end_s - start_s, (start_s, start_s), venue.id, kind),
                      item, bonus)
            return
        left_out(Reason("session_outside_hours", {
            "event": event.id, "place": venue.id, "date": self.date, "sessions": ((start_s, end_s),),
            "opens_s": hours.open_s, "closes_s": hours.close_s}, names))

    def is_window(self, venue: Place, start_s: int, end_s: int) -> bool:
        """Joined at any minute: an exhibition's hours, anything at a standing attraction, long sessions."""
        return venue.programme != "shows" or end_s - start_s >= self.values.long_session_s

    def add_breaks(self) -> None:
        """Lunch (if asked for) and, at a relaxed pace, a rest: at either site, worth more than any visit."""
        request = self.request
        breaks: list[tuple[str, int, tuple[int, int], float]] = []
        if request.meal:
            breaks.append(("meal", request.meal_s, request.meal_window_s, self.values.meal_bonus))
        if request.pace == "relaxed" and self.values.rest_s > 0:
            breaks.append(("rest", self.values.rest_s, self.values.rest_window_s, self.values.rest_bonus))
        for kind, length_s, window, bonus in breaks:
            for site in self.model.sites.values():
                if site.hours.on(request.day) is None:
                    continue
                item_id = f"{kind}:{site.id}"
                # not optional once asked for, but either site will do
                self._add(Candidate(item_id, bonus, length_s, (window,), group=kind),
                          Item(item_id, kind, site.name_zh, site.name_en, self.oracle.stop_of(site.id), site.id,
                               0.0, site.id), bonus)

    # --- what is left out, by its real cause

    def missed_musts(self, start: Stop, end: Stop, tour: Sequence[str]) -> list[Reason]:
        """Why each must-see that has candidates today is not in the plan, with its times."""
        chosen = {self.items[i].ref for i in tour} | {self.items[i].place_id for i in tour}
        reasons = []
        for ref in dict.fromkeys(self.request.must):
            options = [self.items[i] for i in self.bonus
                       if self.items[i].kind in ("place", "event") and ref in (self.items[i].ref, self.items[i].place_id)]
            if options and ref not in chosen:
                reasons.append(self._why_not(ref, options, start, end, tour))
        return reasons

    def _why_not(self, ref: str, options: list[Item], start: Stop, end: Stop, tour: Sequence[str]) -> Reason:
        request = self.request
        names = {ref: options[0].name if ref not in self.model.places else place_name(self.model.places[ref])}
        late: list[Reason] = []
        for item in sorted(options, key=lambda i: max(w[1] for w in self.by_id[i.id].windows)):
            candidate = self.by_id[item.id]
            if item.place_id in self.model.places:
                names[item.place_id] = place_name(self.model.places[item.place_id])
            names[item.ref] = names.get(item.ref, item.name)
            arrival = self.oracle.arrival_s(start, item.stop, request.start_s)
            if arrival is None:
                late.append(Reason("unreachable_from_start", {"item": ref}, names))
                continue
            last_s = max(w[1] for w in candidate.windows)
            if arrival > last_s:
                late.append(self._too_late(ref, item, candidate, arrival, names))
                continue
            begin_s = max(arrival, min(w[0] for w in candidate.windows if w[1] >= arrival))
            leave_s = begin_s + self._stay_from(item.id, begin_s)
            back_s = self.oracle.arrival_s(item.stop, end, leave_s)
            if back_s is None:
                late.append(Reason("end_unreachable_after", {"item": ref, "leave_s": leave_s}, names))
            elif back_s > request.end_s:
                late.append(Reason("back_after_deadline", {"item": ref, "leave_s": leave_s, "back_s": back_s,
                                                           "deadline_s": request.end_s}, names))
            else:
                return self._clash(ref, options, tour, names)
        return late[-1]  # the latest option's reason: the one that came closest

    def _stay_from(self, item_id: str, begin_s: int) -> int:
        candidate = self.by_id[item_id]
        if JOINS and item_id in self.sessions:
            return min(candidate.service_s, self.sessions[item_id][1] - begin_s)
        return candidate.service_s

    def _too_late(self, ref: str, item: Item, candidate: Candidate[str], arrival_s: int,
                  names: dict[str, Name]) -> Reason:
        if item.kind == "place":
            return Reason("closes_before_arrival", {"item": ref, "closes_s": max(w[1] for w in candidate.windows),
                                                    "earliest_arrival_s": arrival_s}, names)
        if item.id in self.sessions:
            _, ends_s, min_stay_s = self.sessions[item.id]
            return Reason("window_ends_before_arrival", {
                "event": item.ref, "place": item.place_id, "ends_s": ends_s, "earliest_arrival_s": arrival_s,
                "min_stay_s": min_stay_s if JOINS else candidate.service_s}, names)
        return Reason("show_starts_before_arrival", {"event": item.ref, "place": item.place_id,
                                                     "starts_s": candidate.windows[0][0],
                                                     "earliest_arrival_s": arrival_s}, names)

    def _clash(self, ref: str, options: list[Item], tour: Sequence[str], names: dict[str, Name]) -> Reason:
        """It fits alone: say what it does not fit beside (other must-sees, lunch, a rest), never more."""
        others: list[str] = []
        for item_id in tour:
            item = self.items[item_id]
            if item_id not in self.bonus:
                continue
            key = {"meal": "lunch", "rest": "rest"}.get(item.kind, item.ref)  # breaks: words of the messages
            if key == item.ref:
                names[key] = item.name
            others.append(key)
        sessions = tuple(i.session for i in options if i.session is not None)
        if not others:  # nothing certain stood in its way: the search did not find the tour
            return Reason("no_tour_found_with", {"item": ref}, names)
        params: dict[str, Param] = {"item": ref, "items": tuple(dict.fromkeys(others))}
        if sessions:
            params["sessions"] = sessions
        return Reason("must_see_clashes", params, names)

    def quiet_evenings(self, sessions: Iterable[tuple[Event, Occurrence]]) -> list[Reason]:
        """A site open in the evening with nothing on then (nothing the visitor asked for, if they asked)."""
        evening_s, request = self.values.evening_s, self.request
        if request.end_s <= evening_s:
            return []
        on: dict[str, list[Event]] = {}
        for event, occurrence in sessions:
            venue = self.model.places.get(event.venue_id)
            start_s, end_s = _session(request.day, occurrence)
            if venue is not None and event.status == "scheduled" and end_s > evening_s and start_s < request.end_s:
                on.setdefault(venue.site_id, []).append(event)
        reasons = []
        for site in self.model.sites.values():
            hours = site.hours.on(request.day)
            if hours is None or hours.close_s <= evening_s:
                continue
            events = on.get(site.id, [])
            matching = [e for e in events
                        if e.id in self.must or e.venue_id in self.must or self.interests & {t.lower() for t in e.tags}]
            if not events or (self.interests and not matching):
                params: dict[str, Param] = {"site": site.id, "date": self.date}
                if events:
                    params["for_interests"] = True
                reasons.append(Reason("no_show_in_evening", params, {site.id: Name(site.name_zh, site.name_en)}))
        return reasons


def place_name(place: Place) -> Name:
    return Name(place.name_zh, place.name_en)


def _kind(tags: Sequence[str]) -> str | None:
    """What kind of thing a place or event is, for diminishing value: its first tag."""
    return tags[0].lower() if tags else None


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
