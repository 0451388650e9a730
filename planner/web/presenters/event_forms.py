"""The staff event form: its text fields to an event record and back.

Only the shapes change here (a ``datetime-local`` value gains the Chengdu
offset, "120" becomes a number, tags split at commas); whether the values make
a valid event is decided by the one validator, ``planner.loading.event_from_record``.
A value that does not convert is passed on as typed, for it to name.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Mapping

from planner.domain.model import TZ

TEXT_FIELDS = ("id", "title_zh", "title_en", "description_zh", "description_en", "venue", "status",
               "rrule", "source", "assumption")
#: Every record field the form shows; others (a series' overrides ...) pass through a conflict page as JSON.
FORM_FIELDS = (*TEXT_FIELDS, "start", "end", "exdates", "price_cny", "capacity", "tags")
CHOICES = ("mine", "theirs")


def record_from_form(form: Mapping[str, str]) -> dict:
    """The event record a submitted form describes (missing fields stay missing)."""
    record: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in form:
            value = form[name].strip()
            record[name] = value if value or name.startswith("description") else None
    for name in ("start", "end"):
        if name in form:
            record[name] = local_iso(form[name])
    if "exdates" in form:
        record["exdates"] = [local_iso(line) for line in form["exdates"].splitlines() if line.strip()]
    if "price_cny" in form:
        record["price_cny"] = _number(form["price_cny"], float)
    if "capacity" in form:
        record["capacity"] = _number(form["capacity"], int)
    if "tags" in form:
        record["tags"] = [t for t in re.split(r"[,，、\s]+", form["tags"]) if t]
    return record


def chosen_form(form: Mapping[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    """A conflict page's answer: the form's fields with each ``keep-<field>`` choice applied, and the
    record values chosen for fields the form does not show (sent as JSON).

    The page sends each clashing field twice, ``mine-<field>`` and ``theirs-<field>``
    (``mine-json-<field>`` ... outside the form), and a ``keep-<field>`` radio
    naming one; a choice that is neither keeps theirs.

    Examples
    --------
    >>> chosen_form({"title_en": "T", "keep-title_en": "mine", "mine-title_en": "M", "theirs-title_en": "T",
    ...              "keep-overrides": "mine", "mine-json-overrides": "[]", "theirs-json-overrides": "[1]"})
    ({'title_en': 'M', 'keep-title_en': 'mine', 'mine-title_en': 'M', 'theirs-title_en': 'T', \
'keep-overrides': 'mine', 'mine-json-overrides': '[]', 'theirs-json-overrides': '[1]'}, {'overrides': []})
    """
    values = dict(form.items())
    extra: dict[str, Any] = {}
    for key, choice in form.items():
        if not key.startswith("keep-"):
            continue
        name, side = key[len("keep-"):], choice if choice in CHOICES else "theirs"
        if f"{side}-{name}" in form and name in FORM_FIELDS:
            values[name] = form[f"{side}-{name}"]
        elif f"{side}-json-{name}" in form:
            try:
                extra[name] = json.loads(form[f"{side}-json-{name}"])
            except ValueError:
                pass  # not ours: the field keeps the current version's value
    return values, extra


def form_from_record(record: Mapping) -> dict[str, str]:
    """The form's text for an event record (times as local ``YYYY-MM-DDTHH:MM``)."""
    values = {name: record.get(name) or "" for name in TEXT_FIELDS}
    for name in ("start", "end"):
        values[name] = local_input(record.get(name))
    values["exdates"] = "\n".join(local_input(d) for d in record.get("exdates") or [])
    values["price_cny"] = _plain(record.get("price_cny"))
    values["capacity"] = _plain(record.get("capacity"))
    values["tags"] = ", ".join(record.get("tags") or [])
    return values


def local_iso(text: str) -> str | None:
    """An ISO date-time with offset; a time typed without one is Chengdu local time.

    Examples
    --------
    >>> local_iso("2024-03-15T19:30"), local_iso("2024-03-15 19:30:00+00:00"), local_iso("soon")
    ('2024-03-15T19:30:00+08:00', '2024-03-15T19:30:00+00:00', 'soon')
    """
    text = text.strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return (value if value.tzinfo else value.replace(tzinfo=TZ)).isoformat()


def local_input(value: Any) -> str:
    """``YYYY-MM-DDTHH:MM`` in Chengdu time, as a ``datetime-local`` input wants it."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone(TZ)
    return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")


def _number(text: str, kind):
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    if kind is int:
        return int(number) if number.is_integer() else text
    return int(number) if number.is_integer() else number


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
