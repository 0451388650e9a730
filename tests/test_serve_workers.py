"""``planner serve --workers 2``: two gunicorn processes on one database, seen from outside.

Each test starts the real command on a free loopback port over a fresh database (SQLite and
PostgreSQL: the ``db_url`` fixture) and Redis (the rate limits' shared counters), talks to it over
HTTP like a browser, and stops it. A process is told apart by ``/healthz``'s ``pid``: a keep-alive
connection stays with the process that accepted it, so a ``requests.Session`` asks that process.
"""
from __future__ import annotations

import copy
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from planner.store import open_database

PASSWORD = "correct horse battery"
DAY = "2024-05-01"
#: a journey from Dongjiao Memory's south gate at 06:00: the proposal's first shuttle leaves at 07:00
EARLY = f"/api/journeys?from=dj-south-gate&to=panda-south-gate&date={DAY}&depart=06:00&shuttle=1&lang=en"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``planner serve --workers N`` in a child process; its log in ``folder/server.log``."""

    def __init__(self, folder: Path, database_url: str, workers: int, **env: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "server.log"
        environment = {**os.environ, "PLANNER_DATABASE_URL": database_url, "PLANNER_INSTANCE_DIR": str(folder),
                       "PLANNER_TILE_URL": "", "PLANNER_IMPORT_WORKERS": "1", "PLANNER_JOB_WORKERS": "1", **env}
        environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from planner.main import main; main()", "serve", "--port", str(self.port),
             "--workers", str(workers), "--threads", "4"],
            env=environment, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited:\n{self.log_path.read_text()}"
            try:
                if requests.get(f"{self.base}/readyz", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        pytest.fail(f"not ready within {timeout_s} s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers gracefully
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def two_processes(db_url, redis_url, tmp_path, model):
    """(server, database) for `planner serve --workers 2`; accounts ``ada`` (admin)."""
    server = Server(tmp_path, db_url, 2, REDIS_URL=redis_url, PLANNER_RATE_LIMIT_COMPARE="3/minute")
    try:
        server.wait_ready()
        database = open_database(db_url, model.places, migrate=False)
        database.users.create("ada", PASSWORD, "admin")
        yield server, database
        database.close()
    finally:
        server.stop()


def sessions_on_each_process(server: Server, count: int = 2, tries: int = 60) -> dict[int, requests.Session]:
    """One keep-alive session per server process, keyed by the process's id."""
    found: dict[int, requests.Session] = {}
    spare = []
    for _ in range(tries):
        session = requests.Session()
        pid = session.get(f"{server.base}/healthz", timeout=10).json()["pid"]
        if pid in found:
            spare.append(session)  # kept open: its connection keeps that process's threads from the next accept
        else:
            found[pid] = session
        if len(found) == count:
            break
    for session in spare:
        session.close()
    assert len(found) == count, f"only processes {sorted(found)} answered {tries} new connections"
    return found


def on_process(session: requests.Session, base: str, path: str) -> tuple[int, requests.Response]:
    """(pid, answer) of ``path`` asked on the session's connection; the pid asked before and after agree."""
    before = session.get(f"{base}/healthz", timeout=10).json()["pid"]
    answer = session.get(f"{base}{path}", timeout=60)
    after = session.get(f"{base}/healthz", timeout=10).json()["pid"]
    assert before == after, "the connection moved to another process"
    return before, answer


