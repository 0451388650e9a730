"""The scenario form: a scenario record as text boxes, and text boxes back into a record.

Lists are typed one item a line (stops, road path, periods, run times, notes); numbers in the
units the record keeps them in (seconds, metres, yuan), except headways and run times, which
planners think of in minutes. Reading a form never raises: every line that cannot be read
becomes a problem of its box ("line 2: ..."), and the record's own checks
(:func:`planner.simulation.scenario.scenario_from_record`) add theirs, each mapped from its JSON
path (``service.weekday.outbound.periods[1].headway_s``) back to the box and line it came from.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner import messages
from planner.domain.model import format_clock

DAY_TYPES = ("weekday", "weekend", "holiday")
DIRECTIONS = ("outbound", "inbound")
#: Number boxes: (form name = record path, integer or not)
SCALARS = (("fleet_size", True), ("capacity_passengers", True), ("layover_s", True), ("dwell_base_s", True),
           ("dwell_per_boarding_s", False), ("fare_cny", False), ("cost_per_vehicle_hour_cny", False),
           ("cost_per_km_cny", False))
DEMAND_SCALARS = (("ride_share", False), ("show_audience_default", True), ("show_ride_share", False),
                  ("surge_spread_s", True))
PER_DAY_TYPE = ("visitors_per_day", "dongjiao_visitors_per_day")
CURVES = ("outbound_curve", "inbound_curve")
_PERIOD = re.compile(r"^(\d{1,2}:\d{2})\s*[-–—~到至]\s*(\d{1,2}:\d{2})\s*(?:/|every|每)\s*(\d+(?:\.\d+)?)\s*(?:min|分钟?)?$",
                     re.IGNORECASE)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_INDEX = re.compile(r"\[(\d+)\]")


def _(msgid: str, **values: Any) -> str:
    """``msgid`` in the visitor's language; in English outside a request (doctests, the CLI)."""
    try:
        from planner.web.i18n.core import current_lang

        lang = current_lang()
    except RuntimeError:  # no app context
        lang = "en"
    return messages.gettext(msgid, lang, **values)


def service_box(day_type: str, direction: str) -> str:
    return f"service.{day_type}.{direction}"


@dataclass
class FormReading:
    """What a form gave: the record, problems of boxes (box -> messages), and where list items came from."""

    record: dict[str, Any]
    problems: dict[str, list[str]] = field(default_factory=dict)
    #: (box, kind) -> the form's line number (1-based) of each item of the record's list
    lines: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, box: str, message: str) -> None:
        self.problems.setdefault(box, []).append(message)


# --- record -> form


def form_from_record(record: Mapping[str, Any]) -> dict[str, str]:
    """The text of every box for ``record`` (a scenario record).

    Examples
    --------
    >>> form = form_from_record({"run_times": [{"hour": 7, "mean_s": 1980, "sd_s": 240}],
    ...     "service": {"weekday": {"outbound": {"periods": [{"first_s": 25200, "last_s": 34800,
    ...     "headway_s": 1200}], "departures_s": []}}}})
    >>> form["run_times"], form["service.weekday.outbound"]
    ('7 33 4', '07:00-09:40 / 20')
    """
    form: dict[str, str] = {name: _text(record.get(name)) for name in ("id", "name_zh", "name_en")}
    form["stops"] = "\n".join(" | ".join(_text(s.get(k)) for k in ("id", "name_zh", "name_en", "lat", "lon", "place_id")
                                         ).rstrip(" |") for s in record.get("stops", ()))
    form["path"] = "\n".join(f"{_text(lat)}, {_text(lon)}" for lat, lon in record.get("path", ()))
    for day_type in DAY_TYPES:
        for direction in DIRECTIONS:
            service = record.get("service", {}).get(day_type, {}).get(direction, {})
            lines = [f"{format_clock(p['first_s'])}-{format_clock(p['last_s'])} / {_text(p['headway_s'] / 60)}"
                     for p in service.get("periods", ())]
            departures = service.get("departures_s", ())
            if departures:
                lines.append(", ".join(format_clock(d) for d in departures))
            form[service_box(day_type, direction)] = "\n".join(lines)
    form["run_times"] = "\n".join(f"{r['hour']} {_text(r['mean_s'] / 60)} {_text(r['sd_s'] / 60)}"
                                  for r in record.get("run_times", ()))
    for name, _integer in SCALARS:
        form[name] = _text(record.get(name))
    demand = record.get("demand", {})
    for name in PER_DAY_TYPE:
        for day_type in DAY_TYPES:
            form[f"demand.{name}.{day_type}"] = _text(demand.get(name, {}).get(day_type))
    for name, _integer in DEMAND_SCALARS:
        form[f"demand.{name}"] = _text(demand.get(name))
    for name in CURVES:
        form[f"demand.{name}"] = ", ".join(_text(v) for v in demand.get(name, ()))
    for lang in ("en", "zh"):
        form[f"notes_{lang}"] = "\n".join(f"{k} = {v}" for k, v in record.get(f"notes_{lang}", {}).items())
        form[f"demand.notes_{lang}"] = "\n".join(f"{k} = {v}" for k, v in demand.get(f"notes_{lang}", {}).items())
    return form


