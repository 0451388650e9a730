"""A fuzzer of every route of the app with extreme values: the harness of tests/test_fuzz_extremes.py.

Every rule of ``app.url_map`` is asked with its own methods and with wrong
ones, anonymous and logged in as staff, planner and admin, its path
parameters, query parameters, form fields (the forms' own fields, read from
the pages) and JSON bodies replaced one or two at a time by values at the
ends of what a request can carry: dates 0001-01-01 and 9999-12-31, 1e-320,
1e308, -0, NaN, huge integers, NUL bytes, lone surrogates (sent as the bytes
``ED A0 80``, invalid UTF-8), right-to-left marks, emoji, 5,000 characters,
JSON nested 1,000 deep, wrong content types, bad cookies and CSRF tokens.

The cases come from one seeded ``random.Random``: the same run every time.
Each answer must be below 500, and every ``/api/*`` error JSON.

Run by hand for figures::

    .venv/bin/python tests/fuzz_extremes.py [--database-url URL] [--cases N]
"""
from __future__ import annotations

import json
import random
import re
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_from_bytes

PASSWORD = "correct horse battery"
ROLES = (None, "staff", "planner", "admin")
ACCOUNTS = {"staff": "sally", "planner": "pat", "admin": "ada"}
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")

#: A lone surrogate: sent as the bytes of U+D800 encoded as if it were a character (invalid UTF-8).
LONE_SURROGATE = "\ud800"
EXTREMES: tuple[str, ...] = (
    "0001-01-01", "9999-12-31", "0000-00-00", "2024-02-30", "10000-01-01", "-2024-01-01",
    "0001-01-01T00:00", "9999-12-31T23:59", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00",
    "2024-02-12T08:00", "2024-02-12T08:01", "0001-01", "9999-12", "2024-13",
    "00:00", "23:59", "24:00", "30:00", "30:01", "08:00", "08:01", "1000:00", "-01:00",
    "1e-320", "1e308", "-1e308", "1e400", "-0", "NaN", "nan", "inf", "-inf", "-1", "0", "1", "2",
    str(2**63), str(10**40), "9" * 400, "9" * 5000, "²", "٣", "0x10", "1_000",
    "\x00", "a\x00b", LONE_SURROGATE, "a" + LONE_SURROGATE + "b", "\ufffd", "\u202eevil", "熊猫🐼", "é", "ß",
    "Ω≈ç√∫", "東郊記憶", "", " ", "\t\n", "x" * 5000, "../../etc/passwd", "%", "%00", "<script>x</script>",
    "'; drop table events; --", "{{7*7}}", "\\", "/", "?", "#", "a;b,c", "\r\nX-Injected: 1",
    "dongjiao-memory", "panda-south-gate", "m-240", "30.65,104.08", "nan,nan", "91,181", "1e308,1e308",
    "FREQ=SECONDLY", "FREQ=SECONDLY;COUNT=1000000", "FREQ=DAILY;UNTIL=99991231T000000Z", "FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=2",
    "staff", "planner", "admin", "root", "1", "on", "true", "mine", "theirs",
)
NUMBERS = ("1e-320", "1e308", "-0", "NaN", "inf", str(2**63), str(10**40), "-1", "0", "0.5")


def deep_json(depth: int = 1000) -> str:
    return "[" * depth + "]" * depth


def deep_object(depth: int = 1000) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


JSON_EXTREMES: tuple[Any, ...] = (
    None, True, 0, -0.0, 1e-320, 1e308, -1e308, 2**63, 10**40, -1, "", "\x00", "熊猫🐼", "x" * 5000,
    "0001-01-01", "9999-12-31", "30:01", "1000:00", [], {}, ["\x00"], [None] * 50, {"a": {"b": {"c": []}}},
    "\ud800", ["\udfff"], float("nan"), float("inf"),
)


def _bytes(text: str) -> bytes:
    """``text`` as a client may send it: UTF-8, a lone surrogate as its invalid bytes ``ED A0 80``."""
    return text.encode("utf-8", "surrogatepass")


def q(text: str) -> str:
    """Percent-encoding of ``text``'s bytes (a lone surrogate as ``%ED%A0%80``)."""
    return quote_from_bytes(_bytes(text), safe="")


