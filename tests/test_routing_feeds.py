"""Routing properties on real feeds: ours (with and without the shuttle), Google's sample, Cairns.

* FIFO: leaving later never arrives earlier;
* the shuttle only adds trips, so it never makes a journey slower;
* a profile (range RAPTOR over a window) answers each minute as a single query does;
* with no time limit, the earliest arrival is a connection scan's (tests/oracle_csa.py), however late.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import random
import sys
from pathlib import Path

import pytest

from planner.sources.gtfs import format_gtfs_time, parse_gtfs_time, read_feed
from planner.sources.datafiles import load_params
from planner.domain.paths import bundled_data_dir
from planner.routing import raptor
from planner.routing.journeys import JourneyPlanner, NoJourney, Options

GTFS = Path(__file__).resolve().parent / "fixtures" / "gtfs"  # copies of ../shared/benchmarks/gtfs
OUR_DAY = dt.date(2024, 2, 12)  # a Monday
INF = float("inf")


def _oracle_module():
    """tests/oracle_csa.py (pytest imports tests by path, not as a package)."""
    spec = importlib.util.spec_from_file_location("oracle_csa", Path(__file__).resolve().parent / "oracle_csa.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


oracle_csa = _oracle_module()
Oracle, Walking = oracle_csa.Oracle, oracle_csa.Walking


@pytest.fixture(scope="module")
def ours(model) -> JourneyPlanner:
    return JourneyPlanner.for_model(model)


def planner_for(name: str) -> JourneyPlanner:
    params, _ = load_params(bundled_data_dir() / "network.yaml")
    return JourneyPlanner(read_feed(GTFS / name), params)


@pytest.fixture(scope="module")
def sample() -> JourneyPlanner:
    return planner_for("sample_gtfs.zip")


@pytest.fixture(scope="module")
def cairns() -> JourneyPlanner:
    return planner_for("cairns_gtfs.zip")


def prepared(jp: JourneyPlanner, origin: str, dest: str, day: dt.date, options: Options = Options()):
    tt = jp.timetable(day, options)
    rules = jp.rules(options)
    a, b = jp.resolve(origin), jp.resolve(dest)
    return tt, jp.endpoint(tt, a, b, rules), jp.endpoint(tt, b, a, rules)


def fastest(tt, source, target, depart_s: int) -> float:
    found = raptor.earliest_arrival(tt, source, target, depart_s)
    return found[-1].arr_s if found else INF


def check_profile(tt, source, target, start_s: int, end_s: int, step_s: int) -> int:
    """Profile over [start, end] against single queries every ``step_s``; returns minutes with a journey.

    No cap on either side (there was one of 4 hours when routing had that limit): the profile's first
    run, leaving just after the window, answers its last minutes however late the journey is.
    """
    journeys = raptor.profile(tt, source, target, start_s, end_s)
    deps = [j.dep_s for j in journeys]
    assert deps == sorted(set(deps)), "profile journeys must leave at distinct, rising times"
    arrs = [j.arr_s for j in journeys]
    assert arrs == sorted(set(arrs)), "a profile journey leaving later must arrive later"
    assert all(j.dep_s >= start_s for j in journeys)  # (the last may leave after the window, waiting for it)
    walk = source.direct_walk[0] if source.direct_walk else INF  # the caller adds it, as compare does
    answered = 0
    for minute in range(start_s, end_s + 1, step_s):
        single = fastest(tt, source, target, minute)
        after = next((j.arr_s for j in journeys if j.dep_s >= minute), INF)
        from_profile = min(after, minute + walk)
        assert single == from_profile, (minute, single, from_profile)
        answered += single < INF
    return answered


# --------------------------------------------------------------------- FIFO


@pytest.mark.parametrize("with_shuttle", [False, True])
def test_fifo_on_our_feed(ours, with_shuttle):
    pairs = [("dongjiao-memory", "panda-south-gate"), ("panda-south-gate", "dongjiao-memory"),
             ("panda-base", "dongjiao-memory")]
    rng = random.Random(3)
    stops = sorted(ours.feed.stops)
    pairs += [(rng.choice(stops), rng.choice(stops)) for _ in range(4)]
    reached = 0
    for origin, dest in pairs:
        tt, source, target = prepared(ours, origin, dest, OUR_DAY, Options(with_shuttle=with_shuttle))
        arrivals = [fastest(tt, source, target, t) for t in range(4 * 3600, 26 * 3600, 600)]
        assert arrivals == sorted(arrivals), (origin, dest)
        reached += sum(a < INF for a in arrivals)
    assert reached > 60


def test_fifo_on_cairns(cairns):
    rng = random.Random(5)
    stops = sorted(cairns.feed.stops)
    for _ in range(6):
        tt, source, target = prepared(cairns, rng.choice(stops), rng.choice(stops), dt.date(2014, 6, 10))
        arrivals = [fastest(tt, source, target, t) for t in range(5 * 3600, 25 * 3600, 1200)]
        assert arrivals == sorted(arrivals)


# --------------------------------------------------------------------- the shuttle


def test_shuttle_never_makes_a_journey_slower(ours):
    rng = random.Random(11)
    ends = sorted(ours.places) + sorted(ours.sites) + rng.sample(sorted(ours.feed.stops), 12)
    with_shuttle, without = Options(with_shuttle=True), Options(with_shuttle=False)
    faster = compared = 0
    cases = [("dongjiao-memory", "panda-south-gate", 10 * 3600), ("panda-south-gate", "dongjiao-memory", 16 * 3600)]
    cases += [(rng.choice(ends), rng.choice(ends), rng.randrange(5 * 3600, 23 * 3600, 60)) for _ in range(40)]
    for origin, dest, depart in cases:
        a, b = ours.resolve(origin), ours.resolve(dest)
        try:
            plain = ours.journeys(a, b, OUR_DAY, depart, without)[0].arr
        except NoJourney:
            plain = None
        try:
            shuttle = ours.journeys(a, b, OUR_DAY, depart, with_shuttle)[0].arr
        except NoJourney:
            assert plain is None, (origin, dest, depart)
            continue
        if plain is not None:
            compared += 1
            assert shuttle <= plain, (origin, dest, depart)
            faster += shuttle < plain
    assert compared >= 20 and faster >= 2  # the property was tested, and the shuttle sometimes helps


# --------------------------------------------------------------------- profile == single queries


@pytest.mark.parametrize("with_shuttle", [False, True])
@pytest.mark.parametrize("origin,dest", [("dongjiao-memory", "panda-south-gate"),
                                         ("panda-south-gate", "dongjiao-memory")])
def test_profile_equals_single_queries_on_our_feed(ours, origin, dest, with_shuttle):
    tt, source, target = prepared(ours, origin, dest, OUR_DAY, Options(with_shuttle=with_shuttle))
    answered = check_profile(tt, source, target, 6 * 3600, 23 * 3600, 7 * 60)
    assert answered > 100


def test_profile_equals_single_queries_on_the_sample_feed(sample):
    stops = sorted(sample.feed.stops)
    answered = 0
    for day in (dt.date(2008, 6, 2), dt.date(2008, 6, 7)):  # a Monday, a Saturday (AAMV runs)
        for origin in stops:
            for dest in stops:
                if origin != dest:
                    tt, source, target = prepared(sample, origin, dest, day)
                    answered += check_profile(tt, source, target, 5 * 3600 + 1800, 23 * 3600, 23 * 60)
    assert answered > 1000


def test_profile_equals_single_queries_on_cairns(cairns):
    rng = random.Random(7)
    stops = sorted(cairns.feed.stops)
    answered = 0
    for day in (dt.date(2014, 6, 10), dt.date(2014, 6, 14)):  # a Tuesday, a Saturday
        for _ in range(3):
            tt, source, target = prepared(cairns, rng.choice(stops), rng.choice(stops), day)
            answered += check_profile(tt, source, target, 6 * 3600, 22 * 3600, 19 * 60)
    assert answered > 100


# --------------------------------------------------------------------- known answers


def test_known_journeys_on_the_sample_feed(sample):
    monday = dt.date(2008, 6, 2)
    # the Stagecoach - Airport shuttle runs every 30 min from 06:00 and takes 20 min
    tt, source, target = prepared(sample, "STAGECOACH", "BEATTY_AIRPORT", monday)
    assert fastest(tt, source, target, 6 * 3600 + 60) == 6 * 3600 + 1800 + 1200
    # then AB1 08:00 -> Bullfrog 08:10, BFC1 08:20 -> Furnace Creek 09:20: two rides, not three, since
    # AB1 and BFC1 share block_id 1.000000 (one vehicle, AB1 ending at Bullfrog where BFC1 begins), so a
    # rider stays on board at Bullfrog (an in-seat transfer): one run "AB1+BFC1", split into legs later
    tt, source, target = prepared(sample, "STAGECOACH", "FUR_CREEK_RES", monday)
    found = raptor.earliest_arrival(tt, source, target, 7 * 3600)
    assert [(j.arr_s, j.rides) for j in found] == [(9 * 3600 + 1200, 2)]
    seated = tt.patterns[found[0].legs[-2].pattern]
    assert seated.run_trips[found[0].legs[-2].trip] == ("AB1", "BFC1")
    assert seated.segments == ((0, "AB"), (1, "BFC"))
    # the Amargosa Valley trips run at weekends only
    tt, source, target = prepared(sample, "BEATTY_AIRPORT", "AMV", monday)
    assert fastest(tt, source, target, 7 * 3600) == INF
    tt, source, target = prepared(sample, "BEATTY_AIRPORT", "AMV", dt.date(2008, 6, 7))
    assert fastest(tt, source, target, 7 * 3600) == 9 * 3600  # AAMV1 08:00 -> 09:00
    # Saturday 22:00 from the airport: AAMV3 was at 13:00, Sunday's runs are tomorrow
    assert fastest(tt, source, target, 22 * 3600) == 86400 + 9 * 3600


# --------------------------------------------------------------------- no time limit: the connection-scan oracle

#: Dates that matter on each feed: weekdays, weekends, a day its weekday service is removed, days the
#: clocks change (Los Angeles), the calendar's last days and the day after it.
ORACLE_DATES = {
    "sample_gtfs.zip": [dt.date(2008, 6, 2), dt.date(2008, 6, 6), dt.date(2008, 6, 7), dt.date(2008, 6, 8),
                        dt.date(2007, 6, 4), dt.date(2008, 3, 8), dt.date(2008, 3, 9), dt.date(2008, 11, 1),
                        dt.date(2008, 11, 2), dt.date(2010, 12, 30), dt.date(2010, 12, 31), dt.date(2011, 1, 1)],
    "cairns_gtfs.zip": [dt.date(2014, 6, 10), dt.date(2014, 6, 13), dt.date(2014, 6, 14), dt.date(2014, 6, 15),
                        dt.date(2014, 6, 9), dt.date(2014, 12, 24), dt.date(2014, 12, 26), dt.date(2014, 12, 27),
                        dt.date(2014, 12, 28), dt.date(2014, 12, 29)],
}


def oracle_queries(jp: JourneyPlanner, name: str, n: int, seed: int) -> list[tuple[str, str, dt.date, int]]:
    """``n`` seeded queries between two stops: any time of day, evenings, late nights (the last buses,
    trips past midnight, the next day's first), on the dates above."""
    rng = random.Random(seed)
    stops = sorted(s.id for s in jp.feed.stops.values() if s.location_type == 0)
    found = []
    while len(found) < n:
        origin, dest = rng.choice(stops), rng.choice(stops)
        if origin == dest:
            continue
        hours = rng.choice(((0, 24), (17, 24), (21, 27)))
        found.append((origin, dest, rng.choice(ORACLE_DATES[name]), rng.randrange(hours[0] * 3600, hours[1] * 3600)))
    return found


@pytest.mark.parametrize("name", ["sample_gtfs.zip", "cairns_gtfs.zip"])
def test_no_horizon_query_set(name):
    """200 seeded queries per real feed: the planner's earliest arrival equals a connection scan's
    (tests/oracle_csa.py, written apart from planner.routing), however many hours or days later it is;
    or neither finds a journey. Compared up to the days the planner searches (``Options.max_days``).
    Neither feed has transfers.txt rules naming routes or trips (the oracle would refuse them): the
    planner runs its plain search on them, which this also checks."""
    params, _ = load_params(bundled_data_dir() / "network.yaml")
    jp = JourneyPlanner(read_feed(GTFS / name), params, timetable_cache_size=32)
    options = Options()
    rules = jp.rules(options)
    oracle = Oracle(jp.feed, Walking(rules.walk_speed_m_s, rules.walk_circuity, rules.max_walk_m, rules.min_transfer_s))
    assert jp.timetable(ORACLE_DATES[name][0], options).rules is None
    counts = {"found": 0, "none": 0, "over 4 h": 0, "another day": 0}
    for origin, dest, day, depart_s in oracle_queries(jp, name, 200, seed=9):
        query = (origin, dest, day.isoformat(), format_gtfs_time(depart_s))
        searched_until = oracle.day_start(day + dt.timedelta(days=options.max_days + 2))
        expected = oracle.earliest(origin, dest, day, depart_s, day + dt.timedelta(days=options.max_days + 1))
        try:
            journeys = jp.journeys(jp.resolve(origin), jp.resolve(dest), day, depart_s, options)
        except NoJourney as exc:
            arrival, reason = INF, exc.reason
        else:
            arrival, reason = journeys[0].arr.timestamp(), None
            assert journeys[0].dep.timestamp() >= oracle.day_start(day) + depart_s, query
        if expected.rides <= options.max_rides or expected.arrival == INF:
            assert min(arrival, searched_until) == min(expected.arrival, searched_until), (query, reason, expected)
        else:  # the oracle's journey needs more vehicles than the planner may use
            assert arrival >= expected.arrival, query
        if arrival < INF:
            counts["found"] += 1
            counts["over 4 h"] += arrival - (oracle.day_start(day) + depart_s) > 4 * 3600
            local = dt.datetime.fromtimestamp(arrival, oracle.zone) - dt.timedelta(hours=3)  # 03:00 ends a night
            counts["another day"] += local.date() > day
        else:
            counts["none"] += 1
    # the set asks what it should: journeys found, none, and ones the old 4-hour limit hid
    assert counts["found"] >= 60 and counts["none"] >= 10 and counts["over 4 h"] >= 5 and counts["another day"] >= 5, counts


@pytest.mark.parametrize("folder,origin,dest,day,depart,walk_m,arrival,rides", [
    ("01-past-midnight", "A", "C", dt.date(2024, 2, 18), "00:10:00", 1500, "2024-02-18T01:00:00+08:00", 1),
    ("02-block-stay-seated", "A", "E", dt.date(2024, 2, 12), "11:55:00", 0, "2024-02-12T12:30:00+08:00", 1),
    ("03-transfer-type-3", "A", "D", dt.date(2024, 2, 12), "07:55:00", 0, "2024-02-12T09:00:00+08:00", 1),
    ("03-transfer-type-3", "A", "D", dt.date(2024, 2, 12), "08:06:00", 0, "2024-02-13T09:00:00+08:00", 1),
    ("05-bom-plus-bad-byte", "A", "B", dt.date(2024, 2, 12), "07:55:00", 1500, "2024-02-12T08:10:00+08:00", 1),
])
def test_the_oracle_answers_the_case_feeds(folder, origin, dest, day, depart, walk_m, arrival, rides):
    """The oracle itself, on the case feeds' right answers (tests/fixtures/cases/gtfs/README.md)."""
    oracle = Oracle(read_feed(GTFS.parent / "cases" / "gtfs" / folder), Walking(1.2, 1.3, walk_m))
    answer = oracle.earliest(origin, dest, day, parse_gtfs_time(depart), day + dt.timedelta(days=3))
    assert dt.datetime.fromtimestamp(answer.arrival, oracle.zone).isoformat() == arrival
    assert answer.rides == rides
