"""Day types against the State Council's holiday notices (国务院办公厅关于部分节假日安排的通知)."""
from __future__ import annotations

import datetime as dt

import pytest

from planner.simulation.daytypes import DAY_TYPES, day_type


def _days(first: str, last: str) -> list[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@pytest.mark.parametrize("first, last", [
    ("2024-02-10", "2024-02-17"),  # Spring Festival 2024: 10-17 February off, 8 days
    ("2024-10-01", "2024-10-07"),  # National Day 2024: 1-7 October, 7 days (Saturday 5 and Sunday 6 among them)
    ("2025-01-28", "2025-02-04"),  # Spring Festival 2025: 28 January - 4 February, 8 days
    ("2025-04-04", "2025-04-06"),  # Qingming 2025: Friday 4 - Sunday 6 April, 3 days
    ("2025-10-01", "2025-10-08"),  # National Day and Mid-Autumn 2025: 1-8 October, 8 days
])
def test_every_day_of_a_published_break_is_a_holiday(first, last):
    assert {day_type(d) for d in _days(first, last)} == {"holiday"}


@pytest.mark.parametrize("day", ["2024-02-04", "2024-02-18", "2024-09-29", "2024-10-12", "2025-09-28",
                                 "2025-10-11", "2025-01-26", "2025-02-08"])
def test_a_make_up_working_day_at_a_weekend_is_a_weekday(day):
    assert dt.date.fromisoformat(day).weekday() >= 5
    assert day_type(dt.date.fromisoformat(day)) == "weekday"


def test_ordinary_days():
    assert day_type(dt.date(2025, 3, 15)) == "weekend"  # a Saturday of no break
    assert day_type(dt.date(2025, 3, 16)) == "weekend"
    assert day_type(dt.date(2025, 3, 17)) == "weekday"
    assert day_type(dt.date(2025, 10, 9)) == "weekday"  # the Thursday after the October break


def test_a_year_of_day_types():
    year = _days("2025-01-01", "2025-12-31")
    counts = {kind: sum(day_type(d) == kind for d in year) for kind in DAY_TYPES}
    # 2025 notice: 28 days off in breaks (New Year 1, Spring 8, Qingming 3, May Day 5, Dragon Boat 3,
    # National Day + Mid-Autumn 8); 5 make-up Saturdays/Sundays
    assert counts == {"weekday": 248, "weekend": 89, "holiday": 28}


# ---------------------------------------------------------------- routing runs the date's day type


def _shuttle_departure(planner, day: dt.date, depart_s: int) -> str | None:
    """When the fastest journey between the two shuttle stops boards the shuttle ("HH:MM"), None if it does not."""
    from planner.routing.journeys import Options

    origin, dest = planner.resolve("shuttle:shuttle-dj"), planner.resolve("shuttle:shuttle-panda-south")
    journey = planner.journeys(origin, dest, day, depart_s, Options(with_shuttle=True))[0]
    return next((leg.dep.strftime("%H:%M") for leg in journey.legs if leg.mode == "shuttle"), None)


def test_the_journey_planner_runs_the_shuttle_of_the_dates_day_type(model, scenario):
    from planner.routing.journeys import JourneyPlanner
    from planner.simulation.scenario import scenario_from_record, scenario_to_record

    record = scenario_to_record(scenario)
    record["service"]["holiday"]["outbound"] = {"periods": [], "departures_s": [10 * 3600 + 5 * 60]}
    planner = JourneyPlanner.for_model(model)
    planner.shuttle = scenario_from_record(record).to_shuttle()
    weekday, holiday = dt.date(2025, 10, 9), dt.date(2025, 10, 3)
    assert (day_type(weekday), day_type(holiday)) == ("weekday", "holiday")
    assert _shuttle_departure(planner, weekday, 7 * 3600) == "07:00"
    # no holiday bus before 10:05: transit (arriving ~08:10) beats waiting for it
    assert _shuttle_departure(planner, holiday, 7 * 3600) is None
    assert _shuttle_departure(planner, holiday, 10 * 3600) == "10:05"  # arrives ~10:34, transit ~10:57
    # another shuttle on the same planner: the timetable kept for that date is not served again
    record["service"]["holiday"]["outbound"] = {"periods": [], "departures_s": [10 * 3600 + 15 * 60]}
    planner.shuttle = scenario_from_record(record).to_shuttle()
    assert _shuttle_departure(planner, holiday, 10 * 3600) == "10:15"
    assert _shuttle_departure(planner, weekday, 7 * 3600) == "07:00"
