"""The server under load: many visitors at once over pages, journeys and day plans.

Run: .venv/bin/python benchmarks/load.py [--duration 60] [--clients 8,16,32] [--workers 1,2]
                                         [--database-url URL] [--quick]
(locust and psutil: ``pip install -e '.[bench]'``)

For each worker count and each client count the script starts its own
``planner serve --port P [--workers N]`` on a free loopback port, over a new
temporary instance folder (its SQLite database) or the PostgreSQL database
``--database-url`` names, waits until it answers, warms it with one home page
and one journey per date and day plans until each plan process has planned
(not counted; the first plan's time on the fresh server is printed), then lets locust (library API, headless,
in this process) run N simulated visitors at once for ``--duration`` seconds,
and stops the server (SIGTERM, then SIGKILL of what is left of its process tree).
``--workers`` above 1 is passed only when ``planner serve --help`` offers it;
otherwise those runs are skipped and said so.

Each visitor has an address of its own (``X-Forwarded-For``, the server started
with ``PLANNER_BEHIND_PROXY=1`` as behind a load balancer), so the per-client rate
limits count each visitor apart, as they would in a city; a 429 is an error here.
Each visitor loops: think ``--wait`` seconds (uniform), then one request drawn by
weight, like real visitors (many look, few plan):

====================  ======  ===========================================
kind                  weight  request
====================  ======  ===========================================
home                  5       ``GET /?date=D&lang=zh|en``
api journeys          4       ``GET /api/journeys?from&to&date&depart|arrive_by[&shuttle=1]``
journeys page         3       ``GET /journeys?...`` (the form's fields)
day plans API         1       ``POST /api/itineraries`` (JSON body)
day plans page        1       ``GET /itinerary?...`` (the form's fields)
====================  ======  ===========================================

Parameters come from the data, drawn with a fixed seed (``--seed``): five dates
(a weekday in May, a Saturday in February with the season's shows on,
the Spring Festival holiday, the National Day holiday 2024-10-01 and a winter
Monday), ends among the two sites, the places of ``data/places.yaml`` (gates,
attractions, venues), three hotels as ``lat,lon`` and metro stops; day-plan
starts among hotels, sites and gates, start and end times, 0-3 interests from
the places' tags, 0-2 must-sees among that date's events (asked from the server's
``/api/events`` once) and places, pace, lunch, taxis allowed (one in ten) and the
shuttle (with, without, compare). A day plan repeats an earlier one of the same
run with probability ``--plan-repeat`` (a shared link, a page reload); all others
are new draws, so most plans are distinct and the plan cache helps little. The
printed share of repeats counts any request equal to an earlier one of that run
(a cache hit only when it reaches the process that answered it first).

Printed per run and at the end: requests per second (those started in the
window; when it closes no new request is asked and each one in flight is
waited for, so a slow plan counts instead of being cut off), p50/p95/p99
wall-clock milliseconds per kind (the time until the whole answer is read),
errors by HTTP status ("conn" when no answer came) with the first answer of
each, the server's memory (the sum of the resident set sizes of all its
processes, psutil, sampled twice a second: peak and at the end; beside it the
proportional set size, which counts pages forked workers share once), the CPU
the server and this load generator used, and the machine's load average
(1 min) before and after: other work on the 2 cores counts in every figure.

Targets, printed beside the figures (issue 14): with 32 clients, day plans
p95 under 3 s, journeys and pages p95 under 300 ms, no errors; day plans served
at 10 per second on 2 cores is the plan's capacity target: here the rate is
bounded by what the visitors ask (printed as it is).
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and benchmarks/calendar.py (the
# name the calendar issue gives it) would stand in for the standard library's calendar.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse

ROOT = Path(__file__).resolve().parent.parent

DATES = ("2024-05-15", "2024-02-24", "2024-02-12", "2024-10-01", "2024-12-09")
DATE_NAMES = ("weekday", "Saturday, shows on", "Spring Festival", "National Day", "winter Monday")
HOTELS = ("30.6540,104.0790", "30.6600,104.0400", "30.6950,104.1100")  # Chunxi Road, Kuanzhai Alley, north
STOPS = ("m-240",)  # a metro stop id, as programs ask

KINDS = ("home", "api journeys", "journeys page", "day plans API", "day plans page")
WEIGHTS = {"home": 5, "api journeys": 4, "journeys page": 3, "day plans API": 1, "day plans page": 1}
PAGE_KINDS = ("home", "api journeys", "journeys page")
PLAN_KINDS = ("day plans API", "day plans page")

PAGE_P95_TARGET_MS = 300
PLAN_P95_TARGET_MS = 3000
PLAN_RATE_TARGET = 10.0
TARGET_CLIENTS = 32


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Targets: day plans p95 < 3 s with 32 clients, "
                                            "journeys and pages p95 < 300 ms, 0 errors.")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per run (default 60)")
    parser.add_argument("--clients", default="8,16,32", help="simulated visitors at once, comma-separated")
    parser.add_argument("--workers", default="1,2", help="server processes, comma-separated")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL (or other) URL for the server; default a new SQLite file per run")
    parser.add_argument("--wait", default="0.5,2.0", help="a visitor's think time between requests, min,max s")
    parser.add_argument("--plan-repeat", type=float, default=0.15,
                        help="probability that a day plan repeats an earlier one (default 0.15)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 10 s, 8 clients, 1 worker (unless given)")
    args = parser.parse_args(argv)
    if args.quick:
        given = set(argv if argv is not None else sys.argv[1:])
        if "--duration" not in given:
            args.duration = 10
        if "--clients" not in given:
            args.clients = "8"
        if "--workers" not in given:
            args.workers = "1"
    args.client_counts = [int(x) for x in str(args.clients).split(",") if x.strip()]
    args.worker_counts = [int(x) for x in str(args.workers).split(",") if x.strip()]
    args.wait_s = tuple(float(x) for x in args.wait.split(","))
    return args


# ----------------------------------------------------------------------------- the request mix


class Mix:
    """Draws the requests of the mix from the data with one seeded generator.

    ``events_by_date`` maps each date of DATES to the ids of the events on it
    (from the server's ``/api/events``); must-sees are drawn among them.
    """

    def __init__(self, seed: int, events_by_date: dict[str, list[str]], plan_repeat: float):
        import random

        import yaml

        places = yaml.safe_load((ROOT / "data" / "places.yaml").read_text(encoding="utf-8"))
        self.random = random.Random(seed)
        self.sites = [s["id"] for s in places["sites"]]
        self.places = [p["id"] for p in places["places"]]
        self.gates = [p["id"] for p in places["places"] if p.get("kind") == "gate"]
        self.visits = [p["id"] for p in places["places"] if p.get("kind") in ("attraction", "spot")]
        self.tags = sorted({t for p in places["places"] for t in p.get("tags", ()) if t != "entrance"})
        self.events_by_date = events_by_date
        self.plan_repeat = plan_repeat
        self.plans_sent: list[dict] = []
        self.plan_keys: set[str] = set()
        self.plans_repeated = 0

    def kind(self) -> str:
        return self.random.choices(KINDS, weights=[WEIGHTS[k] for k in KINDS])[0]

    def _clock(self, first_h: int, last_h: int, step_min: int = 5) -> str:
        minute = self.random.randrange(first_h * 60, last_h * 60 + 1, step_min)
        return f"{minute // 60:02d}:{minute % 60:02d}"

    def home(self) -> str:
        lang = "zh" if self.random.random() < 0.7 else "en"
        if self.random.random() < 0.2:
            return f"/?lang={lang}"
        return f"/?date={self.random.choice(DATES)}&lang={lang}"

    def journey_params(self) -> dict[str, str]:
        ends = self.sites * 4 + self.places + list(HOTELS) * 2 + list(STOPS)
        origin = self.random.choice(ends)
        dest = self.random.choice([e for e in ends if e != origin])
        params = {"from": origin, "to": dest, "date": self.random.choice(DATES)}
        if self.random.random() < 0.2:
            params["arrive_by"] = self._clock(8, 22)
        else:
            params["depart"] = self._clock(7, 21)
        if self.random.random() < 0.25:
            params["shuttle"] = "1"
        if self.random.random() < 0.3:
            params["lang"] = "en"
        return params

    def api_journeys(self) -> str:
        from urllib.parse import urlencode

        return "/api/journeys?" + urlencode(self.journey_params())

    def journeys_page(self) -> str:
        from urllib.parse import urlencode

        params = self.journey_params()
        when = "arrive_by" if "arrive_by" in params else "depart"
        params["time_is"], params["time"] = when, params.pop(when)
        return "/journeys?" + urlencode(params)

    def _new_plan(self) -> dict:
        r = self.random
        date = r.choice(DATES)
        start = r.choice(list(HOTELS) * 3 + self.sites + self.gates)
        start_h = r.choice((7, 8, 8, 9, 9, 10, 13))
        start_time = f"{start_h:02d}:{r.choice(('00', '00', '30'))}"
        end_time = f"{r.choice([h for h in (17, 18, 20, 21, 22) if h >= start_h + 4]):02d}:00"
        body: dict = {"date": date, "start": start, "start_time": start_time, "end_time": end_time,
                      "interests": sorted(r.sample(self.tags, r.choice((0, 1, 1, 2, 2, 3)))),
                      "must": [], "meal": r.random() < 0.8, "taxi": r.random() < 0.1,
                      "pace": r.choice(("normal", "normal", "relaxed", "brisk")),
                      "shuttle": r.choice(("compare", "compare", True, False))}
        if r.random() < 0.15:
            body["end"] = r.choice(self.sites)
        events = self.events_by_date.get(date, [])
        for _ in range(r.choice((0, 0, 1, 1, 2))):
            pool = events if events and r.random() < 0.6 else self.visits
            pick = r.choice(pool)
            if pick not in body["must"]:
                body["must"].append(pick)
        return body

    def plan(self) -> dict:
        """A day plan's JSON body: an earlier one (``plan_repeat``) or a new draw."""
        import json

        if self.plans_sent and self.random.random() < self.plan_repeat:
            body = self.random.choice(self.plans_sent)
        else:
            body = self._new_plan()
            self.plans_sent.append(body)
        key = json.dumps(body, sort_keys=True)
        if key in self.plan_keys:
            self.plans_repeated += 1
        self.plan_keys.add(key)
        return body

    def plan_page(self) -> str:
        """The ``/itinerary`` form's query string for a day plan drawn as :meth:`plan`."""
        from urllib.parse import urlencode

        body = self.plan()
        pairs = [(k, body[k]) for k in ("date", "start", "start_time", "end_time", "pace") if k in body]
        if "end" in body:
            pairs.append(("end", body["end"]))
        pairs += [("interests", t) for t in body["interests"]] + [("must", m) for m in body["must"]]
        pairs += [("meal", "1")] if body["meal"] else []
        pairs += [("taxi", "1")] if body["taxi"] else []
        pairs.append(("shuttle", {True: "with", False: "without"}.get(body["shuttle"], body["shuttle"])))
        return "/itinerary?" + urlencode(pairs)


# ----------------------------------------------------------------------------- the server


def free_port() -> int:
    import random
    import socket

    rng = random.Random()
    for _ in range(50):
        port = rng.randrange(20000, 60000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port found between 20000 and 60000")


def planner_command() -> list[str]:
    exe = Path(sys.executable).with_name("planner")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from planner.main import main; main()"]


def serve_offers_workers() -> bool:
    import subprocess

    help_text = subprocess.run([*planner_command(), "serve", "--help"], capture_output=True, text=True).stdout
    return "--workers" in help_text


class Server:
    """``planner serve`` started, watched and stopped by this script."""

    def __init__(self, workers: int, database_url: str | None, pass_workers: bool):
        import subprocess
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="planner-load-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**__import__("os").environ, "PLANNER_INSTANCE_DIR": str(self.folder), "PLANNER_TILE_URL": "",
               # as behind a load balancer: each visitor's own address (X-Forwarded-For) is its rate limits' key
               "PLANNER_BEHIND_PROXY": "1"}
        env["PLANNER_DATABASE_URL"] = database_url or f"sqlite:///{self.folder / 'planner.db'}"
        command = [*planner_command(), "serve", "--port", str(self.port)]
        if pass_workers:
            command += ["--workers", str(workers)]
        self.log_path = self.folder / "server.log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.peak_mb = 0.0
        self.peak_pss_mb = 0.0

    def wait_until_up(self, timeout_s: float = 180) -> float:
        import time
        import urllib.request

        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited with {self.process.returncode} before answering:\n"
                                 + self.log_tail())
            try:
                with urllib.request.urlopen(f"{self.base}/api/places", timeout=10) as answer:
                    if answer.status == 200:
                        return time.monotonic() - started
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"the server did not answer within {timeout_s:.0f} s:\n" + self.log_tail())

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def processes(self) -> list:
        import psutil

        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_s(self) -> float:
        """CPU seconds (user + system) used so far by the server's processes now alive."""
        import psutil

        total = 0.0
        for proc in self.processes():
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def rss_mb(self) -> float:
        """The sum of the resident set sizes of the server's processes (MB), and keep the peak."""
        import psutil

        total = 0
        for proc in self.processes():
            try:
                total += proc.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        mb = total / 1e6
        self.peak_mb = max(self.peak_mb, mb)
        return mb

    def pss_mb(self) -> float:
        """The sum of the proportional set sizes (MB): pages the processes share since the fork counted once."""
        import psutil

        total = 0
        for proc in self.processes():
            try:
                total += proc.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
                pass
        mb = total / 1e6
        self.peak_pss_mb = max(self.peak_pss_mb, mb)
        return mb

    def stop(self) -> None:
        """SIGTERM to the server, then SIGKILL to whatever of its own process tree is left."""
        import shutil
        import subprocess

        import psutil

        tree = self.processes()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for proc in tree[1:]:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def get_json(url: str):
    import json
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.load(answer)


