"""Figures of the event calendar on SQLite, with 10,000 events (recurring ones among them).

Prints the time to render the staff month view and to answer ``/api/events?date=`` (targets: under
100 ms each; median and 95th percentile of warm requests, and the first request), and the import
rate of a 1,000-event ``.ics`` file exported by the planner.

Run: .venv/bin/python benchmarks/calendar.py [--events 10000] [--repeat 20]
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where this file's name would hide the
# standard library's calendar module: put the project there instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from planner.domain.model import TZ  # noqa: E402
from planner.store.events import StoredEvent  # noqa: E402
from planner.store.ical import export_calendar, import_calendar  # noqa: E402
from planner.web import create_app  # noqa: E402

MONTH, DAY = "2025-06", "2025-06-14"
RULES = ["FREQ=WEEKLY;BYDAY={day};COUNT={n}", "FREQ=DAILY;COUNT={n}", "FREQ=WEEKLY;BYDAY={day}",
         "FREQ=WEEKLY;INTERVAL=2;BYDAY={day};UNTIL={until}"]


def records(count: int, places: list[str], seed: int) -> list[dict]:
    """Events over 2025 at the planner's venues: 85% single sessions, 15% recurring
    (weekly or daily for some weeks, a few weekly without end)."""
    rng = random.Random(seed)
    found = []
    for i in range(count):
        start = dt.datetime(2025, 1, 1, tzinfo=TZ) + dt.timedelta(days=rng.randrange(365),
                                                                  minutes=rng.randrange(10 * 60, 20 * 60, 30))
        rule = None
        if rng.random() < 0.15:
            kind = 2 if rng.random() < 0.03 else rng.choice([0, 1, 3])
            until = (start + dt.timedelta(days=rng.randrange(14, 90))).astimezone(dt.timezone.utc)
            rule = RULES[kind].format(day=["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.weekday()],
                                      n=rng.randrange(3, 13), until=until.strftime("%Y%m%dT%H%M%SZ"))
        found.append({
            "id": f"bench-{seed}-{i}", "title_zh": f"活动 {i}", "title_en": f"Event {i}",
            "description_zh": "", "description_en": f"Benchmark event {i}.", "venue": rng.choice(places),
            "start": start.isoformat(), "end": (start + dt.timedelta(minutes=rng.choice([60, 90, 120]))).isoformat(),
            "rrule": rule, "exdates": [], "status": rng.choice(["scheduled"] * 8 + ["cancelled", "sold_out"]),
            "price_cny": rng.choice([None, 0, 50, 120]), "capacity": rng.choice([None, 80, 300]),
            "tags": ["benchmark"], "source": "benchmarks/calendar.py", "assumption": None,
        })
    return found


def timed(call, repeat: int) -> tuple[float, float, float]:
    """First call, then the median and 95th percentile of ``repeat`` more, in ms."""
    started = time.perf_counter()
    call()
    first = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    times.sort()
    return first * 1000, statistics.median(times) * 1000, times[int(len(times) * 0.95) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--import-events", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="planner-bench-"))
    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
                      "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    planner = app.extensions["planner"]
    calendar = planner.calendar
    venues = [p.id for p in planner.model.places.values() if p.kind in ("venue", "attraction")]

    started = time.perf_counter()
    events = [calendar.validate(r) for r in records(args.events, venues, seed=1)]
    calendar.apply_batch([(e, None) for e in events], [], "bench", action="create")
    loaded = time.perf_counter() - started
    recurring = sum(1 for e in events if e.rrule)
    print(f"database: SQLite, {calendar.count()} events ({recurring} recurring), "
          f"validated and stored in {loaded:.1f} s")

    planner.accounts.create("bench", "benchmark password", "staff")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"name": "bench", "password": "benchmark password",
                                       "csrf_token": token}).status_code == 302

    def month_view():
        response = client.get(f"/staff/month?month={MONTH}")
        assert response.status_code == 200

    def api_events():
        response = client.get(f"/api/events?date={DAY}")
        assert response.status_code == 200

    sessions_month = len(calendar.occurrences_between(dt.datetime(2025, 6, 1, tzinfo=TZ),
                                                      dt.datetime(2025, 7, 1, tzinfo=TZ)))
    sessions_day = len(client.get(f"/api/events?date={DAY}").get_json()["events"])
    results = {}
    for name, call, detail in (("month view", month_view, f"/staff/month?month={MONTH}, {sessions_month} sessions"),
                               ("/api/events", api_events, f"?date={DAY}, {sessions_day} sessions")):
        first, median, p95 = timed(call, args.repeat)
        results[name] = median
        print(f"{name:12s} median {median:6.1f} ms   p95 {p95:6.1f} ms   first {first:6.1f} ms   ({detail})")

    # import: a file of the planner's own making, into an empty database
    to_import = [calendar.validate(r) for r in records(args.import_events, venues, seed=2)]
    now = dt.datetime.now(TZ)
    data = export_calendar([StoredEvent(e, f"{e.id}@example.org", 1, now, "x", now, "x") for e in to_import],
                           planner.model.places, name="bench")
    other = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{folder / 'import.db'}"})
    target = other.extensions["planner"].calendar
    started = time.perf_counter()
    report = import_calendar(target, data, filename="bench.ics", user="bench")
    elapsed = time.perf_counter() - started
    assert len(report.created) == args.import_events, report.summary()
    print(f"import       {args.import_events} events ({len(data) / 1e6:.1f} MB .ics) in {elapsed:.2f} s: "
          f"{args.import_events / elapsed:.0f} events/s")

    for name, value in results.items():
        print(f"target < 100 ms, {name}: {'met' if value < 100 else 'NOT met'} ({value:.1f} ms median)")
    app.extensions["planner"].close()
    other.extensions["planner"].close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