def _text(value: Any) -> str:
    """A value as a box shows it: 20.0 as 20, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


# --- form -> record


def record_from_form(form: Mapping[str, str], base: Mapping[str, Any] | None = None) -> FormReading:
    """The record a form describes, over ``base`` (fields the form has no box for are kept from it).

    Examples
    --------
    >>> r = record_from_form({"service.weekday.outbound": "07:00-09:40 / 20\\n07:00-xx / 5", "fleet_size": "four"})
    >>> r.record["service"]["weekday"]["outbound"]["periods"]
    [{'first_s': 25200, 'last_s': 34800, 'headway_s': 1200}]
    >>> sorted(r.problems)
    ['fleet_size', 'service.weekday.outbound']
    """
    reading = FormReading(record=dict(base or {}))
    record = reading.record
    for name in ("id", "name_zh", "name_en"):
        if name in form:
            record[name] = form.get(name, "").strip()
    if "stops" in form:
        record["stops"] = _stops(form["stops"], reading)
    if "path" in form:
        record["path"] = _path(form["path"], reading)
    service = {t: dict(v) for t, v in (record.get("service") or {}).items()}
    for day_type in DAY_TYPES:
        for direction in DIRECTIONS:
            box = service_box(day_type, direction)
            if box in form:
                service.setdefault(day_type, {})[direction] = _service(box, form[box], reading)
    record["service"] = service
    if "run_times" in form:
        record["run_times"] = _run_times(form["run_times"], reading)
    for name, integer in SCALARS:
        if name in form:
            record[name] = _number(name, form[name], integer, reading)
    demand = dict(record.get("demand") or {})
    for name in PER_DAY_TYPE:
        values = dict(demand.get(name) or {})
        for day_type in DAY_TYPES:
            box = f"demand.{name}.{day_type}"
            if box in form:
                values[day_type] = _number(box, form[box], True, reading)
        demand[name] = values
    for name, integer in DEMAND_SCALARS:
        box = f"demand.{name}"
        if box in form:
            demand[name] = _number(box, form[box], integer, reading)
    for name in CURVES:
        box = f"demand.{name}"
        if box in form:
            demand[name] = _numbers(box, form[box], reading)
    for lang in ("en", "zh"):
        if f"notes_{lang}" in form:
            record[f"notes_{lang}"] = _notes(f"notes_{lang}", form[f"notes_{lang}"], reading)
        if f"demand.notes_{lang}" in form:
            demand[f"notes_{lang}"] = _notes(f"demand.notes_{lang}", form[f"demand.notes_{lang}"], reading)
    record["demand"] = demand
    return reading


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _stops(text: str, reading: FormReading) -> list[dict[str, Any]]:
    stops, where = [], []
    for n, line in _lines(text):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 5:
            reading.add("stops", _line(n, _("expected: id | Chinese name | English name | lat | lon [| place id]")))
            continue
        lat, lon = _float(parts[3]), _float(parts[4])
        if lat is None or lon is None:
            reading.add("stops", _line(n, _("latitude and longitude are numbers, e.g. 30.6713 | 104.1243")))
            continue
        stops.append({"id": parts[0], "name_zh": parts[1], "name_en": parts[2], "lat": lat, "lon": lon,
                      "place_id": parts[5] if len(parts) > 5 and parts[5] else None})
        where.append(n)
    reading.lines[("stops", "")] = where
    return stops


def _path(text: str, reading: FormReading) -> list[list[float]]:
    points, where = [], []
    for n, line in _lines(text):
        parts = [v for v in (_float(p) for p in re.split(r"[,\s]+", line) if p) if v is not None]
        if len(parts) != 2 or len(re.split(r"[,\s]+", line.strip())) != 2:
            reading.add("path", _line(n, _("expected: lat, lon")))
            continue
        points.append(parts)
        where.append(n)
    reading.lines[("path", "")] = where
    return points


def _service(box: str, text: str, reading: FormReading) -> dict[str, Any]:
    periods: list[dict[str, int]] = []
    departures: list[int] = []
    period_lines: list[int] = []
    departure_lines: list[int] = []
    for n, line in _lines(text):
        match = _PERIOD.match(line)
        if match:
            first, last = _clock(match.group(1)), _clock(match.group(2))
            if first is None or last is None:
                reading.add(box, _line(n, _("not a time HH:MM")))
                continue
            periods.append({"first_s": first, "last_s": last, "headway_s": round(float(match.group(3)) * 60)})
            period_lines.append(n)
            continue
        times = [t for t in re.split(r"[,，、\s]+", line) if t]
        read = [c for c in map(_clock, times) if c is not None]
        if not times or len(read) != len(times):
            reading.add(box, _line(n, _("expected 07:00-09:40 / 20 (first-last / minutes) or departures 07:00, 07:25, ...")))
            continue
        departures += read
        departure_lines += [n] * len(read)
    reading.lines[(box, "periods")] = period_lines
    reading.lines[(box, "departures_s")] = departure_lines
    return {"periods": periods, "departures_s": departures}


def _run_times(text: str, reading: FormReading) -> list[dict[str, int]]:
    rows, where = [], []
    for n, line in _lines(text):
        words = [p for p in re.split(r"[,\s]+", line) if p]
        parts = [v for v in map(_float, words) if v is not None]
        if len(words) != 3 or len(parts) != 3 or parts[0] != int(parts[0]):
            reading.add("run_times", _line(n, _("expected: hour, mean minutes, spread (sd) minutes, e.g. 8 39 6")))
            continue
        hour, mean, sd = parts
        rows.append({"hour": int(hour), "mean_s": round(mean * 60), "sd_s": round(sd * 60)})
        where.append(n)
    reading.lines[("run_times", "")] = where
    return rows


def _notes(box: str, text: str, reading: FormReading) -> dict[str, str]:
    notes = {}
    for n, line in _lines(text):
        name, sep, words = line.partition("=")
        if not sep or not name.strip() or not words.strip():
            reading.add(box, _line(n, _("expected: field = source or assumption")))
            continue
        notes[name.strip()] = words.strip()
    return notes


def _number(box: str, text: str, integer: bool, reading: FormReading) -> Any:
    value = _float(text.strip())
    if value is None or (integer and value != int(value)):
        reading.add(box, _("a whole number") if integer else _("a number"))
        return text  # kept as typed: the record's check then names it too
    return int(value) if integer else value


def _numbers(box: str, text: str, reading: FormReading) -> list[float]:
    values = []
    for part in (p for p in re.split(r"[,，\s]+", text) if p):
        value = _float(part)
        if value is None:
            reading.add(box, _("not a number: %(value)s", value=part))
            continue
        values.append(value)
    return values


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _clock(text: str) -> int | None:
    match = _CLOCK.match(text)
    if not match or int(match.group(2)) > 59 or int(match.group(1)) > 30:
        return None
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60


def _line(n: int, message: str) -> str:
    return _("line %(n)s: %(message)s", n=n, message=message)


# --- a problem of the record -> its box


def box_of(path: str, reading: FormReading | None = None) -> tuple[str, str]:
    """The box a record problem belongs to, and its line prefix (``"line 2: "``) when it is a list's item.

    Examples
    --------
    >>> box_of("service.weekday.outbound.periods[1].headway_s")
    ('service.weekday.outbound', 'item 2: ')
    >>> box_of("demand.visitors_per_day.holiday"), box_of("fleet_size"), box_of("stops")
    (('demand.visitors_per_day.holiday', ''), ('fleet_size', ''), ('stops', ''))
    """
    index = _INDEX.search(path)
    head = path[:index.start()] if index else path
    parts = head.split(".")
    if parts[0] == "service" and len(parts) >= 3:
        box, kind = ".".join(parts[:3]), (parts[3] if len(parts) > 3 else "")
    elif parts[0] == "demand" and len(parts) >= 2:
        box = ".".join(parts[:3]) if parts[1] in PER_DAY_TYPE and len(parts) >= 3 else ".".join(parts[:2])
        kind = ""
    else:
        box, kind = parts[0], ""
    if index is None:
        return box, ""
    item = int(index.group(1))
    lines = (reading.lines.get((box, kind)) if reading else None) or []
    if item < len(lines):
        return box, _line(lines[item], "")
    return box, _("item %(n)s: ", n=item + 1)