def events_by_date(base: str) -> dict[str, list[str]]:
    out = {}
    for day in DATES:
        answer = get_json(f"{base}/api/events?date={day}")
        out[day] = sorted({e.get("event_id") or e.get("id") for e in answer["events"]} - {None})
    return out


WARM_START = "30.6700,104.0600"  # a start the mix never draws: the warm-up's plans are no cache hits later


def post_plan(base: str, body: dict, address: str = "192.0.2.1") -> tuple[object, float]:
    """POST one day plan from ``address`` (X-Forwarded-For); (HTTP status or "conn", seconds)."""
    import json
    import time
    import urllib.error
    import urllib.request

    started = time.monotonic()
    request = urllib.request.Request(f"{base}/api/itineraries", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "X-Forwarded-For": address})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()
            status: object = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = "conn"
    return status, time.monotonic() - started


def warm_up(base: str, workers: int) -> dict:
    """Before the clock starts (not counted): as a server that has run a while has it.

    One home page and one journey per date; then the first day plan on the fresh
    server, timed alone (its processes for plans start cold: printed as the cold
    start); then 4 plans per server process at once, each date in turn, asked
    again while busy (503), for at most 90 s, so that every plan process has
    planned.
    """
    import time
    import urllib.request

    import gevent

    count = 0
    for day in DATES:
        for path in (f"/?date={day}", f"/api/journeys?from=dongjiao-memory&to=panda-base&date={day}&depart=09:00"):
            with urllib.request.urlopen(base + path, timeout=120) as answer:
                answer.read()
            count += 1

    def body(i: int) -> dict:
        return {"date": DATES[i % len(DATES)], "start": WARM_START, "start_time": f"{8 + i // len(DATES) % 4:02d}:00",
                "end_time": "20:00", "interests": ["pandas"], "shuttle": "compare"}

    first_status, first_s = post_plan(base, body(0))
    count += 1
    ends = time.monotonic() + 90
    pending = list(range(1, 1 + 4 * workers))
    while pending and time.monotonic() < ends:
        jobs = {i: gevent.spawn(post_plan, base, body(i), f"192.0.2.{i % 250 + 2}") for i in pending}
        gevent.joinall(list(jobs.values()))
        count += len(jobs)
        pending = [i for i, job in jobs.items() if job.value[0] != 200]
    return {"requests": count, "first_plan_status": first_status, "first_plan_s": first_s,
            "plans_unwarmed": len(pending)}


