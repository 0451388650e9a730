"""JSON-ready descriptions of places and events, shared by the API and the pages."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from urllib.parse import urlencode

import networkx as nx
import yaml
from dateutil.rrule import rrulestr

from planner.domain.geo import wgs84_to_gcj02
from planner.domain.model import TZ, Event, HoursRule, Model, Occurrence, Place, format_clock
from planner.domain.opening import within_dates
from planner.messages import clock, gettext, joined, weekday_short
from planner.routing.network import place_node
from planner.web.presenters.estimates import in_lang


def amap_url(lat: float, lon: float, name: str) -> str:
    """A link that opens a WGS84 point in AMap, which expects GCJ-02.

    Examples
    --------
    >>> amap_url(30.735095, 104.143645, "South Gate")[:60]
    'https://uri.amap.com/marker?position=104.146155%2C30.732694&'
    """
    gcj_lat, gcj_lon = wgs84_to_gcj02(lat, lon)
    query = urlencode({"position": f"{gcj_lon:.6f},{gcj_lat:.6f}", "name": name,
                       "coordinate": "gaode", "callnative": 0})
    return f"https://uri.amap.com/marker?{query}"


def hours_on(place: Place, day: dt.date) -> dict | None:
    """``open``, ``close`` and ``last_entry`` as HH:MM on ``day``; None when closed that day or outside
    the place's dates (an exhibition hall after its exhibition)."""
    hours = within_dates(place.hours, place).on(day)
    if hours is None:
        return None
    return {"open": format_clock(hours.open_s), "close": format_clock(hours.close_s),
            "last_entry": format_clock(hours.last_entry_s)}


def place_info(model: Model, place: Place, day: dt.date, lang: str) -> dict:
    site = model.sites[place.site_id]
    return {
        "id": place.id, "kind": place.kind, "site": place.site_id, "site_name": site.name(lang),
        "name": place.name(lang), "name_zh": place.name_zh, "name_en": place.name_en,
        "lat": place.lat, "lon": place.lon,
        "hours_on_date": hours_on(place, day), "date": day.isoformat(),
        "visit_min": place.visit_s // 60, "price_cny": place.price_cny, "tags": list(place.tags),
        "source": place.source, "assumption": place.assumption,
        "amap_url": amap_url(place.lat, place.lon, place.name_zh),
    }


def occurrence_info(model: Model, event: Event, occ: Occurrence, lang: str) -> dict:
    venue = model.places[event.venue_id]
    return {
        "id": event.id, "title": event.title(lang), "title_zh": event.title_zh, "title_en": event.title_en,
        "description": event.description(lang), "venue": venue.id, "venue_name": venue.name(lang),
        "site": venue.site_id, "start": occ.start.isoformat(), "end": occ.end.isoformat(),
        "all_day": event.all_day, "status": event.status, "price_cny": event.price_cny, "capacity": event.capacity,
        "tags": list(event.tags), "source": event.source, "assumption": event.assumption,
    }


def events_on(model: Model, day: dt.date, lang: str) -> list[dict]:
    return [occurrence_info(model, ev, occ, lang) for ev, occ in model.events_on(day)]


def events_by_id(sessions: list[dict], statuses: tuple[str, ...] = ("scheduled",),
                 all_day: str = "all day") -> list[dict]:
    """One entry per event of a day's sessions (as :func:`events_on` gives them), in order of its first
    session: ``id``, ``title``, ``venue_name``, ``status`` and ``times`` (``HH:MM-HH:MM`` per session,
    ``all_day`` for a session of an all-day event: its midnights are no times of day).

    The day-plan form lists these as must-sees; ``static/js/forms.js`` builds the same from ``/api/events``.

    Examples
    --------
    >>> day = [{"id": "a", "title": "A", "venue_name": "V", "status": "scheduled",
    ...         "start": "2024-02-12T10:00:00+08:00", "end": "2024-02-12T10:30:00+08:00"},
    ...        {"id": "a", "title": "A", "venue_name": "V", "status": "scheduled",
    ...         "start": "2024-02-12T14:00:00+08:00", "end": "2024-02-12T14:30:00+08:00"}]
    >>> events_by_id(day)
    [{'id': 'a', 'title': 'A', 'venue_name': 'V', 'status': 'scheduled', 'times': ['10:00-10:30', '14:00-14:30']}]
    """
    found: dict[str, dict] = {}
    for session in sessions:
        if session["status"] not in statuses:
            continue
        entry = found.setdefault(session["id"], {key: session[key] for key in ("id", "title", "venue_name", "status")})
        times = all_day if session.get("all_day") else f"{session['start'][11:16]}-{session['end'][11:16]}"
        entry.setdefault("times", []).append(times)
    return list(found.values())


