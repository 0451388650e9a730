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
    whole_day = runner.invoke(main, ["compare", "--date", "2024-02-12", "--whole-day", "--json"])
    assert whole_day.exit_code == 0, whole_day.output
    from_cli = json.loads(whole_day.output)
    assert from_cli == client.get("/api/compare?date=2024-02-12&start=06:00&end=23:00").get_json()
    assert from_cli["directions"][0]["summaries"]["transit"]["median_s"] == comparison.directions[0].summaries["transit"].median_s


def test_csv_download_has_every_minute(client):
    response = client.get("/api/compare?date=2024-02-12&format=csv&start=06:00&end=23:00")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2 * (17 * 60 + 1)
    first = rows[0]
    assert first["depart"] == "06:00" and first["from"] == "dongjiao-memory"


def test_default_window_is_the_shuttles_service_hours(client, planner):
    """Without start and end: the shuttle's first to last departure, either direction, that day."""
    from planner.domain.daytypes import day_type

    kind = day_type(DAY)
    departures = planner.shuttle.departures_s("outbound", kind) + planner.shuttle.departures_s("inbound", kind)
    first, last = min(departures), max(departures)
    answer = client.get("/api/compare?date=2024-02-12").get_json()
    assert answer["window"] == [f"{first // 3600:02d}:{first % 3600 // 60:02d}", f"{last // 3600:02d}:{last % 3600 // 60:02d}"]
    assert answer["window"] != ["06:00", "23:00"]
    assert answer["directions"][0]["minutes"][0]["depart"] == answer["window"][0]
    # one end asked: the other is the whole day's
    assert client.get("/api/compare?date=2024-02-12&start=20:00").get_json()["window"] == ["20:00", "23:00"]
    assert client.get("/api/compare?date=2024-02-12&start=23:30").get_json()["window"] == ["23:30", "23:30"]
    assert client.get("/api/compare?date=2024-02-12&end=05:00").get_json()["window"] == ["05:00", "05:00"]
    page = client.get("/compare?date=2024-02-12&lang=en").get_data(as_text=True)
    whole = re.search(r'<a class="window-whole_day" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "start=06:00" in whole and "end=23:00" in whole
    assert re.search(r'class="window-service" href="[^"]+" aria-current="true">The shuttle(&#39;|\')s service hours', page)
    whole_page = client.get(whole).get_data(as_text=True)
    assert "Departure minutes compared: 06:00–23:00" in whole_page


def test_default_window_follows_the_selected_scenario(tmp_path):
    """Services follows the selection: a scenario with buses at 10:05 and 12:10 only is the default window."""
    import copy

    from planner.simulation.scenario import PROPOSAL_ID, scenario_to_record
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'planner.db'}",
                      "IMPORT_DIR": str(tmp_path / "imports")})
    try:
        client, store = app.test_client(), app.extensions["planner"].scenarios
        record = copy.deepcopy(scenario_to_record(store.get(PROPOSAL_ID).scenario))
        record.update(id="two-buses", name_en="Two buses", name_zh="两班车")
        for day in record["service"]:
            record["service"][day] = {"outbound": {"periods": [], "departures_s": [10 * 3600 + 300]},
                                      "inbound": {"periods": [], "departures_s": [12 * 3600 + 600]}}
        store.create(record, "pat")
        store.select("two-buses", "pat")
        assert client.get("/api/compare?date=2024-02-12").get_json()["window"] == ["10:05", "12:10"]
        page = client.get("/compare?date=2024-02-12&lang=en").get_data(as_text=True)
        assert re.search(r"The shuttle(&#39;|')s service hours \(10:05–12:10\)", page)
        store.select(PROPOSAL_ID, "pat")
        assert client.get("/api/compare?date=2024-02-12").get_json()["window"] != ["10:05", "12:10"]
    finally:
        app.extensions["planner"].close()


def _headline_figures_from_csv(rows):
    """What a planner does with the CSV: keep the minutes with both journeys, count, average."""
    both = [(int(r["transit_door_s"]), int(r["shuttle_door_s"])) for r in rows
            if r["transit_door_s"] and r["shuttle_door_s"]]
    savings = [t - s for t, s in both]
    faster = sum(1 for x in savings if x > 0)
    return {"minutes_compared": len(both), "minutes_faster": faster,
            "share": round(100 * faster / len(both)), "mean_min": f"{sum(savings) / len(savings) / 60:.1f}",
            "worst_min": f"{min(savings) / 60:.1f}", "best_min": f"{max(savings) / 60:.1f}",
            "not_compared": len(rows) - len(both),
            "only_shuttle": sum(1 for r in rows if not r["transit_door_s"] and r["shuttle_door_s"])}