# ----------------------------------------------------------------------------- one run


def gist(text: str, width: int = 240) -> str:
    """An answer's words, short: a page's text without its markup, from its first word of a fault."""
    import json
    import re

    try:  # the API's error shape: its code and message (the message in the visitor's language)
        error = json.loads(text)["error"]
        text = f"{error.get('code')}: {error.get('message')}"
    except (ValueError, KeyError, TypeError):
        pass
    if "<" in text:
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    fault = re.search(r"(?i)busy|error|try again|invalid|not |must|too |limit", text)
    start = max(0, fault.start() - 60) if fault else 0
    return text[start:start + width]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100) of ``values``; nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def run_once(args: argparse.Namespace, workers: int, clients: int, pass_workers: bool,
             events: dict[str, list[str]] | None) -> dict:
    import os
    import time
    from collections import Counter, defaultdict

    import gevent
    from locust import FastHttpUser, between, task
    from locust.env import Environment

    server = Server(workers, args.database_url, pass_workers)
    try:
        up_s = server.wait_until_up()
        if events is None:
            events = events_by_date(server.base)
        warmed = warm_up(server.base, workers)
        mix = Mix(args.seed, events, args.plan_repeat)
        times: dict[str, list[float]] = defaultdict(list)
        statuses: dict[str, Counter] = defaultdict(Counter)
        visitors = [0]
        clock = {"deadline": float("inf"), "in_flight": 0}
        examples: dict[tuple[str, object], str] = {}

        class Visitor(FastHttpUser):
            wait_time = between(*args.wait_s)
            host = server.base
            network_timeout = 120.0
            connection_timeout = 120.0

            def on_start(self) -> None:
                visitors[0] += 1
                self.headers = {"X-Forwarded-For": f"10.{visitors[0] // 65536 % 256}.{visitors[0] // 256 % 256}."
                                                   f"{visitors[0] % 256}"}
                gevent.sleep(mix.random.uniform(*args.wait_s))  # visitors arrive spread, not all in one instant

            @task
            def one_request(self) -> None:
                if time.monotonic() >= clock["deadline"]:
                    return  # the window is over: what is in flight is waited for, nothing new is asked
                clock["in_flight"] += 1
                try:
                    self._one(mix.kind())
                finally:
                    clock["in_flight"] -= 1

            def _one(self, kind: str) -> None:
                if kind == "home":
                    self._get(kind, mix.home())
                elif kind == "api journeys":
                    self._get(kind, mix.api_journeys())
                elif kind == "journeys page":
                    self._get(kind, mix.journeys_page())
                elif kind == "day plans page":
                    self._get(kind, mix.plan_page())
                else:
                    body = mix.plan()
                    with self.client.post("/api/itineraries", json=body, name=kind, catch_response=True,
                                          headers=self.headers) as r:
                        self._record(kind, r, body)

            def _get(self, kind: str, path: str) -> None:
                with self.client.get(path, name=kind, catch_response=True, headers=self.headers) as r:
                    self._record(kind, r, path)

            def _record(self, kind: str, r, what) -> None:
                status = r.status_code or "conn"
                statuses[kind][status] += 1
                if status != 200:
                    if (kind, status) not in examples:  # the first of each kind and status, to say why
                        examples[(kind, status)] = f"{what} -> {gist(r.text or str(r.error))!r}"
                    r.failure(f"HTTP {status}")
                else:
                    r.success()

        def on_request(request_type, name, response_time, response_length, exception=None, **_):
            times[name].append(response_time)

        env = Environment(user_classes=[Visitor], host=server.base)
        env.events.request.add_listener(on_request)
        samples: list[float] = []

        def sample_memory() -> None:
            while True:
                samples.append(server.rss_mb())
                server.pss_mb()
                gevent.sleep(0.5)

        load_before = os.getloadavg()[0]
        rss_before = server.rss_mb()
        cpu_before, own_before = server.cpu_s(), time.process_time()
        sampler = gevent.spawn(sample_memory)
        runner = env.create_local_runner()
        clock["deadline"] = time.monotonic() + args.duration
        runner.start(clients, spawn_rate=clients)
        gevent.sleep(args.duration)
        drain_started = time.monotonic()
        while clock["in_flight"] and time.monotonic() - drain_started < 150:
            gevent.sleep(0.1)
        drain_s, left_in_flight = time.monotonic() - drain_started, clock["in_flight"]
        runner.quit()
        elapsed = args.duration
        rss_end, pss_end = server.rss_mb(), server.pss_mb()
        server_cpu, own_cpu = server.cpu_s() - cpu_before, time.process_time() - own_before
        sampler.kill()
        load_after = os.getloadavg()[0]
        return {"workers": workers, "clients": clients, "up_s": up_s, "warmed": warmed, "elapsed_s": elapsed, "drain_s": drain_s,
                "left_in_flight": left_in_flight,
                "times": dict(times), "statuses": {k: dict(v) for k, v in statuses.items()},
                "rss_before_mb": rss_before, "rss_peak_mb": server.peak_mb, "rss_end_mb": rss_end,
                "pss_peak_mb": server.peak_pss_mb, "pss_end_mb": pss_end,
                "processes": len(server.processes()), "server_cpu_s": server_cpu, "own_cpu_s": own_cpu,
                "load": (load_before, load_after), "plans": len(mix.plan_keys) + mix.plans_repeated,
                "plans_repeated": mix.plans_repeated, "events": events, "examples": examples}
    finally:
        server.stop()


