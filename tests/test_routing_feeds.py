"""Routing properties on real feeds: ours (with and without the shuttle), Google's sample, Cairns.

* FIFO: leaving later never arrives earlier;
* the shuttle only adds trips, so it never makes a journey slower;
* a profile (range RAPTOR over a window) answers each minute as a single query does.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from planner.sources.gtfs import read_feed
from planner.sources.datafiles import load_params
from planner.domain.paths import bundled_data_dir
from planner.routing import raptor
from planner.routing.journeys import JourneyPlanner, NoJourney, Options

GTFS = Path(__file__).resolve().parent / "fixtures" / "gtfs"  # copies of ../shared/benchmarks/gtfs
OUR_DAY = dt.date(2024, 2, 12)  # a Monday
INF = float("inf")


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