def query_string(params: dict[str, str]) -> str:
    return "&".join(f"{q(k)}={q(v)}" for k, v in params.items())


def form_body(params: dict[str, str]) -> bytes:
    return query_string(params).encode("ascii")


class _Forms(HTMLParser):
    """The forms of a page: each one's action, method and fields with their values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").upper(),
                               "fields": {}, "multipart": "multipart" in (a.get("enctype") or "")})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self.forms[-1]["fields"].setdefault(a["name"], None)
                return
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "option" and self._select and ("selected" in a or not self.forms[-1]["fields"][self._select]):
            self.forms[-1]["fields"][self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@dataclass
class Case:
    role: str | None
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    rule: str = ""

    def url(self) -> str:
        joiner = "&" if "?" in self.path else "?"
        return self.path + (joiner + query_string(self.query) if self.query else "")


@dataclass
class Result:
    sent: int = 0
    slow: list[tuple[float, str]] = field(default_factory=list)
    seconds_by_rule: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


#: Query parameters the app reads, with a valid value each (the fuzzer replaces one or two).
QUERY_PARAMS = {
    "date": "2024-02-12", "from": "dongjiao-memory", "to": "panda-south-gate", "depart": "08:00",
    "arrive_by": "09:00", "start": "08:00", "end": "08:01", "shuttle": "1", "max_walk_m": "800",
    "min_transfer_s": "120", "format": "csv", "lang": "en", "venue": "", "month": "2024-02", "day_type": "weekday",
    "replications": "1", "seed": "1", "chart": "metrics", "job": "nope", "a": "", "b": "", "variant": "",
    "next": "/staff/", "time": "08:00", "time_is": "depart", "from_latlon": "30.65,104.08",
    "to_latlon": "30.66,104.09", "start_latlon": "30.65,104.08", "pace": "relaxed", "interests": "pandas",
    "must": "", "meal": "1", "end_time": "12:00", "start_time": "08:00",
}
#: Valid-looking JSON bodies of the API's POST endpoints (by rule).
JSON_BODIES = {
    "/api/itineraries": {"start": "dongjiao-memory", "date": "2024-02-12", "start_time": "08:00", "end_time": "12:00"},
    "/api/scenarios/<scenario_id>/simulate": {"date": "2024-02-12", "replications": 1, "seed": 1},
    "/api/scenarios/<scenario_id>/sweep": {"date": "2024-02-12", "headways_min": [20], "fleets": [3],
                                           "replications": 1, "seed": 1},
}
#: Routes whose valid requests take seconds (a simulated day, a day plan, a whole-day comparison): only
#: their invalid requests are fuzzed here (the valid ones are timed in benchmarks/, tested elsewhere).
SLOW_WHEN_VALID = ("/api/scenarios/<scenario_id>/simulate", "/scenarios/<scenario_id>/simulate",
                   "/scenarios/<scenario_id>/simulate.csv", "/scenarios/<scenario_id>/sweep",
                   "/api/scenarios/<scenario_id>/sweep", "/api/itineraries", "/itinerary", "/itinerary.ics",
                   "/scenarios")


class Fuzzer:
    """Cases for every rule of ``app``; :meth:`run` sends them through one test client per role."""

    def __init__(self, app, seed: int = 14):
        self.app = app
        self.rng = random.Random(seed)
        self.clients: dict[str | None, Any] = {}
        self.tokens: dict[str | None, str] = {}
        self.ids: dict[str, list[str]] = {}
        self.forms: list[tuple[str | None, dict[str, Any]]] = []
        self.verbose = False
        self.server: tuple[str, int] | None = None  # (host, port): send over HTTP to a real WSGI server

    def new_client(self):
        return HttpClient(*self.server) if self.server else self.app.test_client()

    # --- set up: accounts, their sessions, real ids, the forms of the pages

    def setup(self, forms: bool = True) -> None:
        accounts = self.app.extensions["planner"].accounts
        for role, name in (*ACCOUNTS.items(), ("staff", "fuzzee")):
            accounts.create(name, PASSWORD, role)
        for role in ROLES:
            self.login(role)
        state = self.app.extensions["planner"]
        # an event id of any script (ids are lower-case letters, digits and '-'): its file's name is not Latin-1
        first = state.calendar.all()[0].record
        state.calendar.create({**first, "id": "café-жж"}, "fuzz")
        events = sorted(s.id for s in state.calendar.all())
        events.insert(0, "café-жж")
        scenarios = [s.id for s in state.scenarios.all()]
        series = next(s.id for s in state.calendar.all() if s.event.rrule)
        self.ids = {"event_id": events[:3], "scenario_id": scenarios[:2], "name": ["fuzzee"],
                    "venue_id": ["dongjiao-memory", "panda-base", "zz-top"], "place_id": ["panda-south-gate"],
                    "token": ["A" * 32], "job_id": ["nope"], "filename": ["app.css", "../secret_key"],
                    "name_source": ["places.yaml"]}
        for role in ("staff", "planner", "admin") if forms else ():
            client = self.clients[role]
            for page in ("/staff/events/new", f"/staff/events/{events[0]}/edit", f"/staff/events/{events[0]}",
                         f"/staff/events/{series}",  # its sessions' forms: cancel, move, this and following
                         "/scenarios/new", f"/scenarios/{scenarios[0]}/edit", f"/scenarios/{scenarios[0]}",
                         f"/scenarios/{scenarios[0]}/sweep", "/admin/users", "/staff/import"):
                answer = client.get(page)
                if answer.status_code == 200:
                    for form in forms_of(answer.get_data(as_text=True)):
                        action = form["action"]
                        if action.startswith("/admin/users/") and action != "/admin/users/fuzzee":
                            continue  # the fuzzer's own accounts keep their passwords and roles
                        if form["method"] == "POST" and action not in ("/logout",):
                            self.forms.append((role, {**form, "action": form["action"] or page}))

    def login(self, role: str | None) -> None:
        client = self.new_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        if role is not None:
            answer = client.post("/login", data={"name": ACCOUNTS[role], "password": PASSWORD, "csrf_token": token})
            assert answer.status_code == 302, (role, answer.status_code)
            page = client.get("/staff/import" if role != "planner" else "/scenarios/new").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.clients[role], self.tokens[role] = client, token

    # --- the cases

    def extreme(self) -> str:
        return self.rng.choice(EXTREMES)

    def path_of(self, rule, valid: bool) -> str | None:
        parts = []
        for is_var, text in _rule_parts(rule.rule):
            if not is_var:
                parts.append(text)
                continue
            name = "name_source" if rule.rule == "/sources/<name>" else text
            value = self.rng.choice(self.ids.get(name) or ["x"]) if valid else self.extreme()
            if value in ("", ".", ".."):
                value = "x" + value
            parts.append(q(value).replace("%2F", "/") if "path:" in rule.rule else q(value))
        return "".join(parts)

    def cases(self, per_rule: int) -> Iterator[Case]:
        rules = sorted(self.app.url_map.iter_rules(), key=lambda r: r.rule)
        for rule in rules:
            allowed = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            for role in ROLES:
                for method in allowed:
                    for _ in range(per_rule):
                        yield self.case(rule, role, method)
                wrong = [m for m in METHODS if m not in allowed]
                if wrong:
                    yield self.case(rule, role, self.rng.choice(wrong))
        for role, form in self.forms:
            for _ in range(per_rule * 4):
                yield self.form_case(role, form)
        yield from self.hostile_sessions()
        yield from self.every_path_value(rules)
        yield from self.bodies_of_json_endpoints(rules)
        yield from self.known_cases()

    def known_cases(self) -> Iterator[Case]:
        """The requests that answered 500 before (issue 14), each once, as every role."""
        window = "from=dongjiao-memory&to=panda-south-gate&date=2024-02-12"
        for url in (f"/api/compare?{window}&start=08:00&end=08:01", f"/compare?{window}&start=08:00&end=08:01",
                    f"/api/compare?{window}&start=08:00&end=08:01&format=csv",
                    f"/api/compare?{window}&start=23:59&end=30:00",
                    "/api/journeys?from=m-240&to=bus-panda-south&date=2024-02-12&depart=08:00&max_walk_m=1e-320",
                    "/api/journeys?from=m-240&to=bus-panda-south&date=2024-02-12&depart=08:00&min_transfer_s=-0",
                    "/journeys?from=m-240&to=bus-panda-south&date=2024-02-12&depart=08:00&max_walk_m=1e308",
                    "/api/events?date=0001-01-01", "/api/events?date=9999-12-31", "/?date=9999-12-31",
                    "/?date=0001-01-01", "/staff/week?date=9999-12-31", "/staff/week?date=0001-01-01",
                    "/staff/month?month=9999-12", "/staff/month?month=0001-01",
                    f"/staff/events/{self.ids['event_id'][1]}?from=9999-12-31",
                    f"/events/{self.ids['event_id'][1]}?date=9999-12-31",
                    f"/scenarios/{self.ids['scenario_id'][0]}/gtfs.zip?from=9999-12-31",
                    f"/scenarios/{self.ids['scenario_id'][0]}/gtfs.zip?from=2099-12-31&to=2100-01-01",
                    "/events/caf%C3%A9-%D0%B6%D0%B6.ics", "/staff/export.ics"):
            path, _, query = url.partition("?")
            for role in ROLES:
                yield Case(role, "GET", path + ("?" + query if query else ""), rule="known " + path)

    def every_path_value(self, rules) -> Iterator[Case]:
        """Each path parameter of each rule once with each value that broke servers before."""
        for rule in rules:
            names = [text for is_var, text in _rule_parts(rule.rule) if is_var]
            method = "GET" if "GET" in (rule.methods or ()) else sorted((rule.methods or {"GET"}) - {"HEAD", "OPTIONS"})[0]
            role = "admin" if rule.rule.startswith(("/staff", "/admin")) else "planner"
            for name in names:
                for value in ("\x00", "a\x00b", LONE_SURROGATE, "熊猫🐼", "café-жж", "x" * 5000, "..", "%00"):
                    path = "".join(text if not is_var else (q(value) if text == name else
                                   q(self.rng.choice(self.ids.get(text) or ["x"])))
                                   for is_var, text in _rule_parts(rule.rule))
                    case = Case(role, method, path, rule=rule.rule)
                    if method != "GET":
                        params: dict[str, str] = {}
                        self.sign(case, params)
                        case.body, case.content_type = form_body(params), "application/x-www-form-urlencoded"
                    yield case

    def bodies_of_json_endpoints(self, rules) -> Iterator[Case]:
        """Every JSON endpoint with deep nesting, NUL, lone surrogates and numbers at the ends of a double."""
        bodies = [deep_json(), deep_object(), deep_json(30000), '{"date": "\\u0000"}', '{"date": "\\ud800"}',
                  '{"\\ud800": 1}', '{"replications": 1e308}', '{"replications": -0.0}', '{"seed": 1e-320}',
                  '{"replications": NaN}', '{"seed": ' + "9" * 5000 + "}", '{"date": "9999-12-31"}',
                  '{"date": "0001-01-01"}', '{"start": "\\ud800", "date": "2024-02-12"}']
        for rule in rules:
            if not rule.rule.startswith("/api/") or "POST" not in (rule.methods or ()):
                continue
            for role in (None, "planner"):
                for body in bodies:
                    path = self.path_of(rule, True)
                    for content_type in ("application/json", "text/plain"):
                        yield Case(role, "POST", path, body=body.encode(), content_type=content_type, rule=rule.rule)

    def case(self, rule, role: str | None, method: str) -> Case:
        rng = self.rng
        valid_path = rng.random() < 0.75
        path = self.path_of(rule, valid_path)
        query = {}
        slow = rule.rule in SLOW_WHEN_VALID
        if method == "GET" or rng.random() < 0.2:
            names = rng.sample(sorted(QUERY_PARAMS), rng.randint(0, 4))
            query = {n: QUERY_PARAMS[n] for n in names}
            if "compare" in rule.rule or rule.rule.startswith("/shuttle"):  # a short window: a whole day takes seconds
                query = {"date": "2024-02-12", "start": "08:00", "end": "08:05", **query}
                names = sorted(query)
            for n in rng.sample(names, min(len(names), rng.randint(1, 2))) if names else ():
                query[n] = self.extreme()
            if slow and method == "GET":
                query["date"] = rng.choice(("0001-01-01", "9999-12-31", "\x00", "2024-02-30"))
        case = Case(role, method, path, query, rule=rule.rule)
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            self.body_of(case, rule.rule, slow)
        return case

    def body_of(self, case: Case, rule: str, slow: bool) -> None:
        rng = self.rng
        kind = rng.random()
        if rule.startswith("/api/") or kind < 0.25:
            base = dict(JSON_BODIES.get(rule, {"name": "x"}))
            pick = rng.random()
            if pick < 0.15:
                text = rng.choice((deep_json(), deep_object(), deep_json(30000)))
            elif pick < 0.25:
                text = rng.choice(("", "{", "null", "[]", '"x"', "1e400", "NaN", '{"a":1,"a":2}', "\x00"))
            else:
                for name in rng.sample(sorted(base), min(len(base), rng.randint(1, 2))):
                    base[name] = rng.choice(JSON_EXTREMES)
                if rng.random() < 0.3:
                    base[rng.choice(("extra", "\x00", "熊猫"))] = rng.choice(JSON_EXTREMES)
                if slow and "date" in base and not isinstance(base["date"], str):
                    base["date"] = "9999-12-31"
                if slow:
                    base["date"] = rng.choice(("0001-01-01", "9999-12-31", "\x00", None, 5))
                text = json.dumps(base, ensure_ascii=rng.random() < 0.5)
            case.body = _bytes(text)
            case.content_type = rng.choice(("application/json", "application/json", "application/json; charset=latin-1",
                                            "text/plain", "application/x-www-form-urlencoded", None))
        else:
            params = {n: self.extreme() for n in rng.sample(sorted(QUERY_PARAMS), rng.randint(0, 3))}
            self.sign(case, params)
            case.body = form_body(params)
            case.content_type = "application/x-www-form-urlencoded"

    def sign(self, case: Case, params: dict[str, str]) -> None:
        """A CSRF token: the session's (mostly), another's, a broken one, or none."""
        pick = self.rng.random()
        if pick < 0.8:
            params["csrf_token"] = self.tokens[case.role]
        elif pick < 0.9:
            params["csrf_token"] = self.rng.choice(("", "\x00", "x" * 5000, self.tokens[None] + "x", "熊猫"))

    def form_case(self, role: str | None, form: dict[str, Any]) -> Case:
        rng = self.rng
        fields = {k: v for k, v in form["fields"].items() if v is not None}
        names = sorted(n for n in form["fields"] if n != "csrf_token")
        for name in rng.sample(names, min(len(names), rng.randint(1, 3))) if names else ():
            fields[name] = self.extreme()
        fields.pop("csrf_token", None)
        case = Case(role, "POST", form["action"].split("?")[0], rule="form " + form["action"])
        action_query = form["action"].split("?", 1)[1] if "?" in form["action"] else ""
        if action_query:
            case.path = form["action"]
        if any(s in form["action"] for s in ("/simulate", "/sweep")):
            fields["date"] = rng.choice(("0001-01-01", "9999-12-31", "\x00"))
        self.sign(case, fields)
        if form["multipart"]:
            case.body, case.content_type = _multipart(fields, rng)
        else:
            case.body, case.content_type = form_body(fields), "application/x-www-form-urlencoded"
        return case

    def hostile_sessions(self) -> Iterator[Case]:
        """Bad cookies: garbage, a cookie of another key, NUL, a huge one."""
        for value in ("garbage", "\x00", "x" * 4000, ".eJyrVkrOz0nNTVWyUkpKzEvOyFQ.Zz.sig", "熊猫", "e30.abc.def"):
            for path in ("/staff/week", "/api/places", "/scenarios", "/admin/users", "/"):
                yield Case(None, "GET", path, headers={"Cookie": "session=" + q(value)}, rule="cookie " + path)
            yield Case(None, "POST", "/login", body=form_body({"name": value, "password": value, "csrf_token": value}),
                       content_type="application/x-www-form-urlencoded", headers={"Cookie": "session=" + q(value)},
                       rule="cookie /login")

    # --- sending

    def run(self, per_rule: int = 3) -> Result:
        result = Result()
        started = time.perf_counter()
        for case in self.cases(per_rule):
            self.send(case, result)
        result.seconds = time.perf_counter() - started
        return result

    def send(self, case: Case, result: Result) -> None:
        client = self.clients[case.role] if not case.headers.get("Cookie") else self.new_client()
        headers = dict(case.headers)
        if case.content_type:
            headers["Content-Type"] = case.content_type
        if self.rng.random() < 0.1:
            headers["Accept"] = self.rng.choice(("application/json", "*/*", "text/html;q=0.1", "\x7f"))
        began = time.perf_counter()
        try:
            answer = client.open(case.url(), method=case.method, data=case.body, headers=headers,
                                 environ_base={"REMOTE_ADDR": "192.0.2.7"})  # its failed logins lock out no re-login
        except Exception as exc:  # noqa: BLE001 - an unhandled error (TESTING propagates it): a 500
            where = traceback.extract_tb(exc.__traceback__)[-3:]
            result.by_status[500] += 1
            result.failures.append(f"500 {case.role} {case.method} {case.url()[:200]} [{case.rule}]: raised {exc!r} "
                                   f"at {' < '.join(f'{f.name}:{f.lineno}' for f in reversed(where))} "
                                   f"body={(case.body or b'')[:300]!r}")
            return
        result.sent += 1
        status = answer.status_code
        took = time.perf_counter() - began
        result.seconds_by_rule[case.rule.split(" ")[0] + " " + case.rule.split(" ")[-1]] += took
        if took > 1.0:
            result.slow.append((took, f"{status} {case.role} {case.method} {case.url()[:200]} [{case.rule}]"))
            if self.verbose:
                print(f"slow {took:.1f}s {result.slow[-1][1]}", flush=True)
        result.by_status[status] += 1
        if status >= 500 and status != 503:
            result.failures.append(f"{status} {case.role} {case.method} {case.url()[:300]} [{case.rule}] "
                                   f"body={(case.body or b'')[:200]!r} ct={case.content_type}")
        elif status == 503 and "Retry-After" not in answer.headers:
            result.failures.append(f"503 without Retry-After {case.method} {case.url()[:200]}")
        for name, value in answer.headers.items():  # a WSGI server sends headers as Latin-1 (PEP 3333): else a 500
            try:
                value.encode("latin-1")
            except UnicodeEncodeError:
                result.failures.append(f"header {name} not Latin-1 ({value[:80]!r}): {case.method} {case.url()[:200]}")
        path = case.path.split("?")[0]
        csv = status < 400 and answer.mimetype == "text/csv" and case.query.get("format", "csv" if "format=csv" in
                                                                                    case.path else "") == "csv"
        framing = b"(generated by waitress)" in answer.get_data()[-40:]  # refused before the app saw it
        if path.startswith("/api/") and not (path == "/api/docs" and status < 400) and not csv and not framing:
            if status != 304 and not (answer.mimetype == "application/json"
                                        or answer.mimetype.endswith("+json")):
                result.failures.append(f"not JSON ({answer.mimetype}, {status}) {case.role} {case.method} "
                                       f"{case.url()[:200]} headers={headers} answer={answer.get_data()[:200]!r}")
        if case.role is not None and (case.path == "/logout" or status == 401 and case.path != "/login"):
            self.login(case.role)  # the session ended (a logout): log in again for the next cases


class _Answer:
    """What :class:`HttpClient` got, with the test client's names."""

    def __init__(self, status: int, headers, body: bytes):
        from werkzeug.datastructures import Headers

        self.status_code, self.headers, self.data = status, Headers(headers), body
        self.mimetype = (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def get_data(self, as_text: bool = False):
        return self.data.decode("utf-8", "replace") if as_text else self.data


class HttpClient:
    """A client over real HTTP (http.client) keeping its cookies, for a run against a WSGI server."""

    def __init__(self, host: str, port: int):
        self.host, self.port, self.cookies = host, port, {}

    def open(self, url: str, method: str = "GET", data: bytes | dict | None = None, headers=None,
             environ_base=None) -> _Answer:
        import http.client

        headers = dict(headers or {})
        if isinstance(data, dict):
            data, headers["Content-Type"] = form_body(data), "application/x-www-form-urlencoded"
        if self.cookies and "Cookie" not in headers:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            url = "".join(c if " " < c < "\x7f" else q(c) for c in url)  # a browser's escapes of what a URL cannot hold
            conn.putrequest(method, url, skip_accept_encoding=True)
            body = data or b""
            for name, value in headers.items():
                conn.putheader(name, value.encode("latin-1", "replace"))
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            answer = _Answer(response.status, response.getheaders(), response.read())
        finally:
            conn.close()
        for name, value in answer.headers.items():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        return answer

    def get(self, url: str, **kwargs) -> _Answer:
        return self.open(url, "GET", **kwargs)

    def post(self, url: str, data=None, **kwargs) -> _Answer:
        return self.open(url, "POST", data, **kwargs)


def serve(app) -> tuple[Any, tuple[str, int]]:
    """``app`` on waitress (the production server of ``planner serve``) on a free loopback port, in a thread."""
    import threading

    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4, clear_untrusted_proxy_headers=True)
    threading.Thread(target=server.run, daemon=True).start()
    return server, ("127.0.0.1", server.effective_port)