# ----------------------------------------------------------------------------- printing


def ms(value: float) -> str:
    return "-" if value != value else f"{value:,.0f}"


def errors_of(statuses: dict) -> str:
    bad = {s: n for s, n in statuses.items() if s != 200}
    return ", ".join(f"{s}x{n}" for s, n in sorted(bad.items(), key=str)) if bad else "0"


def table(result: dict) -> list[str]:
    elapsed = result["elapsed_s"]
    rows = [f"{'kind':<16} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  errors (status x n)"]
    groups = [(k, [k]) for k in KINDS] + [("day plans", list(PLAN_KINDS)), ("all", list(KINDS))]
    for label, kinds in groups:
        values = [v for k in kinds for v in result["times"].get(k, [])]
        statuses: dict = {}
        for k in kinds:
            for s, n in result["statuses"].get(k, {}).items():
                statuses[s] = statuses.get(s, 0) + n
        rows.append(f"{label:<16} {len(values):>8} {len(values) / elapsed:>6.1f} {ms(percentile(values, 50)):>7} "
                    f"{ms(percentile(values, 95)):>7} {ms(percentile(values, 99)):>7}  {errors_of(statuses)}")
    return rows


def verdicts(result: dict) -> list[str]:
    out = []
    pages = [v for k in PAGE_KINDS for v in result["times"].get(k, [])]
    plans = [v for k in PLAN_KINDS for v in result["times"].get(k, [])]
    for kind in PAGE_KINDS:
        p95 = percentile(result["times"].get(kind, []), 95)
        out.append(f"  {kind} p95 {ms(p95)} ms (target < {PAGE_P95_TARGET_MS} ms: "
                   f"{'met' if p95 < PAGE_P95_TARGET_MS else 'NOT met'})")
    p95 = percentile(plans, 95)
    out.append(f"  day plans p95 {ms(p95)} ms (target < {PLAN_P95_TARGET_MS} ms with {TARGET_CLIENTS} clients: "
               f"{'met' if p95 < PLAN_P95_TARGET_MS else 'NOT met'})")
    errors = sum(n for k in KINDS for s, n in result["statuses"].get(k, {}).items() if s != 200)
    out.append(f"  errors {errors} (target 0: {'met' if errors == 0 else 'NOT met'})")
    out.append(f"  day plans served {len(plans) / result['elapsed_s']:.2f}/s (capacity target {PLAN_RATE_TARGET:.0f}/s; "
               "here bounded by what the visitors ask)")
    del pages
    return out


