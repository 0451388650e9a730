"""Every page of the app, on a phone and a desktop, in English and in Chinese.

For each page at 390 px (a phone) and 1280 px (a desktop) in both languages, in Debian's headless
Chromium, prints:

* the document's width against the viewport (``document.documentElement.scrollWidth``; wider than
  the viewport means the page scrolls sideways);
* the time to load: navigation start to the load event (HTML, CSS, scripts and images; the map's
  GeoJSON and tiles, fetched after, are not in it), with the server in this process. The first load of a
  page is cold (that day's timetable, comparison or plan is built inside it), so the table shows the
  phone's English load (the first) and the median of the four;
* untranslated strings: the page's visible text nodes and its ``title``, ``aria-label``,
  ``placeholder`` and ``alt`` attributes, each counted once per page when it is written in the other
  language's script:

  - an English page: a string with a Han character (U+3400-U+9FFF, U+F900-U+FAFF);
  - a Chinese page: a string with a Latin word of two or more letters that is not an abbreviation
    (all capitals: GTFS, CSV, CNY, API ...) nor a unit or a product's name (``km``, ``min``,
    ``iCalendar``, ``OpenStreetMap``, ``Leaflet``, ``AMap``, ``Swagger``: see ``LATIN_OK``); a token
    with a digit, ``_``, ``/``, ``.``, ``:`` or ``@`` is an identifier, not a word (``places.yaml``,
    ``fleet_size``, ``Asia/Shanghai``, ``p95``).

  Text inside a closed ``details`` counts (a tap shows it: an estimate's reason). On a Chinese page
  a value in Chinese quotes (“atlantis”: what the visitor typed) is exempt.

  Exempt, as HTML says it: text inside an element whose ``lang`` is the other language (a proper
  name given in both languages side by side, the language switch naming itself), inside
  ``translate="no"`` (identifiers such as an event's id, a person's user name) or inside ``code``,
  ``kbd``, ``samp`` or ``pre``, and a ``textarea``'s text (a field's value being edited, as an
  ``input``'s value, which is no text node, is not counted either). Staff data shown as data (an event title typed only in Chinese) is
  marked so by the page, not exempted here.

Targets: no page wider than its viewport; no untranslated string.

Run: .venv/bin/python benchmarks/pages.py [--widths 390,1280] [--only PATH-PREFIX] [--show]

``--show`` prints each untranslated string found. The page list (``PAGES``) is shared with
tests/test_phone_widths.py, which fails when a GET route of the app has no sample page here.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where benchmarks/calendar.py would hide the
# standard library's calendar module: put the project there instead.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from dataclasses import dataclass  # noqa: E402

DAY = "2024-02-12"  # Spring Festival week: events at both sites
PASSWORD = "correct horse battery"
FAST_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
ACCOUNTS = {"staff": "sally", "planner": "pat", "admin": "ada"}
CANCELLED_EVENT = "guochao-buskers-east-stage-2024"  # its session of DAY is cancelled in the sample app
CANCELLED_START = dt.datetime.fromisoformat(f"{DAY}T15:00:00+08:00")
CHROMIUM = "/usr/bin/chromium"

#: (who, path) for every page: ``who`` is None for a visitor, else the role logged in.
PAGES: list[tuple[str | None, str]] = [
    (None, f"/?date={DAY}"),
    (None, f"/places/dj-east-stage?date={DAY}"),
    (None, f"/places/panda-kindergarten?date={DAY}"),
    (None, "/places/atlantis"),  # the error page (404)
    (None, f"/events/hello-su-dongpo-2024?date={DAY}"),
    (None, f"/events/{CANCELLED_EVENT}?date={DAY}"),
    (None, f"/journeys?from=dongjiao-memory&to=panda-base&date={DAY}&time=09:00&shuttle=1"),
    (None, "/journeys"),
    (None, f"/compare?date={DAY}"),
    (None, f"/itinerary?date={DAY}&start=dongjiao-memory&start_time=09:00&end_time=18:00&shuttle=compare"),
    (None, "/itinerary"),
    (None, f"/shuttle?date={DAY}"),
    (None, "/sources"),
    (None, "/api/docs"),
    (None, "/login"),
    ("staff", "/staff/"),
    ("staff", f"/staff/week?date={DAY}"),
    ("staff", "/staff/month?month=2024-02"),
    ("staff", f"/staff/events/{CANCELLED_EVENT}"),
    ("staff", "/staff/events/hello-su-dongpo-2024/edit"),
    ("staff", "/staff/events/new"),
    ("staff", "/staff/import"),
    ("planner", "/scenarios"),
    ("planner", "/scenarios/new"),
    ("planner", "/scenarios/dj-panda-shuttle"),
    ("planner", "/scenarios/dj-panda-shuttle/edit"),
    ("planner", f"/scenarios/dj-panda-shuttle/simulate?date={DAY}&replications=2"),
    ("planner", "/scenarios/dj-panda-shuttle/sweep"),
    ("admin", "/admin/users"),
]

#: GET routes that answer no page (data, feeds, files): checked by the test to answer something else.
NOT_PAGES = {
    "/api/compare", "/api/events", "/api/jobs/<job_id>", "/api/journeys", "/api/network.geojson",
    "/api/openapi.json", "/api/places", "/api/scenarios", "/api/scenarios/<scenario_id>", "/calendar.ics",
    "/calendar/<venue_id>.ics", "/events/<event_id>.ics", "/favicon.ico", "/itinerary.ics",
    "/scenarios/<scenario_id>/blocks.csv", "/scenarios/<scenario_id>/gtfs.zip",
    "/scenarios/<scenario_id>/simulate.csv", "/scenarios/<scenario_id>/sweep.csv", "/shuttle.csv",
    "/staff/export.ics", "/static/<path:filename>", "/sources/<name>",
    "/healthz", "/readyz", "/metrics",  # for load balancers and Prometheus: plain text, not pages
}

#: Pages in one language by design, counted and shown but left out of the total (with the reason).
ONE_LANGUAGE = {"/api/docs": "Swagger UI over the OpenAPI document: the programmers' reference, in English"}

#: Latin words a Chinese page may show: units and names of products that have no Chinese name.
LATIN_OK = {"km", "m", "min", "s", "h", "kg", "iCalendar", "OpenStreetMap", "Leaflet", "AMap", "Swagger",
            "OpenAPI", "webcal", "http", "https", "ics", "csv", "zip", "json", "geojson", "vs",
            "Livehouse"}  # a live-music club: the word Chinese uses (东郊记忆的 Livehouse), no translation

#: In the page: every string shown (text nodes, then the attributes a person reads), with the
#: exemptions of the module docstring. Returns [[text, where], ...].
STRINGS_JS = """(lang) => {
  const other = lang === 'zh' ? 'en' : 'zh';
  const exempt = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      if (['CODE', 'KBD', 'SAMP', 'PRE', 'TEXTAREA', 'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(e.tagName)) return true;
      if (e.getAttribute('translate') === 'no') return true;
      const l = e.getAttribute('lang');
      if (l && e !== document.documentElement && l.toLowerCase().startsWith(other)) return true;
    }
    return false;
  };
  const shown = (el) => { const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0; };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue.trim();
    const el = n.parentElement;
    if (text && el && !exempt(el) && (shown(el) || el.tagName === 'OPTION' || el.closest('details'))) out.push([text, el.tagName.toLowerCase()]);
  }
  for (const el of document.body.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
    if (exempt(el)) continue;
    for (const a of ['title', 'aria-label', 'placeholder', 'alt']) {
      const v = (el.getAttribute(a) || '').trim();
      if (v) out.push([v, el.tagName.toLowerCase() + '@' + a]);
    }
  }
  const title = document.title.trim();
  if (title) out.push([title, 'title']);
  return out;
}"""


def untranslated(strings: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """The strings written in the other language's script (each once), as the module docstring says.

    >>> untranslated([("Line 7", "td"), ("7号线", "td"), ("东郊记忆", "a")], "en")
    [('7号线', 'td'), ('东郊记忆', 'a')]
    >>> untranslated([("7号线", "td"), ("GTFS 数据", "p"), ("12 km", "td"), ("Cancelled", "span"),
    ...               ("fleet_size", "dt"), ("（Asia/Shanghai，UTC+8）", "p"), ("by sally", "p")], "zh")
    [('Cancelled', 'span'), ('by sally', 'p')]
    """
    import re

    han = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
    token = re.compile(r"[A-Za-z0-9_./:@'’-]+")
    word = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
    quoted = re.compile(r"“[^”]*”|‘[^’]*’|「[^」]*」")  # a value quoted as typed ('没有地点“atlantis”')
    found, seen = [], set()
    for text, where in strings:
        text_read = quoted.sub("", text) if lang == "zh" else text
        if lang == "en":
            bad = bool(han.search(text_read))
        else:
            bad = any(word.fullmatch(t) and not t.isupper() and t not in LATIN_OK and t.lower() not in LATIN_OK
                      for t in (t.strip("'’-") for t in token.findall(text_read)))
        if bad and text not in seen:
            seen.add(text)
            found.append((text, where))
    return found


def sample_app(folder: Path):
    """The app over the bundled data and a new SQLite database in ``folder``, with one account per
    role and the 15:00 session of the east-stage buskers on DAY cancelled (as staff would)."""
    from planner.store.series_edits import cancel_session
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "PASSWORD_HASH_PARAMS": FAST_HASH, "JOB_WORKERS": 1,
                      "DATABASE_URL": f"sqlite:///{folder / 'pages.db'}", "IMPORT_DIR": str(folder / "imports")})
    services = app.extensions["planner"]
    for role, name in ACCOUNTS.items():
        services.accounts.create(name, PASSWORD, role)
    stored = services.calendar.get(CANCELLED_EVENT)
    record = cancel_session(stored.record, CANCELLED_START)
    services.calendar.update(CANCELLED_EVENT, {"overrides": record["overrides"], "exdates": record["exdates"]},
                             stored.version, ACCOUNTS["staff"],
                             note=f"cancelled the session of {CANCELLED_START:%Y-%m-%d %H:%M}")  # as the staff view notes it
    return app


def serve(app) -> tuple[str, object]:
    """The app served on a free local port (werkzeug, threaded); returns its base URL and the server."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def launch(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])