@pytest.mark.parametrize("window", ["", "&start=06:00&end=23:00"])
def test_headline_reproduced_from_the_csv(client, window):
    """Each headline figure of the page, recomputed from the CSV download, is the same number."""
    page = client.get(f"/compare?date=2024-02-12&lang=en{window}").get_data(as_text=True)
    text = re.sub(r"\s+", " ", page)
    csv_rows = list(csv.DictReader(io.StringIO(
        client.get(f"/api/compare?date=2024-02-12&format=csv{window}").get_data(as_text=True))))
    for index, (origin, dest) in enumerate((("dongjiao-memory", "panda-south-gate"),
                                             ("panda-south-gate", "dongjiao-memory")), start=1):
        rows = [r for r in csv_rows if r["from"] == origin and r["to"] == dest]
        f = _headline_figures_from_csv(rows)
        headline = re.search(rf'<div class="headline" id="headline-{index}">(.*?)</div>', text).group(1)
        assert (f"The shuttle is faster at {f['minutes_faster']} of the {f['minutes_compared']} minutes with a "
                f"journey ({f['share']}%).") in headline
        assert (f"Over the same {f['minutes_compared']} minutes it saves {f['mean_min']} min on average, "
                f"{f['worst_min']} at worst and {f['best_min']} at best.") in headline
        if f["not_compared"]:
            assert (f"Not compared: {f['not_compared']} minutes without a journey that day "
                    f"(the shuttle alone goes at {f['only_shuttle']} of them).") in headline
        else:
            assert "Not compared" not in headline
    if window:  # the whole day has evening minutes after the feeders stop: they are counted apart
        assert "Not compared:" in text


def test_share_and_means_share_one_denominator(comparison):
    for direction in comparison.directions:
        g = direction.shuttle_vs_transit
        pairs = [(t.door_s, s.door_s) for t, s in zip(direction.series["transit"], direction.series["shuttle"])
                 if t.door_s is not None and s.door_s is not None]
        assert g["minutes_compared"] == len(pairs) == direction.summaries["transit"].minutes_with_journey
        assert g["share_of_minutes_faster"] == g["minutes_faster"] / g["minutes_compared"]
        assert g["mean_saving_s"] == pytest.approx(sum(t - s for t, s in pairs) / len(pairs))
        assert g["minutes_compared"] + g["minutes_only_shuttle"] + g["minutes_without_journey"] == g["minutes_in_window"]
    # the evening after the feeders stop waits for the next morning: no journey that day, not compared
    assert comparison.directions[0].shuttle_vs_transit["minutes_without_journey"] > 60


def _table_rows(page, index):
    section = page[page.index(f'id="direction-{index}"'):]
    table = section[section.index('<table class="minute-table">'):]
    table = table[table.index("<tbody>"):table.index("</tbody>")]
    return [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


@pytest.mark.parametrize("query", ["date=2024-02-12", "date=2024-02-12&start=06:00&end=23:00",
                                   "date=2024-02-17&from=panda-south-gate&to=dj-south-gate"])
def test_minute_table_rows_match_the_json(client, query):
    """Every row of the minute-by-minute table is that minute of /api/compare, series by series."""
    answer = client.get(f"/api/compare?{query}").get_json()
    page = client.get(f"/compare?{query}&lang=en").get_data(as_text=True)
    for index, direction in enumerate(answer["directions"], start=1):
        rows = _table_rows(page, index)
        shown = direction["minutes"][::10]
        assert len(rows) == len(shown) > 5
        for row, minute in zip(rows, shown):
            expected = [minute["depart"]] + [
                "–" if minute[f"{name}_door_s"] is None else f"{minute[f'{name}_door_s'] / 60:.1f}"
                for name in ("transit", "shuttle", "taxi")]
            assert row == expected
        # the old template repeated one minute's values: the rows must differ somewhere
        assert len({tuple(r[1:]) for r in rows}) > 1


def test_every_series_is_marked_as_an_estimate(client):
    """Transit (modelled timetable), the shuttle (a proposal) and the taxi (assumed speeds and tariff)."""
    for lang, word in (("en", "estimate"), ("zh", "估算")):
        page = client.get(f"/compare?date=2024-02-12&lang={lang}").get_data(as_text=True)
        for name in ("transit", "shuttle", "taxi"):
            row = page[page.index(f'<tr class="summary-{name}">'):]
            assert '<details class="estimate">' in row[:row.index("</td>")] and word in row[:row.index("</td>")]
        headline = page[page.index('id="headline-1"'):]
        assert '<details class="estimate">' in headline[:headline.index("</div>")]


def test_page_shows_the_same_figures(client, comparison):
    page = client.get("/compare?date=2024-02-12&lang=en&start=06:00&end=23:00").get_data(as_text=True)
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
    assert "shuttle faster on" in result.output and "minutes with a journey" in result.output
    assert "median" in result.output and "08:00-10:00" in result.output


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
    assert client.get("/api/compare?date=2024-02-12&start=10:00&end=05:00").get_json()["error"]["field"] == "end"
    assert client.get("/api/compare?date=someday").get_json()["error"]["field"] == "date"
    assert client.get("/api/compare?date=2024-02-12&from=atlantis").get_json()["error"]["field"] == "from"
