"""A visitor's day: which places and events, in which order, by which transport.

The request becomes an OPTW problem (:mod:`planner.itinerary.optw`): places
open that day and event sessions are candidates, valued by the visitor's
interests; travel times come from :class:`TravelOracle` at the actual time, so
headways, the shuttle timetable and last trains are respected. The solution
becomes a plan a person can follow minute by minute.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from planner.domain.errors import BadRequest, Said, in_lang, say
from planner.domain.model import Event, Model, Occurrence, Place, format_clock
from planner.routing.journeys import JourneyPlanner, Options, at
from planner.itinerary.optw.solver import solve
from planner.itinerary.optw.model import Candidate, OptwProblem
from planner.itinerary.travel import Stop, TravelOracle

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
    """One candidate of the day, and where it is."""

    id: str
    kind: str  # place | event | meal
    name_zh: str
    name_en: str
    stop: Stop
    ref: str  # the place or event id
    price_cny: float = 0.0
    site_id: str | None = None
    session: tuple[int, int] | None = None  # an event's own start and end


@dataclass
class Step:
    """Travel to an item, then the visit."""

    item: Item
    depart_s: int
    arrive_s: int
    start_s: int
    end_s: int
    route: dict = field(default_factory=dict)


@dataclass
class DayPlan:
    request: DayRequest
    steps: list[Step]
    home_route: dict
    leave_s: int
    back_s: int
    score: float
    optimal: bool
    infeasible: list[str]
    seconds: float
    travel_calls: int
    transit_queries: int
    candidates: int
    totals: dict = field(default_factory=dict)

    def to_dict(self, lang: str = "en") -> dict:
        day = self.request.day
        return {
            "date": day.isoformat(), "shuttle": self.request.shuttle, "taxi": self.request.taxi,
            "leave": at(day, self.leave_s).isoformat(), "back": at(day, self.back_s).isoformat(),
            "score": self.score, "optimal": self.optimal,
            "infeasible": [in_lang(reason, lang) for reason in self.infeasible],
            "seconds": round(self.seconds, 3), "candidates": self.candidates, "totals": self.totals,
            "steps": [{
                "id": s.item.ref, "kind": s.item.kind, "name_zh": s.item.name_zh, "name_en": s.item.name_en,
                "site": s.item.site_id, "lat": s.item.stop.point.lat, "lon": s.item.stop.point.lon,
                "depart": at(day, s.depart_s).isoformat(), "arrive": at(day, s.arrive_s).isoformat(),
                "start": at(day, s.start_s).isoformat(), "end": at(day, s.end_s).isoformat(),
                "wait_s": s.start_s - s.arrive_s, "price_cny": s.item.price_cny, "route": s.route,
            } for s in self.steps],
            "home": self.home_route,
        }


class DayPlanner:
    """Plans days over a model, a journey planner and the day's events.

    ``events_on(day)`` gives the sessions of a day (from the calendar database
    in the app, from the model in tests), so plans see edits at once.
    """

    def __init__(self, model: Model, journeys: JourneyPlanner, events_on=None):
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
            infeasible.append(say("no lunch break fits between the visits and journeys of this day",
                                  "这一天的参观与行程之间排不下午餐"))
        return self._build(request, oracle, start, end, items, candidates, solution, infeasible)

    # --- candidates

    def _candidates(self, request: DayRequest, oracle: TravelOracle):
        pace = PACE[request.pace]
        interests = {t.lower() for t in request.interests}
        must = set(request.must)
        items: dict[str, Item] = {}
        candidates: list[Candidate] = []
        closed: list[str] = []
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
        for ref in must - set(self.model.places) - on_the_day:
            # a saved plan may name an event that staff have since moved or cancelled
            event = self.model.events.get(ref)
            title, title_zh = (event.title_en, event.title_zh) if event else (ref, ref)
            closed.append(say(f"{title} has no session on {request.day} (moved or cancelled: see its event page)",
                              f"{title_zh} 在 {request.day} 没有场次（可能已改期或取消，请查看活动页）"))
        if request.meal:
            for site in self.model.sites.values():
                item_id = f"meal:{site.id}"
                # a meal is not optional once asked for, but either site will do
                candidates.append(Candidate(item_id, MUST_BONUS, request.meal_s, (request.meal_window_s,),
                                            group="meal"))
                items[item_id] = Item(item_id, "meal", f"午餐（{site.name_zh}）", f"Lunch ({site.name_en})",
                                      oracle.stop_of(site.id), site.id, 0.0, site.id)
        return items, candidates, closed

    def _place_candidate(self, place: Place, request: DayRequest, pace: float, interests: set[str],
                         is_must: bool, closed: list[str]) -> Candidate | None:
        hours = place.hours.on(request.day)
        visit_s = round(place.visit_s * pace)
        if hours is None or min(hours.last_entry_s, hours.close_s - visit_s) < hours.open_s:
            if is_must:
                closed.append(say(f"{place.name_en} is closed on {request.day} ({request.day:%A})",
                                  f"{place.name_zh} {request.day}（周{'一二三四五六日'[request.day.weekday()]}）不开放"))
            return None
        window = (hours.open_s, min(hours.last_entry_s, hours.close_s - visit_s))
        value = BASE_VALUE[place.kind] + INTEREST_VALUE * len(interests & set(place.tags))
        return Candidate(f"place:{place.id}", value, visit_s, (window,), must_visit=is_must)

    def _event_candidate(self, event: Event, occurrence: Occurrence, request: DayRequest, pace: float,
                         interests: set[str], must: set[str], closed: list[str]) -> Candidate | None:
        is_must = event.id in must
        if event.status != "scheduled":
            if is_must:
                closed.append(say(f"{event.title_en} is {event.status.replace('_', ' ')} on {request.day}",
                                  f"{event.title_zh} {request.day} {'已取消' if event.status == 'cancelled' else '已售罄'}"))
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

    def _missed_must(self, request: DayRequest, items: dict[str, Item], tour) -> list[str]:
        """Must-see events (valued, not forced) that did not fit, each with its sessions."""
        chosen = {items[i].ref for i in tour}
        missed = []
        for ref in request.must:
            sessions = [item for item in items.values() if item.kind == "event" and item.ref == ref]
            if sessions and ref not in chosen:
                times = ", ".join(f"{format_clock(s.session[0])}-{format_clock(s.session[1])}" for s in sessions)
                missed.append(say(f"{sessions[0].name_en} ({times}) does not fit in the day with the other must-sees",
                                  f"{sessions[0].name_zh}（{times}）与其他必看项目无法同时安排"))
        return missed

    # --- the plan

    def _build(self, request, oracle, start, end, items, candidates, solution, infeasible) -> DayPlan:
        by_id = {c.id: c for c in candidates}
        steps = []
        here, free_s = start, request.start_s
        for item_id, begin_s in zip(solution.tour, solution.start_times_s):
            item = items[item_id]
            end_s = begin_s + by_id[item_id].service_s
            if not steps:  # leave as late as still arrives in time: wait at the hotel, not the gate
                free_s = oracle.latest_departure_s(here, item.stop, free_s, begin_s)
            route = oracle.route(here, item.stop, free_s)
            steps.append(Step(item, free_s, route.arrive_s, begin_s, end_s, _route_dict(route, request.day)))
            here, free_s = item.stop, end_s
        home = oracle.route(here, end, free_s)
        leave_s = steps[0].depart_s if steps else request.start_s
        value = sum(_value(by_id[i]) for i in solution.tour if items[i].kind != "meal")
        plan = DayPlan(request, steps, _route_dict(home, request.day), leave_s, home.arrive_s, value,
                       solution.optimal, infeasible, solution.seconds, solution.travel_calls, oracle.queries,
                       len(candidates))
        plan.totals = _totals(plan, self.model)
        return plan


def _value(candidate: Candidate) -> float:
    """What a visit is worth to the visitor, without the bonus that made a must-see certain."""
    return candidate.score - MUST_BONUS if candidate.score >= MUST_BONUS else candidate.score


def _session(day: dt.date, occurrence: Occurrence) -> tuple[int, int]:
    midnight = at(day, 0)
    return (int((occurrence.start - midnight).total_seconds()), int((occurrence.end - midnight).total_seconds()))


#: The solver's explanations (planner.itinerary.optw), and how to say them in Chinese.
_SOLVER_ZH = (
    (re.compile(r"^(.+) closes at (\d\d:\d\d(?::\d\d)?); the earliest arrival is (\S+)$"), "{0} {1} 关闭；最早 {2} 才能到达"),
    (re.compile(r"^(.+) cannot be reached from the start$"), "从出发地无法到达 {0}"),
    (re.compile(r"^the end cannot be reached after (.+) \(left at (\S+)\)$"), "{1} 离开 {0} 后无法回到终点"),
    (re.compile(r"^after (.+) \(until (\S+)\) the end is reached at (\S+), after the deadline (\S+)$"),
     "在 {0} 停留到 {1} 后，{2} 才能回到终点，晚于 {3}"),
    (re.compile(r"^no tour (?:exists|was found) that includes all of: (.+)$"), "无法同时安排：{0}"),
    (re.compile(r"^no tour was found that includes (.+)$"), "找不到包含 {0} 的行程"),
    (re.compile(r"^the end cannot be reached from the start by the deadline$"), "无法在截止时间前回到终点"),
)


def _named(reason: str, items: dict[str, Item]) -> Said:
    """Solver messages name candidate ids; people want names, in their language."""
    english, chinese = reason, reason
    for pattern, template in _SOLVER_ZH:
        match = pattern.match(reason)
        if match:
            chinese = template.format(*match.groups())
            break
    for item_id, item in sorted(items.items(), key=lambda pair: -len(pair[0])):
        english = english.replace(item_id, item.name_en)
        chinese = chinese.replace(item_id, item.name_zh)
    return say(english, chinese)


def _route_dict(route, day: dt.date) -> dict:
    legs = []
    if route.kind in ("transit", "taxi"):
        if route.walk_out_s:
            legs.append({"mode": "walk", "to": route.gate_out.name_zh, "to_en": route.gate_out.name_en,
                         "duration_s": route.walk_out_s})
        legs += route.journey.to_dict()["legs"]
        if route.queue_s:
            legs.append({"mode": "queue", "at": route.gate_in.name_zh, "at_en": route.gate_in.name_en,
                         "duration_s": route.queue_s})
        if route.walk_in_s:
            legs.append({"mode": "walk", "from": route.gate_in.name_zh, "from_en": route.gate_in.name_en,
                         "duration_s": route.walk_in_s})
    elif route.kind == "walk":
        legs.append({"mode": "walk", "duration_s": route.arrive_s - route.depart_s})
    fare = route.journey.fare_cny if route.journey is not None else 0.0
    return {"kind": route.kind, "depart": at(day, route.depart_s).isoformat(),
            "arrive": at(day, route.arrive_s).isoformat(), "fare_cny": fare, "legs": legs}


def _totals(plan: DayPlan, model: Model) -> dict:
    """Time walking, riding, waiting and idle, and money, over the whole day."""
    walk = ride = wait = 0
    fares: float | None = 0.0
    for route in [s.route for s in plan.steps] + [plan.home_route]:
        for leg in route["legs"]:
            seconds = leg.get("duration_s", 0)
            if leg["mode"] == "walk":
                walk += seconds
            elif leg["mode"] in ("queue", "wait"):
                wait += seconds
            else:
                ride += seconds
        span = int((dt.datetime.fromisoformat(route["arrive"]) - dt.datetime.fromisoformat(route["depart"])).total_seconds())
        moving = sum(leg.get("duration_s", 0) for leg in route["legs"])
        wait += max(0, span - moving)
        fares = None if fares is None or route["fare_cny"] is None else fares + route["fare_cny"]
    sites = {s.item.site_id for s in plan.steps if s.item.kind != "meal" and s.item.site_id}
    tickets = sum(model.sites[site].price_cny for site in sites)
    extras = sum(s.item.price_cny for s in plan.steps)
    visiting = sum(s.end_s - s.start_s for s in plan.steps)
    idle = sum(s.start_s - s.arrive_s for s in plan.steps)
    return {"walk_s": walk, "ride_s": ride, "wait_s": wait, "idle_s": idle, "visit_s": visiting,
            "tickets_cny": tickets, "extras_cny": extras, "fares_cny": fares,
            "total_cny": None if fares is None else tickets + extras + fares}


def _check(request: DayRequest, model: Model, events_today: set[str]) -> None:
    if request.pace not in PACE:
        raise BadRequest("pace", f"{request.pace!r} is not one of {', '.join(PACE)}")
    if request.end_s <= request.start_s:
        raise BadRequest("end_time", "must be after the start time")
    for i, ref in enumerate(request.must):
        if ref not in model.places and ref not in model.events and ref not in events_today:
            raise BadRequest(f"must[{i}]", f"no place or event {ref!r}")


def compare_shuttle(planner: DayPlanner, request: DayRequest) -> dict[str, DayPlan]:
    """The best day without and with the proposed shuttle, side by side."""
    return {"without": planner.plan(replace(request, shuttle=False)),
            "with": planner.plan(replace(request, shuttle=True))}
