"""The shuttle comparison: figures consistent across core, CLI, JSON, CSV and page."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from planner.main import main
from planner.routing.compare import compare, summarise
from planner.routing.journeys import JourneyPlanner, Options, at

DAY = dt.date(2024, 2, 12)


@pytest.fixture(scope="module")
def planner(model):
    return JourneyPlanner.for_model(model)


@pytest.fixture(scope="module")
def comparison(planner):
    return compare(planner, planner.resolve("dongjiao-memory"), planner.resolve("panda-south-gate"), DAY)


def test_every_minute_of_the_window_in_each_series(comparison):
    assert len(comparison.directions) == 2
    for direction in comparison.directions:
        for name in ("transit", "shuttle", "taxi"):
            minutes = direction.series[name]
            assert [m.depart_s for m in minutes] == list(range(6 * 3600, 23 * 3600 + 1, 60))


def test_minutes_add_up(comparison):
    for direction in comparison.directions:
        for name in ("transit", "shuttle"):
            for m in direction.series[name]:
                if m.door_s is not None:
                    assert m.door_s == m.origin_wait_s + m.transfer_wait_s + m.ride_s + m.walk_s
                    assert min(m.origin_wait_s, m.transfer_wait_s, m.ride_s, m.walk_s) >= 0


def test_shuttle_never_slower_and_sometimes_faster(comparison):
    for direction in comparison.directions:
        transit, shuttle = direction.series["transit"], direction.series["shuttle"]
        for t, s in zip(transit, shuttle):
            if t.door_s is not None:
                assert s.door_s is not None and s.door_s <= t.door_s
        gain = direction.shuttle_vs_transit
        assert 0 < gain["share_of_minutes_faster"] < 1
        assert gain["worst_saving_s"] >= 0 and gain["best_saving_s"] > gain["mean_saving_s"] > 0


def test_minute_series_match_single_queries(planner, comparison):
    """The profile's minute at 08:10 is what a single query leaving at 08:10 finds."""
    direction = comparison.directions[0]
    for name, options in (("transit", Options()), ("shuttle", Options(with_shuttle=True))):
        for clock_s in (7 * 3600, 8 * 3600 + 600, 13 * 3600 + 1380, 17 * 3600 + 2940):
            minute = direction.series[name][(clock_s - 6 * 3600) // 60]
            fastest = planner.journeys(direction.origin, direction.dest, DAY, clock_s, options)[0]
            assert minute.door_s == (fastest.arr - at(DAY, clock_s)).total_seconds()


def test_random_arrival_waits_come_from_real_gaps(comparison):
    """Waiting at the origin falls minute by minute to zero at each departure, never by a fixed half-headway."""
    minutes = [m for m in comparison.directions[0].series["transit"] if m.door_s is not None]
    waits = [m.origin_wait_s for m in minutes]
    assert min(waits) < 60  # some minute is within a minute of a departure
    assert any(later == earlier - 60 for earlier, later in zip(waits, waits[1:]))
    summary = summarise(comparison.directions[0].series["transit"])
    assert summary.mean_wait_random_s == pytest.approx(
        sum(m.origin_wait_s + m.transfer_wait_s for m in minutes) / len(minutes))


def test_cli_json_equals_api_json(runner, client, comparison):
    result = runner.invoke(main, ["compare", "--date", "2024-02-12", "--json"])
    assert result.exit_code == 0, result.output
    from_cli = json.loads(result.output)
    from_api = client.get("/api/compare?date=2024-02-12").get_json()
    assert from_cli == from_api
    assert from_cli["directions"][0]["summaries"]["transit"]["median_s"] == comparison.directions[0].summaries["transit"].median_s


def test_csv_download_has_every_minute(client):
    response = client.get("/api/compare?date=2024-02-12&format=csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2 * (17 * 60 + 1)
    first = rows[0]
    assert first["depart"] == "06:00" and first["from"] == "dongjiao-memory"


def test_page_shows_the_same_figures(client, comparison):
    page = client.get("/compare?date=2024-02-12&lang=en").get_data(as_text=True)
    direction = comparison.directions[0]
    share = round(direction.shuttle_vs_transit["share_of_minutes_faster"] * 100)
    assert f"{share:.0f}%" in page
    median = direction.summaries["transit"].median_s / 60
    assert f"{median:.1f}" in page
    assert page.count('<svg class="chart"') == 2
    assert len(re.findall(r'class="series series-shuttle"', page)) >= 2


def test_cli_table(runner):
    result = runner.invoke(main, ["compare", "--date", "2024-02-12", "--one-way", "--start", "08:00", "--end", "10:00"])
    assert result.exit_code == 0, result.output
    assert "shuttle faster on" in result.output and "median" in result.output


@pytest.mark.parametrize("as_json", [False, True])
def test_cli_refuses_a_window_that_ends_before_it_starts(runner, as_json):
    # it used to print a traceback: no minute to compare, so no share of minutes (None * 100)
    args = ["compare", "--date", "2024-02-12", "--one-way", "--start", "10:00", "--end", "09:59"]
    result = runner.invoke(main, args + ["--json"] * as_json)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "end: must be after the start time" in result.output
    same_minute = runner.invoke(main, ["compare", "--date", "2024-02-12", "--one-way", "--start", "10:00", "--end", "10:00"])
    assert same_minute.exit_code == 0 and "shuttle faster on" in same_minute.output, same_minute.output


def test_compare_bad_input_is_400_with_field(client):
    assert client.get("/api/compare?date=2024-02-12&end=05:00").get_json()["error"]["field"] == "end"
    assert client.get("/api/compare?date=someday").get_json()["error"]["field"] == "date"
    assert client.get("/api/compare?date=2024-02-12&from=atlantis").get_json()["error"]["field"] == "from"
