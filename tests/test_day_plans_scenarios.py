"""Visitors' days, step by step (issue 10): a winter Monday, a summer Saturday, the Spring Festival.

Each scenario asserts which stops come, in which order, at about what times, and what is
explained; and, on every day, no place twice and no programme venue without a session.
"""
from __future__ import annotations

import datetime as dt

import pytest

from planner.itinerary.daytrip import DayPlanner, DayRequest, compare_shuttle
from planner.messages import describe_reason
from planner.routing.journeys import JourneyPlanner
from planner.web.presenters.itinerary import changes

HOTEL = "30.6540,104.0790"  # near Chunxi Road
WINTER_MONDAY, SUMMER_SATURDAY, SPRING_FESTIVAL = dt.date(2024, 12, 9), dt.date(2024, 7, 13), dt.date(2024, 2, 12)


@pytest.fixture(scope="module")
def planner(model):
    return DayPlanner(model, JourneyPlanner.for_model(model))


def h(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def assert_sound(plan, model):
    """No place twice; a programme venue only through a session; steps in order."""
    places = [s.item.place_id for s in plan.steps if s.item.place_id]
    assert len(places) == len(set(places)), places
    for step in plan.steps:
        if step.item.kind == "place":
            assert model.places[step.item.place_id].programme is None, step.item.id
    ends = [s.end_s for s in plan.steps]
    assert all(s.start_s >= e for s, e in zip(plan.steps[1:], ends)), "steps overlap"


def test_winter_monday_family(planner, model):
    """9 Dec 2024: a family at a relaxed pace; the kindergarten shuts on Mondays, the Three-Body show ended."""
    plan = planner.plan(DayRequest(WINTER_MONDAY, HOTEL, h("08:00"), h("21:00"), interests=("pandas", "kids"),
                                   must=("panda-kindergarten",), pace="relaxed"))
    assert_sound(plan, model)
    first = plan.steps[0]
    # 1. pandas in the morning: the active window at the villas, joined on arrival, before 10:00
    assert first.item.ref == "panda-morning-active-winter" and first.item.place_id == "panda-villa-5"
    assert h("08:00") <= first.start_s < h("09:45") and first.end_s <= h("10:00")
    assert first.arrive_s == first.start_s  # joined at once, not waited for
    # 2. the morning stays with the pandas; lunch, then a rest, at the base
    kinds = [s.item.kind for s in plan.steps]
    meal, rest = kinds.index("meal"), kinds.index("rest")
    assert all(s.item.site_id == "panda-base" for s in plan.steps[:rest + 1])
    assert h("11:00") <= plan.steps[meal].start_s <= h("13:30") and meal < rest
    assert h("14:00") <= plan.steps[rest].start_s <= h("16:30") and plan.steps[rest].end_s - plan.steps[rest].start_s == 20 * 60
    # 3. nothing after the base's closing there; nothing of the ended exhibition
    assert all(s.end_s <= h("17:30") for s in plan.steps if s.item.site_id == "panda-base")
    assert "three-body-immersive-2023" not in [s.item.ref for s in plan.steps]
    assert not any(s.item.place_id in ("dj-three-body-hall", "dj-fanxing-theatre", "dj-chengdu-stage")
                   for s in plan.steps)
    # 4. explained: the kindergarten's Monday and the empty evening
    codes = {r.code: r for r in plan.infeasible + plan.notes}
    assert "no_show_in_evening" not in {r.code for r in plan.infeasible}  # a note on the day, not a failure
    assert codes["place_closed"].params == {"place": "panda-kindergarten", "date": "2024-12-09"}
    assert codes["no_show_in_evening"].params == {"site": "dongjiao-memory", "date": "2024-12-09"}
    assert "no show at Dongjiao Memory" in describe_reason(codes["no_show_in_evening"], "en")
    assert "晚上没有演出" in describe_reason(codes["no_show_in_evening"], "zh")
    assert plan.back_s <= h("21:00")


def test_a_family_reaching_the_villas_at_0811_joins_the_window(planner, model):
    plan = planner.plan(DayRequest(WINTER_MONDAY, "panda-south-gate", h("08:11"), h("12:00"),
                                   must=("panda-morning-active-winter",), meal=False))
    assert_sound(plan, model)
    window = next(s for s in plan.steps if s.item.ref == "panda-morning-active-winter")
    assert h("08:11") <= window.start_s and window.end_s <= h("10:00")
    assert plan.infeasible == []


def test_a_late_must_see_window_says_when_you_arrive_and_when_it_ends(planner):
    plan = planner.plan(DayRequest(WINTER_MONDAY, HOTEL, h("09:40"), h("17:00"),
                                   must=("panda-morning-active-winter",), meal=False))
    assert "panda-morning-active-winter" not in [s.item.ref for s in plan.steps]
    (reason,) = plan.infeasible
    assert reason.code == "window_ends_before_arrival"
    assert reason.params["ends_s"] == h("10:00") and reason.params["earliest_arrival_s"] > h("09:45")
    words = describe_reason(reason, "en")
    assert "Panda Villa 5" in words and "10:00" in words and "other must-sees" not in words


def test_summer_saturday(planner, model):
    """13 Jul 2024: pandas and art from Dongjiao Memory at 07:00; the Three-Body exhibition is on."""
    plan = planner.plan(DayRequest(SUMMER_SATURDAY, "dongjiao-memory", h("07:00"), h("22:00"),
                                   interests=("pandas", "art")))
    assert_sound(plan, model)
    refs = [s.item.ref for s in plan.steps]
    # the pandas' summer window (07:30-10:00) is in the plan, in the morning, joined inside it
    window = plan.steps[refs.index("panda-morning-active")]
    assert h("07:30") <= window.start_s and window.end_s <= h("10:00")
    # the Panda Base in the morning and early afternoon, Dongjiao Memory after it closes
    base = [i for i, s in enumerate(plan.steps) if s.item.site_id == "panda-base"]
    park = [i for i, s in enumerate(plan.steps) if s.item.site_id == "dongjiao-memory" and s.start_s > h("12:00")]
    assert base and park and max(base) < min(park)
    assert all(s.end_s <= h("18:00") for s in plan.steps if s.item.site_id == "panda-base")
    # the exhibition as a window inside its hours (10:00-21:00, last entry 20:00), once, never its empty hall
    exhibition = plan.steps[refs.index("three-body-immersive-2023")]
    assert h("10:00") <= exhibition.start_s <= h("20:00") and exhibition.end_s <= h("21:00")
    assert refs.count("three-body-immersive-2023") == 1 and "dj-three-body-hall" not in refs
    # no Spring Festival programme in July, and nothing at the empty gallery or stages
    assert not {"hello-su-dongpo-2024", "dj-standup-comedy-2024"} & set(refs)
    assert not {"dj-lang-art-museum", "dj-chengdu-stage", "dj-east-stage"} & {s.item.place_id for s in plan.steps}
    # diminishing value: more pandas are worth less, so a museum of the base gets its turn too
    assert {"panda-museum", "panda-science-quest"} & set(refs)
    assert "no_show_in_evening" not in {r.code for r in plan.notes}  # the exhibition is on until 21:00


def test_spring_festival(planner, model):
    """12 Feb 2024, the issue's visitor: pandas first, Su Dongpo, the comedy at 19:30."""
    plan = planner.plan(DayRequest(SPRING_FESTIVAL, HOTEL, h("08:00"), h("22:00"), interests=("pandas",),
                                   must=("hello-su-dongpo-2024", "dj-standup-comedy-2024")))
    assert_sound(plan, model)
    refs = [s.item.ref for s in plan.steps]
    # pandas first: the morning window is the first panda sight, before 10:00 (on the Spring Festival's
    # weekend timetable the plan may stop a few minutes at a photo spot on the way to it)
    def tags(step):
        return model.events[step.item.ref].tags if step.item.kind == "event" else model.places[step.item.ref].tags

    first_pandas = next(s for s in plan.steps if s.item.kind != "meal" and "pandas" in tags(s))
    assert first_pandas.item.ref == "panda-morning-active-winter" and first_pandas.start_s < h("10:00")
    assert all(s.end_s - s.start_s <= 15 * 60 for s in plan.steps[:refs.index("panda-morning-active-winter")])
    su = plan.steps[refs.index("hello-su-dongpo-2024")]
    assert h("10:00") <= su.start_s and su.end_s <= h("18:00")  # a window inside the gallery's hours
    comedy = plan.steps[refs.index("dj-standup-comedy-2024")]
    assert (comedy.start_s, comedy.end_s) == (h("19:30"), h("21:00"))  # a show, whole
    assert comedy is plan.steps[-1]
    # the villa visited with its window is not visited again; the buskers' stage only with the buskers
    assert "panda-villa-5" not in refs
    for step in plan.steps:
        if step.item.place_id == "dj-east-stage":
            assert step.item.ref == "guochao-buskers-east-stage-2024"
    assert plan.infeasible == []


def test_the_shuttle_changes_count_places_not_items(planner, model):
    """A place reached through an event in one plan and on its own in the other is no gain."""
    plans = compare_shuttle(planner, DayRequest(SPRING_FESTIVAL, HOTEL, h("08:00"), h("22:00"),
                                                interests=("pandas",),
                                                must=("hello-su-dongpo-2024", "dj-standup-comedy-2024")))
    change = changes(plans)
    places_before = {s.item.place_id for s in plans["without"].steps if s.item.place_id}
    places_after = {s.item.place_id for s in plans["with"].steps if s.item.place_id}
    by_ref = {s.item.ref: s.item for plan in plans.values() for s in plan.steps}
    for gained in change["gained"]:
        item = by_ref.get(gained["id"])
        assert item is None or item.place_id is None or item.place_id not in places_before, gained
    for lost in change["lost"]:
        item = by_ref.get(lost["id"])
        assert item is None or item.place_id is None or item.place_id not in places_after, lost