#: How far ahead a place's page looks for the next session of its events.
NEXT_SESSION_DAYS = 366


def event_dates(event: Event) -> tuple[dt.date, dt.date | None]:
    """The local dates of an event's first and last session (None: its series has no end).

    Examples
    --------
    >>> ev = Event(id="x", start=dt.datetime(2024, 2, 10, 19, tzinfo=TZ), end=dt.datetime(2024, 2, 10, 21, tzinfo=TZ),
    ...            rrule="FREQ=DAILY;COUNT=3")
    >>> event_dates(ev), event_dates(Event(id="y", start=ev.start, end=ev.end, rrule="FREQ=WEEKLY"))[1]
    ((datetime.date(2024, 2, 10), datetime.date(2024, 2, 12)), None)
    """
    first = event.start.astimezone(TZ).date()
    if not event.rrule:
        return first, event.end.astimezone(TZ).date()
    if not any(part in event.rrule.upper() for part in ("UNTIL", "COUNT")):
        return first, None
    starts = list(rrulestr(event.rrule, dtstart=event.start))
    last = (starts[-1] if starts else event.start) + (event.end - event.start)
    return first, last.astimezone(TZ).date()


def programme_at(model: Model, place_id: str, day: dt.date, lang: str) -> list[dict]:
    """Every event held at a place, for its page on ``day``: its dates, whether it is on that day,
    and when not, its next session within :data:`NEXT_SESSION_DAYS` (or None).

    Each entry: ``id``, ``title``, ``status``, ``first`` and ``last`` (ISO dates, ``last`` None for
    a series with no end), ``on_day`` and ``next`` (``YYYY-MM-DD HH:MM`` or None).
    """
    found = []
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), TZ)
    for event in sorted((e for e in model.events.values() if e.venue_id == place_id), key=lambda e: e.start):
        first, last = event_dates(event)
        later = event.occurrences_between(start, start + dt.timedelta(days=NEXT_SESSION_DAYS))
        found.append({
            "id": event.id, "title": event.title(lang), "status": event.status,
            "first": first.isoformat(), "last": last.isoformat() if last else None,
            "on_day": bool(event.occurrences_on(day)),
            "next": later[0].start.astimezone(TZ).strftime("%Y-%m-%d" if event.all_day else "%Y-%m-%d %H:%M")
            if later else None,
        })
    return found


def nearby_stops(graph: nx.MultiDiGraph, place_id: str, limit: int = 5) -> list[dict]:
    """Transit and shuttle stops within walking distance of a place, nearest first."""
    found = []
    for _, stop, data in graph.out_edges(place_node(place_id), data=True):
        if data["mode"] == "walk" and graph.nodes[stop]["kind"] in ("stop", "shuttle_stop"):
            node = graph.nodes[stop]
            found.append({"node": stop, "name_zh": node["name_zh"], "name_en": node["name_en"],
                          "kind": node["kind"], "walk_s": data["travel_time_s"],
                          "distance_m": data["distance_m"]})
    return sorted(found, key=lambda s: s["walk_s"])[:limit]


def describe_rule(rule: HoursRule, lang: str) -> str:
    """One opening-hours rule in words, from the message catalogue.

    Examples
    --------
    >>> describe_rule(HoursRule(months=frozenset({12, 1, 2}), open_s=28800, close_s=63000), "en")
    'months 1, 2, 12: 08:00-17:30'
    >>> describe_rule(HoursRule(weekdays=frozenset({0}), date_from=dt.date(2023, 12, 25), closed=True), "zh")
    '周一 自2023-12-25起：闭馆'
    """
    parts = []
    if rule.months:
        # month numbers read the same in both languages; only the word around them changes
        parts.append(gettext("months %(months)s", lang, months=", ".join(str(m) for m in sorted(rule.months))))
    if rule.weekdays:
        parts.append(joined((weekday_short(d, lang) for d in sorted(rule.weekdays)), lang))
    if rule.date_from:
        parts.append(gettext("from %(date)s", lang, date=rule.date_from.isoformat()))
    if rule.date_until:
        parts.append(gettext("until %(date)s", lang, date=rule.date_until.isoformat()))
    when = " ".join(parts) or gettext("every day", lang)
    if rule.closed:
        what = gettext("closed", lang)
    else:
        what = f"{clock(rule.open_s)}-{clock(rule.close_s)}"
        if rule.last_entry_s is not None:
            what = gettext("%(hours)s (last entry %(time)s)", lang, hours=what, time=clock(rule.last_entry_s))
    return gettext("%(when)s: %(what)s", lang, when=when, what=what)


