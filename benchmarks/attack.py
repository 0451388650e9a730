"""A scripted attack of distinct parameters on every public endpoint: the server's memory stays flat.

Run: .venv/bin/python benchmarks/attack.py [--requests 300] [--rounds 3] [--clients 6] [--workers 1] [--rate-limits]

Starts ``planner serve`` on a free loopback port with a temporary instance folder and SQLite database
holding two endless recurring events (``FREQ=SECONDLY`` and ``FREQ=MINUTELY``, no end, stored through
the store's import), then sends ``--requests`` requests in ``--rounds`` equal rounds from ``--clients`` threads:
journeys each with its own date, ``max_walk_m``, ``min_transfer_s`` and time; comparisons with their own
dates and windows; events, places, the network, the home page, place pages, the shuttle page and the
iCalendar feeds on distinct dates; and hostile requests (a 100,000-character query string, 2,000
repeated parameters, ``end=1000:00``, a day plan naming 100,000 places, JSON nested 1,000 deep).
Per-client rate limits are off unless ``--rate-limits`` (the attack is of the budgets themselves).

Prints the server's memory (its processes together: resident, and proportional, which counts the
pages the forked workers share with their parent once) after a warm-up, after each round and at its
peak; the answers by kind and status; each kind's median, p95 and slowest; the ten slowest answers.
Memory is flat when the later rounds add next to nothing: every cache is bounded (the settings'
``*_cache_size``), so what the first round fills, the next ones only replace. The server is stopped at the
end, whatever happens.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and benchmarks/calendar.py would stand in for
# the standard library's calendar.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psutil

sys.path.append(str(Path(__file__).resolve().parent))  # last: the standard library first
from serving import free_port, start_server, stop_server, wait_until_up  # noqa: E402

FIRST_DAY = dt.date(2024, 1, 1)  # the bundled feed covers 2024-01-01 to 2027-12-31
ENDLESS_DAY = "2024-02-12"
ENDLESS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//planner//attack//EN\r\n" + "".join(
    f"BEGIN:VEVENT\r\nUID:endless-{freq.lower()}@attack\r\nDTSTAMP:20240101T000000Z\r\n"
    "DTSTART;TZID=Asia/Shanghai:20240212T080000\r\nDTEND;TZID=Asia/Shanghai:20240212T080001\r\n"
    f"RRULE:FREQ={freq}\r\nSUMMARY:Endless {freq}\r\nLOCATION:East District Live House\r\nEND:VEVENT\r\n"
    for freq in ("SECONDLY", "MINUTELY")) + "END:VCALENDAR\r\n")


@dataclass(frozen=True)
class Ask:
    """One request: its kind (for the figures), method, path with query, and JSON body."""

    kind: str
    path: str
    body: bytes | None = None


def environment(folder: Path, rate_limits: bool) -> dict[str, str]:
    return {**os.environ, "PLANNER_DATABASE_URL": f"sqlite:///{folder / 'planner.db'}",
            "PLANNER_INSTANCE_DIR": str(folder), "PLANNER_TILE_URL": "", "PLANNER_LOG_LEVEL": "WARNING",
            "PLANNER_RATE_LIMITS_ENABLED": "true" if rate_limits else "false"}


def store_endless_events(env: dict[str, str]) -> str:
    """The endless events written to the database through the store (a process of its own, gone after)."""
    code = ("import sys; from planner.web import create_app; from planner.store.ical import import_calendar\n"
            "app = create_app({})\n"
            "with app.app_context():\n"
            "    r = import_calendar(app.extensions['planner'].calendar, sys.stdin.read(), filename='endless.ics',"
            " user='attack')\n"
            "print(len(r.created), 'endless events stored:', *r.created)")
    done = subprocess.run([sys.executable, "-c", code], input=ENDLESS, env=env, capture_output=True, text=True,
                          timeout=300)
    if done.returncode:
        raise SystemExit(f"storing the endless events failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def resident_mb(pid: int) -> tuple[float, float]:
    """Resident and proportional memory (MB) of the server: its process and every child (the workers)."""
    root = psutil.Process(pid)
    rss = pss = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            info = process.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def a_day(rng: random.Random) -> str:
    return (FIRST_DAY + dt.timedelta(days=rng.randrange(4 * 365))).isoformat()


def asks(count: int, rng: random.Random, places: list[str]) -> list[Ask]:
    """``count`` requests of distinct parameters across the endpoints, mixed."""
    makers = [
        (30, lambda: Ask("journeys", "/api/journeys?" + urllib.parse.urlencode({
            "from": rng.choice(["dongjiao-memory", f"{30.64 + rng.random() / 50:.5f},{104.07 + rng.random() / 50:.5f}"]),
            "to": "panda-south-gate", "date": a_day(rng), "depart": f"{rng.randrange(6, 22):02d}:{rng.randrange(60):02d}",
            "max_walk_m": f"{rng.uniform(0, 5000):.1f}", "min_transfer_s": str(rng.randrange(3601)),
            "shuttle": str(rng.randrange(2))}))),
        (8, lambda: Ask("compare", "/api/compare?" + urllib.parse.urlencode(dict(
            date=a_day(rng), **_window(rng))))),
        (8, lambda: Ask("events", f"/api/events?date={rng.choice([ENDLESS_DAY, a_day(rng)])}")),
        (5, lambda: Ask("places", f"/api/places?date={a_day(rng)}")),
        (5, lambda: Ask("network", f"/api/network.geojson?date={rng.choice([ENDLESS_DAY, a_day(rng)])}")),
        (8, lambda: Ask("home", f"/?date={rng.choice([ENDLESS_DAY, a_day(rng)])}&lang={rng.choice(['zh', 'en'])}")),
        (8, lambda: Ask("place page", f"/places/{rng.choice(places)}?date={rng.choice([ENDLESS_DAY, a_day(rng)])}")),
        (3, lambda: Ask("shuttle page", f"/shuttle?date={a_day(rng)}")),
        (3, lambda: Ask("ical", rng.choice(["/calendar.ics", "/calendar/dj-east-live-house.ics",
                                            f"/calendar.ics?lang={rng.choice(['zh', 'en'])}"]))),
        (4, lambda: Ask("pages", rng.choice([
            f"/journeys?from=dongjiao-memory&to=panda-south-gate&date={a_day(rng)}&depart=09:{rng.randrange(60):02d}",
            f"/compare?date={a_day(rng)}&start=09:00&end={rng.randrange(10, 14):02d}:00", "/sources"]))),
        (8, lambda: rng.choice(HOSTILE)),
    ]
    weights = [w for w, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(count)]


def _window(rng: random.Random) -> dict[str, str]:
    kind = rng.randrange(3)
    if kind == 0:
        return {}  # the shuttle's service hours
    start = rng.randrange(0, 20 * 60)
    end = start + rng.randrange(1, 24 * 60) if kind == 1 else start + rng.randrange(1, 180)
    return {"start": f"{start // 60:02d}:{start % 60:02d}", "end": f"{min(end, 1800) // 60:02d}:{min(end, 1800) % 60:02d}"}


HOSTILE = [
    Ask("hostile", "/api/places?x=" + "a" * 100_000),
    Ask("hostile", "/?x=" + "a" * 100_000),
    Ask("hostile", "/api/journeys?" + "&".join(f"must=p{i}" for i in range(2000))),
    Ask("hostile", "/api/compare?date=2024-03-01&start=00:00&end=1000:00"),
    Ask("hostile", "/api/compare?date=2024-03-02&start=00:00&end=30:00"),
    Ask("hostile", "/api/itineraries", json.dumps({"start": "dongjiao-memory",
                                                   "must": [f"p{i}" for i in range(100_000)]}).encode()),
    Ask("hostile", "/api/itineraries", b'{"start": "dongjiao-memory", "must": ' + b"[" * 1000 + b"]" * 1000 + b"}"),
    Ask("hostile", "/api/journeys?from=dongjiao-memory&to=panda-south-gate&depart=08:00&max_walk_m=1e-320"),
    Ask("hostile", "/api/events?date=9999-12-31"),
]


def send(base: str, ask: Ask) -> tuple[Ask, int, float, int]:
    """The answer's status, seconds and size."""
    request = urllib.request.Request(base + ask.path, data=ask.body, method="POST" if ask.body else "GET",
                                     headers={"Content-Type": "application/json"} if ask.body else {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            size = len(response.read())
            status = response.status
    except urllib.error.HTTPError as exc:
        size, status = len(exc.read()), exc.code
    except OSError:
        size, status = 0, 0  # no answer (connection refused or reset)
    return ask, status, time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rate-limits", action="store_true", help="keep the per-client rate limits on")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="planner-attack-") as folder, \
            open(Path(folder) / "server.log", "w+", encoding="utf-8") as log:
        env = environment(Path(folder), args.rate_limits)
        print(store_endless_events(env))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(port, args.workers, env, log)
        peak = [0.0]
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.2):
                try:
                    peak[0] = max(peak[0], resident_mb(server.pid)[0])
                except psutil.Error:
                    return

        try:
            wait_until_up(base, server)
            places = list(json.load(urllib.request.urlopen(f"{base}/api/places", timeout=60))["places"])
            place_ids = [p["id"] for p in places]
            for path in ("/", "/api/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart=08:00",
                         "/api/compare?date=2024-02-12", f"/places/{place_ids[0]}", "/calendar.ics"):
                send(base, Ask("warm-up", path))  # each part loaded once: what the rounds add is theirs
            memory = [("after warm-up", resident_mb(server.pid))]
            threading.Thread(target=watch, daemon=True).start()
            results = []
            started = time.perf_counter()
            for round_no in range(1, args.rounds + 1):
                batch = asks(args.requests // args.rounds, rng, place_ids)
                with ThreadPoolExecutor(args.clients) as pool:
                    results += list(pool.map(lambda ask: send(base, ask), batch))
                memory.append((f"after round {round_no} ({len(batch)} requests)", resident_mb(server.pid)))
            elapsed = time.perf_counter() - started
            done.set()
        except BaseException:
            log.seek(0)
            print("the server's log, last lines:", *log.read().splitlines()[-20:], sep="\n", file=sys.stderr)
            raise
        finally:
            done.set()
            stop_server(server)
        log.seek(0)
        tracebacks = log.read().count("Traceback")
    report(results, memory, peak[0], elapsed, args, tracebacks)


def report(results, memory, peak_mb: float, elapsed: float, args, tracebacks: int) -> None:
    print(f"{len(results)} requests from {args.clients} clients to {args.workers} server process(es) in "
          f"{elapsed:.0f} s; rate limits {'on' if args.rate_limits else 'off'}")
    print(f"{'memory':40s} {'resident':>9s} {'proportional':>13s}")
    for label, (rss, pss) in memory:
        print(f"{label:40s} {rss:6.0f} MB {pss:10.0f} MB")
    print(f"{'peak during the rounds':40s} {peak_mb:6.0f} MB")
    added = [later[1][0] - earlier[1][0] for earlier, later in zip(memory, memory[1:])]
    print("resident memory added by each round: " + ", ".join(f"{mb:+.0f} MB" for mb in added))
    by_kind: dict[str, list] = defaultdict(list)
    for ask, status, seconds, size in results:
        by_kind[ask.kind].append((status, seconds))
    print(f"{'kind':14s} {'n':>4s} {'p50 s':>7s} {'p95 s':>7s} {'max s':>7s}  statuses")
    for kind, answers in sorted(by_kind.items()):
        times = sorted(s for _, s in answers)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        statuses = dict(sorted(Counter(status for status, _ in answers).items()))
        print(f"{kind:14s} {len(answers):4d} {statistics.median(times):7.2f} {p95:7.2f} {times[-1]:7.2f}  "
              f"{json.dumps(statuses)}")
    print("the ten slowest answers:")
    for ask, status, seconds, size in sorted(results, key=lambda r: -r[2])[:10]:
        print(f"  {seconds:6.2f} s  {status}  {size:8d} B  {ask.path[:110]}")
    errors = sum(1 for _, status, _, _ in results if status >= 500 and status != 503 or status == 0)
    print(f"5xx other than 503 (or no answer): {errors}; tracebacks in the server's log: {tracebacks}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
