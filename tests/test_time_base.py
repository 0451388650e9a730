"""Times as GTFS defines them, as a rider reads them: a GTFS time of a service day is true seconds after
"noon minus 12h" in the feed's ``agency_timezone`` (:func:`planner.routing.journeys.at`), so on the days
clocks change the wall clock shown and the durations are right, and times past 24:00:00 are on the
next calendar day.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from planner.routing.journeys import Journey, Leg, at
from planner.routing.timetable import day_shift_s, service_day_start

LA, OSLO = ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/Oslo")


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def test_times_on_the_day_clocks_go_forward():
    """Los Angeles, Sunday 2008-03-09: 02:00 PST becomes 03:00 PDT. The service day starts at noon minus
    12 h, 23:00 PST the evening before, so 01:00:00 is midnight and 03:00:00 is 03:00 PDT, two real
    hours later, not three wall-clock ones."""
    day = dt.date(2008, 3, 9)
    assert service_day_start(day, LA) == dt.datetime(2008, 3, 9, 7, tzinfo=dt.timezone.utc)
    one, three = at(day, hm("01:00"), LA), at(day, hm("03:00"), LA)
    assert (one.isoformat(), three.isoformat()) == ("2008-03-09T00:00:00-08:00", "2008-03-09T03:00:00-07:00")
    leg = Leg("bus", "A", "A", "B", "B", one, three, 1000)
    assert leg.duration_s == 7200 and Journey([leg]).duration_s == 7200
    assert day_shift_s(day - dt.timedelta(days=1), day, LA) == 23 * 3600


def test_times_on_the_day_clocks_go_back():
    """Oslo, Sunday 2024-10-27: 03:00 CEST becomes 02:00 CET. The day starts at 01:00 CEST (noon CET
    minus 12 h); 02:00:00 is the second 02:00 on the wall, in CET; the day before lasted 25 hours."""
    day = dt.date(2024, 10, 27)
    assert at(day, 0, OSLO).isoformat() == "2024-10-27T01:00:00+02:00"
    two, four = at(day, hm("02:00"), OSLO), at(day, hm("04:00"), OSLO)
    assert (two.isoformat(), four.isoformat()) == ("2024-10-27T02:00:00+01:00", "2024-10-27T04:00:00+01:00")
    assert Leg("bus", "A", "A", "B", "B", two, four, 1000).duration_s == 7200
    assert day_shift_s(day - dt.timedelta(days=1), day, OSLO) == 25 * 3600


def test_times_past_midnight_are_on_the_next_calendar_day():
    assert at(dt.date(2008, 3, 8), hm("25:10"), LA).isoformat() == "2008-03-09T01:10:00-08:00"
    assert at(dt.date(2024, 2, 17), hm("24:30"), ZoneInfo("Asia/Shanghai")).isoformat() == "2024-02-18T00:30:00+08:00"


def test_a_route_on_the_day_clocks_go_forward(runner, tmp_path):
    """``planner route`` on a Los Angeles feed: the owl bus of 01:00:00 to 03:00:00 on 2008-03-09 leaves at
    midnight PST and arrives at 03:00 PDT, two hours later; the JSON's arrival_s counts the same true seconds."""
    import json

    from planner.main import main

    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nL,LA,https://example.org,America/Los_Angeles\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nA,Alpha,34.05,-118.25\nB,Beta,34.10,-118.30\n",
        "routes.txt": "route_id,route_short_name,route_long_name,route_type\nN,Owl,,3\n",
        "trips.txt": "route_id,service_id,trip_id\nN,ALL,owl1\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                          "owl1,01:00:00,01:00:00,A,1\nowl1,03:00:00,03:00:00,B,2\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                        "ALL,1,1,1,1,1,1,1,20080101,20081231\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["route", "--gtfs", str(tmp_path), "--from", "A", "--to", "B",
                                  "--date", "2008-03-09", "--depart", "00:30:00", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    journey = answer["journeys"][0]
    assert (journey["departure"], journey["arrival"]) == ("2008-03-09T00:00:00-08:00", "2008-03-09T03:00:00-07:00")
    assert journey["duration_s"] == 7200 and (answer["arrival"], answer["arrival_s"]) == ("03:00:00", 10800)
