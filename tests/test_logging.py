"""Logging: request ids on answers and log lines, one line per request, feed warnings in the log and the CLI."""
from __future__ import annotations

import logging
import re

import pytest

from planner.composition import Settings, configure_logging
from planner.composition.logs import RequestIdFilter
from planner.main import main

BAD_STOP = "bad-stop,Bad,nowhere,north,104.0\n"  # a latitude that is no number: the row is skipped


@pytest.fixture
def broken_feed(data_dir):
    """A copy of the data whose GTFS stops.txt has a row the reader skips, with a warning."""
    with (data_dir / "gtfs" / "stops.txt").open("a", encoding="utf-8") as stops:
        stops.write(BAD_STOP)
    return data_dir


def test_every_answer_carries_a_request_id(client):
    made = client.get("/api/places").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", made)
    assert client.get("/api/places").headers["X-Request-ID"] != made
    assert client.get("/api/places", headers={"X-Request-ID": "edge-42.a_b"}).headers["X-Request-ID"] == "edge-42.a_b"
    for unsafe in ("two words", "x" * 65, "id;Set-Cookie=a", "-leading-dash"):
        answered = client.get("/api/places", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{16}", answered), unsafe
    assert client.get("/no/such/page", headers={"X-Request-ID": "lost-1"}).headers["X-Request-ID"] == "lost-1"


def test_one_line_per_request_with_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="planner"):
        client.get("/api/events?date=2024-02-12", headers={"X-Request-ID": "req-1"})
    lines = [r for r in caplog.records if r.name == "planner.web.request_log"]
    assert len(lines) == 1 and lines[0].request_id == "req-1"
    assert re.fullmatch(r"GET /api/events 200 \d+\.\d ms", lines[0].getMessage())


def test_the_configured_handler_writes_the_id_on_every_line(client, capsys, root_logging):
    configure_logging(Settings.from_overrides({"log_level": "INFO"}))
    client.get("/api/places", headers={"X-Request-ID": "req-2"})
    logging.getLogger("planner.test").info("outside any request")
    lines = capsys.readouterr().err.splitlines()
    assert any("[req-2]" in line and "GET /api/places 200" in line for line in lines), lines
    assert any(line.endswith("[-] outside any request") for line in lines), lines


def test_json_lines_when_asked(client, capsys, root_logging):
    import json

    configure_logging(Settings.from_overrides({"log_level": "INFO", "log_format": "json"}))
    client.get("/api/places", headers={"X-Request-ID": "req-3"})
    entries = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert {"request_id": "req-3", "logger": "planner.web.request_log", "level": "INFO"}.items() <= entries[-1].items()


def test_an_unhandled_exception_is_logged_with_the_request_id(app, client, caplog, monkeypatch):
    def boom():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer 500, as in production
    monkeypatch.setitem(app.view_functions, "api.places", boom)
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        response = client.get("/api/places", headers={"X-Request-ID": "crash-1"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "crash-1"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[0].exc_info[0] is RuntimeError and errors[0].request_id == "crash-1"
    assert any(r.getMessage().startswith("GET /api/places 500") and r.request_id == "crash-1" for r in caplog.records)


def test_feed_warnings_are_logged_when_the_app_starts(broken_feed, tmp_path, caplog):
    """A feed given apart (PLANNER_GTFS_PATH) is read as any real feed: its faults are warnings, logged."""
    from planner.web import create_app

    feed = broken_feed / "gtfs"
    with caplog.at_level(logging.WARNING):
        app = create_app({"TESTING": True, "TILE_URL": "", "GTFS_PATH": str(feed),
                          "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    app.extensions["planner"].close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("stops.txt:") and "row skipped" in w and str(feed) in w for w in warnings)


def test_the_app_refuses_to_start_on_a_data_folder_whose_own_feed_fails(broken_feed, tmp_path):
    """Issue 14: the data folder's own feed is held to check-data's rules; a fault is named, file and line."""
    from planner.domain.errors import DataError
    from planner.web import create_app

    with pytest.raises(DataError, match=r"gtfs/stops\.txt:\d+ stops\[bad-stop\]\.stop_lat"):
        create_app({"TESTING": True, "TILE_URL": "", "DATA_DIR": str(broken_feed),
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})


@pytest.mark.parametrize("command", [
    ["check-data"],
    ["route", "--from", "dongjiao-memory", "--to", "panda-south-gate", "--date", "2031-01-01", "--depart", "08:00:00"],
    ["compare", "--date", "2031-01-01", "--start", "08:00", "--end", "08:02", "--one-way"],
])
def test_the_cli_prints_feed_warnings_on_stderr(command, broken_feed, runner, monkeypatch, root_logging):
    monkeypatch.setenv("PLANNER_DATA_DIR", str(broken_feed))
    result = runner.invoke(main, command)
    assert re.search(r"^warning: stops\.txt:\d+: row skipped", result.stderr, re.MULTILINE), result.output
    assert "warning:" not in result.stdout
    if command[0] == "route":  # no service on that date: the query fails, the warning was still printed
        assert result.exit_code == 1
