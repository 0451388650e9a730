"""The server's resident memory after 500 journey requests with distinct parameters.

Run: .venv/bin/python benchmarks/memory.py [--requests 500] [--compares 20] [--clients 8]

Starts ``planner serve`` on a free loopback port with a temporary SQLite
database, then sends ``--requests`` requests to ``/api/journeys``, each with
its own ``max_walk_m``, ``min_transfer_s``, date (inside the feed's range and
outside it) and, for one in four, typed coordinates, plus ``--compares``
requests to ``/api/compare`` on distinct dates, from ``--clients`` threads at
once; a 503 (busy: more builds at once than the budget) is asked again after its Retry-After, up
to 5 times. Prints the serving process's resident memory (its one gunicorn worker; VmRSS from /proc/<pid>/status)
before and after, its peak (VmHWM), and the target: under 800 MB after and at peak. The
server is stopped at the end, whatever happens.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and benchmarks/calendar.py (the
# name the calendar issue gives it) would stand in for the standard library's calendar.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import datetime as dt
import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

sys.path.append(str(Path(__file__).resolve().parent))  # last: the standard library first
from serving import free_port, start_server, stop_server, wait_until_up  # noqa: E402

# The bound of the default caches plus the process itself: 12 timetables of ~30 MB (six days with and
# without the shuttle, planner/composition/settings.py says why 12), comparisons, endpoints and profile
# slices; it was 600 MB while 4 timetables were kept (PLANNER_TIMETABLE_CACHE_SIZE=4 still ends near 414 MB)
TARGET_MB = 800
FIRST_DAY = dt.date(2024, 1, 1)  # the bundled feed covers 2024-01-01 to 2027-12-31


def serving_pid(master: int) -> int:
    """The one gunicorn worker of ``planner serve --workers 1`` (the master forks it and serves nothing):
    the process whose caches the requests fill."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise SystemExit(f"expected one worker process under {master}, found {children}")
    return int(children[0])


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024  # kB
    return found


def journey_urls(base: str, count: int) -> list[str]:
    """Distinct ``max_walk_m``, ``min_transfer_s`` and dates; one date in five outside the feed."""
    urls = []
    for i in range(count):
        day = FIRST_DAY + dt.timedelta(days=(i * 37) % 1460)
        if i % 5 == 4:
            day = dt.date(2031, 1, 1) + dt.timedelta(days=i)  # no service: answered with a reason
        origin = f"{30.6540 + i * 1e-4:.4f},{104.0790 + i * 1e-4:.4f}" if i % 4 == 3 else "dongjiao-memory"
        query = {"from": origin, "to": "panda-south-gate", "date": day.isoformat(),
                 "depart": f"{7 + i % 14:02d}:{i % 60:02d}", "max_walk_m": f"{400 + i * 1.7:.1f}",
                 "min_transfer_s": str(30 + i % 600), "shuttle": str(i % 2)}
        urls.append(f"{base}/api/journeys?{urllib.parse.urlencode(query)}")
    return urls


def compare_urls(base: str, count: int) -> list[str]:
    return [f"{base}/api/compare?" + urllib.parse.urlencode(
        {"from": "dongjiao-memory", "to": "panda-south-gate",
         "date": (FIRST_DAY + dt.timedelta(days=11 + i * 53)).isoformat(), "start": "07:00", "end": "21:00"})
        for i in range(count)]


def fetch(url: str, retries: int = 5) -> tuple[int, int]:
    """The final status of ``url`` and how many 503s came first: a 503 (busy, issue 14's budgets)
    is asked again after its ``Retry-After``, as a well-behaved client does."""
    busy = 0
    while True:
        try:
            with urllib.request.urlopen(url, timeout=300) as response:
                response.read()
                return response.status, busy
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or busy >= retries:
                return exc.code, busy
            busy += 1
            time.sleep(min(30, int(exc.headers.get("Retry-After") or 1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--compares", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="planner-memory-") as folder, \
            open(Path(folder) / "server.log", "w+", encoding="utf-8") as log:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PLANNER_DATABASE_URL": f"sqlite:///{Path(folder) / 'planner.db'}",
               "PLANNER_INSTANCE_DIR": folder, "PLANNER_TILE_URL": "",
               "PLANNER_RATE_LIMITS_ENABLED": "false"}  # one client asking hundreds of journeys: measured, not limited
        server = start_server(port, 1, env, log)
        try:
            wait_until_up(base, server)
            worker = serving_pid(server.pid)
            before = memory_mb(worker)
            urls = journey_urls(base, args.requests)
            # the comparisons go in among the journeys, not after them
            for i, url in enumerate(compare_urls(base, args.compares)):
                urls.insert((i + 1) * len(urls) // (args.compares + 1), url)
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                answers = list(pool.map(fetch, urls))
            statuses = Counter(status for status, _ in answers)
            busy = sum(count for _, count in answers)
            elapsed = time.perf_counter() - started
            after = memory_mb(worker)
        except BaseException:
            log.seek(0)
            print("the server's log, last lines:", *log.read().splitlines()[-20:], sep="\n", file=sys.stderr)
            raise
        finally:
            stop_server(server)
        log.seek(0)
        request_lines = sum(1 for line in log if "planner.web.request_log" in line)
    print(f"server pid {server.pid} (worker {worker}), {len(urls)} requests ({args.requests} journeys, {args.compares} comparisons) "
          f"from {args.clients} clients in {elapsed:.0f} s; statuses {json.dumps(dict(sorted(statuses.items())))}")
    print(f"503 busy answers asked again after their Retry-After: {busy}")
    print(f"the server logged {request_lines} request lines (each with its request id)")
    print(f"resident memory before: {before['VmRSS']:6.0f} MB")
    print(f"resident memory after:  {after['VmRSS']:6.0f} MB (peak {after['VmHWM']:.0f} MB)")
    met = after["VmRSS"] < TARGET_MB and after["VmHWM"] < TARGET_MB
    print(f"target < {TARGET_MB} MB after (and at peak): {'met' if met else 'NOT met'}")
    if any(status >= 500 for status in statuses):
        print("some requests failed with 5xx: see the counts above")
        sys.exit(1)


if __name__ == "__main__":
    main()