def contexts(browser, base: str) -> dict:
    """A browser context per visitor kind (None: not logged in; else the role), each logged in."""
    out = {None: browser.new_context()}
    for role, name in ACCOUNTS.items():
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/login?lang=en")
        page.fill("#name", name)
        page.fill("#password", PASSWORD)
        page.click("#login")
        page.wait_for_load_state()
        assert page.locator("#password").count() == 0, f"{name} could not log in"
        page.close()
        out[role] = context
    return out


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@dataclass
class Measure:
    path: str
    who: str | None
    lang: str
    viewport: int
    status: int
    width: int
    load_ms: float
    untranslated: list[tuple[str, str]]


def measure(page, base: str, who: str | None, path: str, lang: str, width: int) -> Measure:
    """Load ``path`` in ``lang`` at ``width`` px and measure it (the page is left on it)."""
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    answer = page.goto(base + with_lang(path, lang), wait_until="load")
    load_ms = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                            " return n.loadEventEnd - n.startTime; }")
    page.wait_for_timeout(50)  # scripts that draw after the load event (maps, charts)
    doc_width = page.evaluate("document.documentElement.scrollWidth")
    strings = [tuple(s) for s in page.evaluate(STRINGS_JS, lang)]
    return Measure(path, who, lang, width, answer.status if answer else 0, doc_width, load_ms,
                   untranslated(strings, lang))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default="390,1280")
    parser.add_argument("--only", default="", help="only pages whose path starts so")
    parser.add_argument("--show", action="store_true", help="print every untranslated string")
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    app = sample_app(folder)
    base, server = serve(app)
    rows: list[Measure] = []
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            by_who = contexts(browser, base)
            pages = {who: context.new_page() for who, context in by_who.items()}
            for who, path in PAGES:
                if not path.startswith(args.only):
                    continue
                for width in widths:
                    for lang in ("en", "zh"):
                        rows.append(measure(pages[who], base, who, path, lang, width))
            browser.close()
    finally:
        server.shutdown()
        app.extensions["planner"].close()
    report(rows, widths, args.show)