def describe(result: dict) -> list[str]:
    plans, repeated = result["plans"], result["plans_repeated"]
    share = repeated / plans if plans else 0.0
    return [
        f"workers {result['workers']}, clients {result['clients']}: requests started in {result['elapsed_s']:.0f} s, "
        f"each waited for to its answer ({result['drain_s']:.1f} s after the window"
        + (f", {result['left_in_flight']} still unanswered, not counted" if result['left_in_flight'] else "")
        + f"); server up in {result['up_s']:.1f} s; warm-up {result['warmed']['requests']} requests, not counted "
        f"(the first day plan on the fresh server: {result['warmed']['first_plan_status']} in "
        f"{result['warmed']['first_plan_s']:.1f} s"
        + (f"; {result['warmed']['plans_unwarmed']} warm-up plans still not 200 after 90 s"
           if result['warmed']['plans_unwarmed'] else "") + ")",
        *table(result),
        f"server memory (RSS of its {result['processes']} processes): {result['rss_before_mb']:.0f} MB before, "
        f"peak {result['rss_peak_mb']:.0f} MB, end {result['rss_end_mb']:.0f} MB (shared pages counted once, "
        f"PSS: peak {result['pss_peak_mb']:.0f} MB, end {result['pss_end_mb']:.0f} MB); CPU: server "
        f"{result['server_cpu_s'] / result['elapsed_s']:.2f} cores, this load generator "
        f"{result['own_cpu_s'] / result['elapsed_s']:.2f} cores (of {__import__('os').cpu_count()})",
        f"day plans asked {plans}, {repeated} repeating an earlier "
        f"one ({share:.0%}); load average (1 min) {result['load'][0]:.1f} before, {result['load'][1]:.1f} after",
        *(f"first {status} of {kind}: {text}" for (kind, status), text in sorted(result["examples"].items(), key=str)),
    ]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # locust patches the standard library for gevent when imported: only now, after --help
    import locust  # noqa: F401
    import os
    import platform
    import time

    offers_workers = serve_offers_workers()
    print(f"load benchmark: {args.duration:.0f} s per run, clients {args.client_counts}, workers "
          f"{args.worker_counts}, think time {args.wait_s[0]}-{args.wait_s[1]} s, seed {args.seed}, "
          f"database {'given URL' if args.database_url else 'SQLite (new per run)'}")
    print(f"machine: {os.cpu_count()} CPUs, {platform.python_version()}, load average {os.getloadavg()}, "
          f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; "
          f"planner serve {'has' if offers_workers else 'has NO'} --workers")
    print("dates: " + ", ".join(f"{d} ({n})" for d, n in zip(DATES, DATE_NAMES)))
    results = []
    events = None
    for workers in args.worker_counts:
        if workers > 1 and not offers_workers:
            print(f"\nworkers {workers}: skipped (planner serve has no --workers)")
            continue
        for clients in args.client_counts:
            result = run_once(args, workers, clients, pass_workers=offers_workers and workers >= 1, events=events)
            if events is None:
                print("events on the dates (must-sees drawn among them): "
                      + ", ".join(f"{d} {len(ids)}" for d, ids in result["events"].items()))
            events = result["events"]
            results.append(result)
            print()
            print("\n".join(describe(result)), flush=True)
    print("\n=== summary ===")
    header = (f"{'workers':>7} {'clients':>7} {'req/s':>6} {'plans/s':>7} {'pages p95':>9} {'jrny p95':>8} "
              f"{'plans p50':>9} {'plans p95':>9} {'plans p99':>9} {'plan rep':>8} {'RSS peak':>8} {'RSS end':>7} "
              f"{'load':>9}  errors")
    print(header)
    for r in results:
        pages = [v for k in ("home", "journeys page") for v in r["times"].get(k, [])]
        journeys = r["times"].get("api journeys", [])
        plans = [v for k in PLAN_KINDS for v in r["times"].get(k, [])]
        every = [v for k in KINDS for v in r["times"].get(k, [])]
        statuses: dict = {}
        for k in KINDS:
            for status, n in r["statuses"].get(k, {}).items():
                statuses[status] = statuses.get(status, 0) + n
        repeated = r["plans_repeated"] / r["plans"] if r["plans"] else 0.0
        print(f"{r['workers']:>7} {r['clients']:>7} {len(every) / r['elapsed_s']:>6.1f} "
              f"{len(plans) / r['elapsed_s']:>7.2f} {ms(percentile(pages, 95)):>9} {ms(percentile(journeys, 95)):>8} "
              f"{ms(percentile(plans, 50)):>9} {ms(percentile(plans, 95)):>9} {ms(percentile(plans, 99)):>9} "
              f"{repeated:>8.0%} {r['rss_peak_mb']:>6.0f}MB {r['rss_end_mb']:>5.0f}MB "
              f"{r['load'][0]:>4.1f}/{r['load'][1]:<4.1f}  {errors_of(statuses)}")
    print("(ms; pages = home and journeys page; plan rep = share of day plans equal to an earlier one of the run; "
          "RSS = all the server's processes; load = load average before/after the run; errors = status x n)")
    print(f"targets: pages and journeys p95 < {PAGE_P95_TARGET_MS} ms, day plans p95 < {PLAN_P95_TARGET_MS} ms "
          f"with {TARGET_CLIENTS} clients, 0 errors")
    for r in results:
        if r["clients"] == TARGET_CLIENTS or r is results[-1]:
            print(f"workers {r['workers']}, clients {r['clients']}:")
            print("\n".join(verdicts(r)))


if __name__ == "__main__":
    main()