def login(server: Server) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{server.base}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = browser.post(f"{server.base}/login", data={"name": "ada", "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:500]
    return browser


def csrf_of(browser: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', browser.get(url, timeout=30).text).group(1)


def first_shuttle(answer: requests.Response) -> str:
    """The first shuttle leg's departure (HH:MM) of a journeys answer, '' when none."""
    times = [leg["departure"][11:16] for journey in answer.json()["journeys"] for leg in journey["legs"]
             if leg["mode"] == "shuttle"]
    return min(times, default="")


def seen_everywhere(readers: dict[int, requests.Session], base: str, path: str, shows, timeout_s: float = 5) -> float:
    """Seconds until every process answers ``path`` with what ``shows`` accepts (asked in turn)."""
    started = time.monotonic()
    pending = set(readers)
    while pending and time.monotonic() - started < timeout_s:
        for pid in sorted(pending):
            answered_by, answer = on_process(readers[pid], base, path)
            assert answer.status_code == 200, answer.text[:300]
            if shows(answer):
                pending.discard(answered_by)
    assert not pending, f"processes {sorted(pending)} still answer as before after {timeout_s} s"
    return time.monotonic() - started


def test_a_change_made_through_one_process_is_seen_by_every_process_within_a_second(two_processes):
    server, database = two_processes
    readers = sessions_on_each_process(server)
    event = database.events.get("panda-morning-active")
    calendar_path = f"/events/{event.id}.ics"
    for pid, session in readers.items():  # each process has answered (and cached) the old state
        assert on_process(session, server.base, f"/api/events?date={DAY}")[1].json()["events"][0]["status"] \
            == "scheduled"
        assert b"STATUS:CANCELLED" not in on_process(session, server.base, calendar_path)[1].content
        assert first_shuttle(on_process(session, server.base, EARLY)[1]) >= "07:00"

    # a calendar change through one process
    staff = login(server)
    a_login_holds_on_every_process(server, staff)
    version = database.events.get(event.id).version
    token = csrf_of(staff, f"{server.base}/staff/events/{event.id}")
    answer = staff.post(f"{server.base}/staff/events/{event.id}/cancel", data={"version": version, "csrf_token": token},
                        allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 303), answer.text[:500]
    elapsed_events = seen_everywhere(
        readers, server.base, f"/api/events?date={DAY}",
        lambda a: {e["id"]: e["status"] for e in a.json()["events"]}.get(event.id) == "cancelled")
    elapsed_feed = seen_everywhere(readers, server.base, calendar_path, lambda a: b"STATUS:CANCELLED" in a.content)

    # a scenario selected through one process: an early shuttle at 06:00 (made in the database beside)
    proposal = database.scenarios.selected_stored().id
    record = copy.deepcopy(database.scenarios.selected_stored().record)
    record.update(id="early-bird", name_en="Early bird", name_zh="早班")
    for day_type in record["service"].values():
        day_type["outbound"]["periods"][0]["first_s"] = 6 * 3600
    database.scenarios.create(record, "ada")
    token = csrf_of(staff, f"{server.base}/scenarios/early-bird")
    answer = staff.post(f"{server.base}/scenarios/early-bird/select", data={"csrf_token": token},
                        allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 303), answer.text[:500]
    elapsed_scenario = seen_everywhere(readers, server.base, EARLY, lambda a: "" < first_shuttle(a) < "07:00",
                                       timeout_s=30)  # the first answer builds that shuttle's timetable
    print(f"seen by both processes after: event {elapsed_events:.3f} s, feed {elapsed_feed:.3f} s, "
          f"scenario {elapsed_scenario:.3f} s")
    assert elapsed_events < 1 and elapsed_feed < 1
    assert elapsed_scenario < 5  # read at once; the new shuttle's timetable is then built in each process
    # the new shuttle's timetable is built at its first request (about a second); the selection itself is
    # read by the first request after it: time one more change of selection, back, once both are built
    token = csrf_of(staff, f"{server.base}/scenarios/{proposal}")
    answer = staff.post(f"{server.base}/scenarios/{proposal}/select", data={"csrf_token": token},
                        allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 303)
    elapsed_back = seen_everywhere(readers, server.base, EARLY, lambda a: first_shuttle(a) >= "07:00")
    print(f"back to the proposal, seen by both after {elapsed_back:.3f} s")
    assert elapsed_back < 1


def test_rate_limits_and_metrics_are_counted_across_processes(two_processes):
    server, _ = two_processes
    readers = sessions_on_each_process(server)
    metrics_sum_every_process(server, readers)
    pids = sorted(readers)
    statuses = []
    # a comparison asked with a bad date: refused 400 after the limit counted it (3 a minute)
    path = "/api/compare?from=dongjiao-memory&to=panda-south-gate&date=2024-13-01&lang=en"
    for i in range(5):
        _, answer = on_process(readers[pids[i % 2]], server.base, path)
        statuses.append(answer.status_code)
    assert statuses == [400, 400, 400, 429, 429], statuses  # both processes count on one Redis
    assert int(answer.headers["Retry-After"]) >= 1
    error = answer.json()["error"]
    assert error["code"] == "rate_limited" and error["limit"] == "rate_limit_compare"
    assert error["limit_value"] == "3 per 1 minute"
    assert error["retry_after_s"] == int(answer.headers["Retry-After"])
    # the page of a comparison shares the counter, answered as a page
    _, page = on_process(readers[pids[0]], server.base, path.replace("/api/compare", "/compare"))
    assert page.status_code == 429 and page.headers["Content-Type"].startswith("text/html")
    # what is not limited still answers
    assert on_process(readers[pids[1]], server.base, "/compare")[1].status_code == 200


def metrics_sum_every_process(server: Server, readers: dict[int, requests.Session]) -> None:
    for session in readers.values():
        for _ in range(3):
            on_process(session, server.base, "/api/places")
    text = requests.get(f"{server.base}/metrics", timeout=10).text
    total = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                if line.startswith('planner_http_requests_total{endpoint="api.places",method="GET",status="200"}'))
    assert total == 6, text  # three through each process, whichever process is scraped
    for pid in readers:  # each process's caches, by pid
        assert f'planner_cache_entries{{cache="timetables",pid="{pid}"}}' in text


def a_login_holds_on_every_process(server: Server, staff: requests.Session) -> None:
    readers = sessions_on_each_process(server)
    for pid, session in readers.items():
        session.cookies.update(staff.cookies)  # one key signs sessions for every process
        answered_by, answer = on_process(session, server.base, "/staff/")
        assert (answered_by, answer.status_code) == (pid, 200), answer.text[:300]
    assert (Path(server.log_path).parent / "secret_key").is_file()


def _key_of(folder: str) -> str:
    from planner.main import instance_secret

    return instance_secret(Path(folder))


def test_the_session_key_is_made_once_when_processes_start_together(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    for attempt in range(5):
        folder = tmp_path / f"instance{attempt}"
        with ProcessPoolExecutor(8) as pool:
            keys = set(pool.map(_key_of, [str(folder)] * 32))
        assert len(keys) == 1 and len(keys.pop()) == 64
        assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no drafts left behind


def test_a_worker_that_dies_is_replaced_and_the_metrics_stay(db_url, tmp_path):
    server = Server(tmp_path, db_url, 2)
    try:
        server.wait_ready()
        readers = sessions_on_each_process(server)
        for session in readers.values():
            on_process(session, server.base, "/api/places")
        metrics_dir = re.search(r"every process's figures in (\S+)", server.log_path.read_text()).group(1)
        victim = sorted(readers)[0]
        os.kill(victim, signal.SIGTERM)  # the worker leaves gracefully; the master starts another
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pids = {requests.get(f"{server.base}/healthz", headers={"Connection": "close"}, timeout=10).json()["pid"]
                    for _ in range(20)}
            if victim not in pids and len(pids) == 2:
                break
            time.sleep(0.2)
        assert victim not in pids and len(pids) == 2, pids
        assert Path(metrics_dir).is_dir()  # the leaving worker removed nobody's figures
        text = requests.get(f"{server.base}/metrics", timeout=10).text
        assert 'planner_http_requests_total{endpoint="api.places",method="GET",status="200"} 2.0' in text
        assert f'pid="{victim}"' not in text  # its cache gauges went with it (marked dead)
    finally:
        server.stop()
    assert not Path(metrics_dir).exists()  # removed when the server stopped