def report(rows: list[Measure], widths: list[int], show: bool) -> None:
    head = f"{'page':<58} {'who':<7} {'lang':<4}" + "".join(f" {f'{w} px: width':>14} {'ms':>6}" for w in widths)
    print(head + f" {'untranslated':>12}")
    keys = list(dict.fromkeys((r.path, r.who, r.lang) for r in rows))
    for path, who, lang in keys:
        mine = {r.viewport: r for r in rows if (r.path, r.who, r.lang) == (path, who, lang)}
        cells = ""
        for w in widths:
            r = mine.get(w)
            flag = "!" if r and r.width > w else " "
            cells += f" {f'{r.width}{flag}' if r else '-':>14} {f'{r.load_ms:.0f}' if r else '-':>6}"
        counts = {len(r.untranslated) for r in mine.values()}
        shown = path if len(path) <= 58 else path[:55] + "..."
        print(f"{shown:<58} {who or '-':<7} {lang:<4}{cells} {max(counts):>12}")
        if show:
            seen: set[str] = set()
            for r in mine.values():
                for text, where in r.untranslated:
                    if text not in seen:
                        seen.add(text)
                        print(f"    {where:<12} {text[:110]!r}")
    over = [r for r in rows if r.width > r.viewport]
    loads = [r.load_ms for r in rows]
    counted = [k for k in keys if k[0] not in ONE_LANGUAGE]
    strings = sum(max(len(r.untranslated) for r in rows if (r.path, r.who, r.lang) == key) for key in counted)
    aside = sum(max(len(r.untranslated) for r in rows if (r.path, r.who, r.lang) == key)
                for key in keys if key[0] in ONE_LANGUAGE)
    print(f"\n{len(keys) // 2} pages x {len(widths)} widths x 2 languages = {len(rows)} loads")
    print(f"wider than the viewport: {len(over)} (target 0)"
          + "".join(f"\n  {r.path} {r.lang} {r.viewport} px: {r.width} px" for r in over))
    pages_with = sum(1 for k in counted if any(r.untranslated for r in rows if (r.path, r.who, r.lang) == k))
    print(f"untranslated strings: {strings} (target 0), on {pages_with} of {len(counted)} page-languages")
    for path, why in ONE_LANGUAGE.items():
        print(f"  not counted: {path}, {aside} strings ({why})")
    print(f"load: median {statistics.median(loads):.0f} ms, slowest {max(loads):.0f} ms "
          f"({max(rows, key=lambda r: r.load_ms).path} {max(rows, key=lambda r: r.load_ms).lang})")
    bad_status = [r for r in rows if r.status != 200 and not r.path.startswith("/places/atlantis")]
    if bad_status:
        print("pages not answering 200: " + ", ".join(f"{r.path} {r.lang} {r.status}" for r in bad_status))


if __name__ == "__main__":
    main()
