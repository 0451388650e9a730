"""Why a figure on a page is an estimate: the data's own assumptions, in the page's language.

Journey and plan pages mark every number that rests on an assumption (modelled clock times,
headways, walking, the taxi, the shuttle, assumed opening hours and positions) with
``templates/_estimate.html``; this module finds the reason texts. They are the data's
``assumption`` fields (English); Chinese comes from the translation table of the data's texts
(:mod:`planner.messages.data_zh`) where it has the text, else the English is shown. The shuttle's
notes are bilingual in the data itself.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from planner.domain.model import Model
from planner.messages import gettext
from planner.messages.catalogue import N_

_HAN = re.compile(r"[\u4e00-\u9fff]")

#: modes whose clock times come from the modelled metro timetable (transit.yaml), not a published one
TIMETABLED = ("metro", "tram", "rail")
#: the lead of a timetabled leg's reasons: the times are the model's, the texts after it say how
MODELLED = N_("Clock times from a timetable modelled on assumed headways and speeds, not the operator's own:")


def in_lang(text: str | None, lang: str) -> str | None:
    """A data text (English) in ``lang``: the translation table's Chinese, else the English.

    Examples
    --------
    >>> in_lang("planning values", "en")
    'planning values'
    >>> in_lang(None, "zh") is None
    True
    """
    if not text or lang != "zh":
        return text
    return _zh_of(text) or text


def _zh_of(text: str) -> str | None:
    try:
        from planner.messages import data_zh  # helper G's table; absent: English stays
    except ImportError:
        return None
    for name in ("translate", "in_lang", "data_text"):
        fn = getattr(data_zh, name, None)
        if callable(fn):
            found = fn(text, "zh")
            return found if found and found != text else None
    for name in ("ZH", "TEXTS_ZH", "DATA_ZH", "TABLE"):
        table = getattr(data_zh, name, None)
        if isinstance(table, Mapping):
            return table.get(text.strip())
    return None


@functools.lru_cache(maxsize=8)
def _transit_doc(path: str, mtime: float) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def transit_assumptions(data_dir: Path | None) -> dict[str, str]:
    """The timetable model's assumptions from ``transit.yaml`` (``headways``, ``running``, and per feeder
    id) and the taxi's from ``network.yaml`` (``taxi``).

    Examples
    --------
    >>> from planner.domain.paths import bundled_data_dir
    >>> found = transit_assumptions(bundled_data_dir())
    >>> "UNVERIFIED" in found["headways"], "bus-198" in found, "tariff" in found["taxi"]
    (True, True, True)
    """
    path = Path(data_dir or "") / "transit.yaml"
    if data_dir is None or not path.is_file():
        return {}
    doc = _transit_doc(str(path), path.stat().st_mtime)
    found = {"headways": (doc.get("headways_s") or {}).get("assumption"),
             "running": (doc.get("running") or {}).get("assumption"),
             "first_last": (doc.get("terminal_departures") or {}).get("assumption")}
    found |= {str(f.get("id")): f.get("assumption") for f in doc.get("feeders") or [] if isinstance(f, dict)}
    network = Path(data_dir) / "network.yaml"  # the taxi's assumption, when the model does not keep it
    if network.is_file():
        found["taxi"] = ((_transit_doc(str(network), network.stat().st_mtime).get("taxi") or {}).get("assumption"))
    return {k: " ".join(v.split()) for k, v in found.items() if k and isinstance(v, str)}


class Estimates:
    """The reasons behind a page's figures, in ``lang`` (each method: a list of texts, empty when sourced).

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> e = Estimates(load_model(bundled_data_dir()), bundled_data_dir(), "en")
    >>> len(e.leg({"mode": "metro"})), e.leg({"mode": "walk"}) == [e.model.params.assumption]
    (2, True)
    >>> len(e.legs([{"mode": "walk"}, {"mode": "metro"}, {"mode": "walk"}]))
    3
    """

    def __init__(self, model: Model, data_dir: Path | None, lang: str) -> None:
        self.model, self.lang, self.data_dir = model, lang, data_dir
        self.transit = transit_assumptions(data_dir)

    def _say(self, *texts: str | None) -> list[str]:
        said: list[str] = []
        for text in texts:
            shown = in_lang(text, self.lang)
            if shown and self.lang != "en" and shown == text and not _HAN.search(text):
                # no Chinese in the table yet: the English, marked as English for readers and screen readers
                shown = Markup('<span lang="en">%s</span>') % text
            if shown:
                said.append(shown)
        return said

    def metro_timetable(self, day: dt.date) -> dict[str, Any]:
        """Which metro timetable ``day`` runs (``transit.yaml``'s ``day_types``): the day type and the
        timetable in the page's words, and the reasons (its source and assumption) behind that choice."""
        from planner.sources.datafiles import metro_timetable_on

        found = metro_timetable_on(day, self.data_dir)
        words = {"weekday": N_("a weekday"), "weekend": N_("a weekend day"), "holiday": N_("a public holiday"),
                 "spring_festival": N_("a Spring Festival holiday")}
        services = {"weekday": N_("the weekday timetable"), "weekend": N_("the weekend timetable")}
        return {"day": gettext(words.get(found["day_type"], found["day_type"]), self.lang),
                "service": gettext(services.get(found["service"], found["service"]), self.lang),
                "reasons": self._say(found["assumption"] or None, found["source"] or None)}

    def _shuttle(self, *fields: str) -> list[str]:
        notes = self.model.shuttle.notes_zh if self.lang == "zh" else self.model.shuttle.notes_en
        said = [notes[f] for f in fields if notes.get(f)]
        return said or self._say(self.model.shuttle.assumption)

    def leg(self, leg: Mapping[str, Any]) -> list[str]:
        """Why a leg's clock times are estimated: the timetable model, walking, the taxi or the shuttle."""
        mode = leg.get("mode")
        if mode in TIMETABLED:
            # the headways, not the running model's calibration notes (those are for planners: /sources)
            return [gettext(MODELLED, self.lang), *self._say(self.transit.get("headways"))]
        if mode == "bus":
            return [gettext(MODELLED, self.lang),
                    *self._say(self.transit.get(leg.get("route_id", "")) or self.transit.get("headways"))]
        if mode == "shuttle":
            return self._shuttle("service", "run_times")
        if mode == "taxi":
            return self.taxi()
        return self._say(self.model.params.assumption)  # walking, queueing at a gate, waiting

    def headway(self, leg: Mapping[str, Any]) -> list[str]:
        """Why "every N min" is assumed."""
        if leg.get("mode") == "shuttle":
            return self._shuttle("service")
        if leg.get("mode") == "bus":
            return self._say(self.transit.get(leg.get("route_id", "")) or self.transit.get("headways"))
        return self._say(self.transit.get("headways"))

    def taxi(self) -> list[str]:
        """Why a taxi's time and fare are estimated."""
        return self._say(self.model.params.taxi.assumption or self.transit.get("taxi"))

    def fare(self, legs: list[Mapping[str, Any]]) -> list[str]:
        """Why a journey's fare is estimated: a taxi or the shuttle in it (metro and bus fares are published)."""
        modes = {leg.get("mode") for leg in legs}
        return (self.taxi() if "taxi" in modes else []) + (self._shuttle("fare_cny") if "shuttle" in modes else [])

    def plan_fare(self, plan: Mapping[str, Any]) -> list[str]:
        """Why a day plan's fares are estimated: every way of the plan (``plan_json``'s steps and home)."""
        ways = [step["route"] for step in plan.get("steps", [])] + [plan["home"]]
        return self.fare([leg for way in ways for leg in way.get("legs", [])])

    def place(self, ref: str | None) -> list[str]:
        """What is assumed about a place, a site or an event (hours, position, times, price)."""
        record = self.model.places.get(ref or "") or self.model.sites.get(ref or "") or self.model.events.get(ref or "")
        return self._say(getattr(record, "assumption", None)) if record is not None else []

    def legs(self, legs: list[Mapping[str, Any]]) -> list[str]:
        """Every reason behind a journey's or a way's times, each once, in the legs' order."""
        said: list[str] = []
        for leg in legs:
            said += [text for text in self.leg(leg) if text not in said]
        return said

    def hours(self, ref: str | None, day: dt.date | str) -> list[str]:
        """Why a place's opening on ``day`` is an estimate (the rule deciding that day), with what else is
        assumed about the place; an event's or site's own assumption."""
        from planner.web.presenters.catalog import hours_reasons  # catalog uses in_lang from here

        place = self.model.places.get(ref or "")
        if place is None:
            return self.place(ref)
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        said = hours_reasons(self.data_dir, place, day, self.lang)
        return said + [text for text in self.place(ref) if text not in said]

    def walking(self) -> list[str]:
        """Why walking and queueing times are estimated."""
        return self._say(self.model.params.assumption)