def all_day_span(start: dt.datetime, end: dt.datetime) -> str:
    """The days an all-day event covers (RFC 5545: its end date is the day after its last).

    Examples
    --------
    >>> import datetime as dt
    >>> all_day_span(dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 2)), all_day_span(dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 4))
    ('2025-03-01', '2025-03-01 – 2025-03-03')
    """
    last = max(start.date(), (end - dt.timedelta(days=1)).date())
    return f"{start:%Y-%m-%d}" if last == start.date() else f"{start:%Y-%m-%d} – {last:%Y-%m-%d}"


@functools.lru_cache(maxsize=4)
def _hours_assumptions(path: str, mtime: float) -> dict[str, list[str | None]]:
    """Each place's and site's opening-hours rules' ``assumption`` (None: a sourced rule), in file order."""
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or {}
    found: dict[str, list[str | None]] = {}
    for record in [*(doc.get("sites") or []), *(doc.get("places") or [])]:
        if isinstance(record, dict) and isinstance(record.get("hours"), list):
            found[str(record.get("id"))] = [r.get("assumption") if isinstance(r, dict) else None
                                            for r in record["hours"]]
    return found


def hours_reasons(data_dir: Path | None, place: Place, day: dt.date, lang: str) -> list[str]:
    """Why a place's hours on ``day`` are an estimate: the assumption of the rule that decides that day
    (its own list, else its site's), in ``lang``; empty when that rule is sourced.

    Examples
    --------
    >>> from planner.domain.paths import bundled_data_dir
    >>> from planner.sources.datafiles import load_model
    >>> model = load_model(bundled_data_dir())
    >>> hours_reasons(bundled_data_dir(), model.places["dj-east-stage"], dt.date(2024, 2, 12), "en")
    ['UNVERIFIED: outdoor stage; 22:00 noise curfew assumed']
    >>> hours_reasons(bundled_data_dir(), model.places["panda-museum"], dt.date(2024, 2, 12), "en")[:1]
    ['another guide starts the winter hours in November; we follow OSM (Dec-Feb)']
    """
    path = Path(data_dir or "") / "places.yaml"
    if data_dir is None or not path.is_file():
        return []
    table = _hours_assumptions(str(path), path.stat().st_mtime)
    texts = table.get(place.id) or table.get(place.site_id) or []
    rules = place.hours.rules
    if len(texts) != len(rules):  # not the list the rules were read from: say nothing rather than guess
        return []
    decides = next((i for i in reversed(range(len(rules))) if rules[i].applies(day)), None)
    text = texts[decides] if decides is not None else None
    return [in_lang(text, lang) or text] if text else []


def position_reasons(place: Place, lang: str) -> list[str]:
    """Why a place's position is an estimate: its assumption when that speaks of the position, in ``lang``.

    Examples
    --------
    >>> from planner.domain.paths import bundled_data_dir
    >>> from planner.sources.datafiles import load_model
    >>> model = load_model(bundled_data_dir())
    >>> position_reasons(model.places["dj-east-stage"], "en")[0][:30]
    'position: near the east gate, '
    >>> position_reasons(model.places["panda-museum"], "en")
    []
    """
    text = place.assumption or ""
    if not any(word in text.lower() for word in ("position", "placed", "marker")):
        return []
    return [in_lang(text, lang) or text]


def place_marks(data_dir: Path | None, places: list[Place], day: dt.date, lang: str) -> dict[str, dict]:
    """For the home and place pages: per place id, ``hours`` and ``position``, the reasons (in ``lang``)
    that make its hours on ``day`` and its position estimates (empty lists: sourced)."""
    return {p.id: {"hours": hours_reasons(data_dir, p, day, lang), "position": position_reasons(p, lang)}
            for p in places}


def data_text(text: str | None, lang: str) -> str | None:
    """A data file's text (a source, an assumption: English) in ``lang`` where the translation table has it."""
    return in_lang(text, lang)