def _rule_parts(rule: str) -> list[tuple[bool, str]]:
    parts: list[tuple[bool, str]] = []
    for i, piece in enumerate(re.split(r"<([^>]+)>", rule)):
        if i % 2:
            parts.append((True, piece.split(":")[-1]))
        elif piece:
            parts.append((False, piece))
    return parts


def _multipart(fields: dict[str, str], rng: random.Random) -> tuple[bytes, str]:
    boundary = "fuzzboundary7MA4YWxkTrZu0gW"
    chunks = []
    for name, value in fields.items():
        if name == "file":
            continue
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                      + _bytes(value) + b"\r\n")
    filename = rng.choice(("a.ics", "熊猫.ics", "\x00.ics", "../../x.ics", "", "x" * 300 + ".ics"))
    content = rng.choice((
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:" + _bytes(rng.choice(EXTREMES)) +
        b"\r\nDTSTART:" + _bytes(rng.choice(("00010101T000000Z", "99991231T235959Z", "20240212T080000", "x"))) +
        b"\r\nDTEND:99991231T235959Z\r\nSUMMARY:" + _bytes(rng.choice(EXTREMES)) + b"\r\nRRULE:" +
        _bytes(rng.choice(("FREQ=SECONDLY", "FREQ=DAILY;COUNT=5", "FREQ=YEARLY;UNTIL=99991231T000000Z", ""))) +
        b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        b"\x00" * 100, b"\xff\xfe\x00B", b"", b"BEGIN:VCALENDAR\r\n" * 100,
    ))
    chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
                  + _bytes(filename) + b'"\r\nContent-Type: text/calendar\r\n\r\n' + content + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def make_app(url: str, folder) -> Any:
    from planner.web import create_app

    return create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": url, "IMPORT_DIR": str(folder / "imports"),
                       "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})


def main() -> None:
    import argparse
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--cases", type=int, default=3, help="cases per rule, method and role")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--server", action="store_true", help="over HTTP to the app on waitress (not the test client)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    app = make_app(args.database_url or f"sqlite:///{folder / 'planner.db'}", folder)
    fuzzer = Fuzzer(app, args.seed)
    if args.server:
        app.testing = False  # an unhandled error is a 500 answer, as in production
        _server, fuzzer.server = serve(app)
    fuzzer.verbose = True
    fuzzer.setup()
    result = fuzzer.run(args.cases)
    for failure in result.failures:
        print(failure)
    for rule, seconds in result.seconds_by_rule.most_common(12):
        print(f"{seconds:6.1f} s  {rule}")
    print(f"{result.sent} requests in {result.seconds:.1f} s; statuses {dict(sorted(result.by_status.items()))}; "
          f"{len(result.failures)} failures")


if __name__ == "__main__":
    main()
