"""The /sources page: each data file as readable tables, sourced and assumed values told apart.

A data file is YAML whose records carry ``source:`` (where a fact was read), ``assumption:`` (what
was assumed and why), or both. Here every such record becomes a table row: its name in the page's
language, its values as written, and its source and assumption in the page's language (Chinese from
:mod:`planner.messages.data_zh`; a text without Chinese stays English and is marked so). The event
calendar is shown from the database, as staff have edited it, not from ``events.yaml``.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup, escape

from planner.messages.data_zh import translate

#: the hand-kept files, in the order a reader meets them (events.yaml: the database's calendar instead)
SOURCE_FILES = ("places.yaml", "shuttle.yaml", "network.yaml", "transit.yaml", "events.yaml")
#: the calendar's seed file: shown as the database has it
CALENDAR_FILE = "events.yaml"
TEXT_KEYS = ("source", "assumption")
#: fields said by the row itself (its name column) or too long for a value cell
NAME_KEYS = ("id", "name_zh", "name_en", "title_zh", "title_en", "description_zh", "description_en", "address_zh",
             "notes", "notes_en", "notes_zh")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff][\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef·—]*")
#: a Latin word in a Chinese text, as benchmarks/pages.py counts one: a token of letters (not all
#: capitals: OSM, CNY are abbreviations); a token with a digit, '.', '/', ':', '@' or '_' is an identifier
LATIN_TOKEN = re.compile(r"[A-Za-z0-9_./:@'’-]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")


@dataclass
class Row:
    """One record of a data file: where it is, its name, its values and what they rest on."""

    path: str
    name: str
    values: list[tuple[str, str]]
    source: Markup | None = None
    assumption: Markup | None = None
    english_only: bool = False  # a text had no Chinese: shown in English, marked
    name_is_key: bool = False  # no name in the data: the row is named by its key or id (an identifier)

    @property
    def name_lang(self) -> str:
        """The language the name is written in (a record may have a name in one language only)."""
        return _script_lang(self.name)

    @property
    def kind(self) -> str:
        """``sourced``, ``assumed``, ``both`` or ``inherited`` (a part of a record that says it)."""
        if self.source is not None and self.assumption is not None:
            return "both"
        return "sourced" if self.source is not None else "assumed" if self.assumption is not None else "inherited"


@dataclass
class Table:
    key: str
    rows: list[Row] = field(default_factory=list)

    def count(self, kind: str) -> int:
        """How many rows are ``kind`` (sourced, assumed, both)."""
        return sum(1 for row in self.rows if row.kind == kind)


def in_page_lang(text: str | None, lang: str) -> tuple[Markup | None, bool]:
    """A data text in the page's language, as markup: words of the other script in a ``lang`` span
    (a Chinese place name in an English text, an English title in a Chinese one); and whether the
    text lacked Chinese (shown in English).

    Examples
    --------
    >>> in_page_lang("kerb of 成华大道 outside the gate", "en")[0]
    Markup('kerb of <span lang="zh">成华大道</span> outside the gate')
    >>> in_page_lang("OSM way 686460747 (FACTS.md)", "zh")
    (Markup('OSM 路径 686460747（FACTS.md）'), False)
    >>> in_page_lang("no Chinese for this one", "zh")
    (Markup('<span lang="en">no Chinese for this one</span>'), True)
    """
    if text is None:
        return None, False
    text = " ".join(str(text).split())
    if lang != "zh":
        return _wrap(text, HAN, "zh"), False
    zh = translate(text, "zh")
    if zh is None:
        return Markup('<span lang="en">%s</span>') % text, True
    return _wrap(zh, None, "en"), False


def _is_word(token: str) -> bool:
    return bool(LATIN_WORD.fullmatch(token)) and not token.isupper()


def _wrap(text: str, pattern: re.Pattern[str] | None, lang: str) -> Markup:
    """``text`` with each run of ``pattern`` (None: each Latin word) in a span of ``lang``."""
    if pattern is None:
        matches = [m for m in LATIN_TOKEN.finditer(text) if _is_word(m.group().strip("'’-"))]
    else:
        matches = list(pattern.finditer(text))
    out: list[Markup] = []
    last = 0
    for match in matches:
        out += [escape(text[last:match.start()]), Markup(f'<span lang="{lang}">') + escape(match.group()) + Markup("</span>")]
        last = match.end()
    return Markup("").join([*out, escape(text[last:])])


def value_text(value: Any) -> str:
    """A value as the file says it, on one line.

    Examples
    --------
    >>> value_text({"first": "07:00", "last": "09:40", "headway_min": 20})
    'first 07:00, last 09:40, headway_min 20'
    >>> value_text([1, 2.5, "a"]), value_text(True), value_text(dt.date(2024, 2, 12))
    ('1, 2.5, a', 'true', '2024-02-12')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ", ".join(f"{k} {value_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        sep = "; " if any(isinstance(v, (dict, list)) for v in value) else ", "
        return sep.join(value_text(v) for v in value)
    return str(value)


def _is_record(node: Any) -> bool:
    return isinstance(node, dict) and any(k in node for k in TEXT_KEYS)


def _name(node: dict, fallback: str, lang: str) -> tuple[str, bool]:
    """The record's name in ``lang`` (else in the other language), or its id or key (an identifier)."""
    for key in (f"name_{lang}", f"title_{lang}", "name_en", "title_en", "name_zh", "title_zh"):
        if isinstance(node.get(key), str) and node[key]:
            return node[key], False
    return str(node.get("id") or fallback), True


def rows_of(node: dict, path: str, lang: str) -> list[Row]:
    """The record ``node`` as a row, then each record inside it (an opening-hours rule, a period ...)."""
    values, children = [], []
    for key, value in node.items():
        if key in TEXT_KEYS or key in NAME_KEYS:
            continue
        inner = value if isinstance(value, list) else [value]
        if any(_is_record(v) for v in inner):  # records of their own: rows below this one
            for i, item in enumerate(inner):
                if isinstance(item, dict):
                    suffix = f"[{i}]" if isinstance(value, list) else ""
                    children += rows_of(item, f"{path} › {key}{suffix}", lang)
            continue
        values.append((str(key), value_text(value)))
    source, no_zh_source = in_page_lang(node.get("source"), lang)
    assumption, no_zh_assumption = in_page_lang(node.get("assumption"), lang)
    name, is_key = _name(node, path.rsplit(" › ", 1)[-1], lang)
    row = Row(path, name, values, source, assumption, no_zh_source or no_zh_assumption, is_key)
    return [row, *children]


def tables_of(doc: Any, lang: str) -> list[Table]:
    """The tables of one data file: its own values first (the file's top level), then one table per
    top-level list or mapping of records (sites, places, stops, lines, feeders ...).

    Examples
    --------
    >>> doc = {"walk_m_s": 1.2, "assumption": "planning value",
    ...        "periods": {"weekday": [{"from": "07:30", "assumption": "peak"}]}}
    >>> [(t.key, [(r.path, r.kind, r.values) for r in t.rows]) for t in tables_of(doc, "en")]
    [('', [('', 'assumed', [('walk_m_s', '1.2')])]), ('periods', [('weekday[0]', 'assumed', [('from', '07:30')])])]
    """
    if not isinstance(doc, dict):
        return []
    own = {k: v for k, v in doc.items() if k in TEXT_KEYS or not _holds_records(v)}
    tables = [Table("", rows_of(own, "", lang)[:1])] if own else []
    if tables:
        tables[0].rows[0].name = ""
    for key, value in doc.items():
        if key not in own:
            tables.append(Table(str(key), collect(value, str(key), lang, top=True)))
    return [t for t in tables if t.rows]


def collect(node: Any, path: str, lang: str, top: bool = False) -> list[Row]:
    """The rows of every record in ``node`` (a record, a list or a mapping of them, at any depth)."""
    if _is_record(node):
        return rows_of(node, path, lang)
    rows: list[Row] = []
    if isinstance(node, dict):
        for key, value in node.items():
            rows += collect(value, str(key) if top else f"{path} › {key}", lang)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            ident = item.get("id") if isinstance(item, dict) else None
            rows += collect(item, str(ident) if ident else f"{path}[{i}]", lang)
    return rows


def _holds_records(value: Any) -> bool:
    if _is_record(value):
        return True
    items = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
    return any(_holds_records(v) for v in items)


def notes_rows(doc: Any, lang: str) -> list[Row]:
    """Bilingual notes (``notes: {field: {en, zh}}``, the shuttle's): a row per field, in the page's
    language; a note starting "Assumption:" is assumed, any other sourced."""
    rows = []
    for section in (doc.get("notes"), (doc.get("demand") or {}).get("notes")) if isinstance(doc, dict) else ():
        for key, note in (section or {}).items():
            if isinstance(note, dict):
                text = str(note.get(lang) or note.get("en") or "")
                marked = _wrap(" ".join(text.split()), HAN if lang == "en" else None, "zh" if lang == "en" else "en")
                assumed = str(note.get("en", "")).startswith("Assumption")
                rows.append(Row(str(key), str(key), [], None if assumed else marked, marked if assumed else None,
                                name_is_key=True))
    return rows


@functools.lru_cache(maxsize=16)
def _load(path: str, mtime: float) -> Any:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def data_files(data_dir: Path, lang: str) -> list[dict]:
    """Every hand-kept data file but the calendar's: its tables and its bilingual notes."""
    files = []
    for name in SOURCE_FILES:
        path = data_dir / name
        if name == CALENDAR_FILE or not path.is_file():
            continue
        doc = _load(str(path), path.stat().st_mtime)
        files.append({"name": name, "tables": tables_of(doc, lang), "notes": notes_rows(doc, lang)})
    return files


def calendar_rows(stored: list, places: dict, lang: str) -> list[dict]:
    """The calendar as staff have edited it: each stored event (cancelled ones too), newest version."""
    rows = []
    for item in stored:
        event = item.event
        title = (event.title_zh if lang == "zh" else event.title_en) or event.title_en or event.title_zh
        venue = places.get(event.venue_id)
        source, no_zh_source = in_page_lang(event.source, lang)
        assumption, no_zh_assumption = in_page_lang(event.assumption, lang)
        rows.append({
            "id": event.id, "title": title, "title_lang": _script_lang(title),
            "venue": (getattr(venue, f"name_{lang}", "") or event.venue_id) if venue else event.venue_id,
            "start": _local(event.start), "end": _local(event.end), "rrule": event.rrule,
            "price_cny": event.price_cny, "status": event.status, "version": item.version,
            "updated_by": item.updated_by, "updated_at": item.updated_at.strftime("%Y-%m-%d %H:%M"),
            "source": source, "assumption": assumption, "english_only": no_zh_source or no_zh_assumption,
        })
    return rows


def _script_lang(text: str) -> str:
    return "zh" if HAN.search(text or "") else "en"


def _local(when: dt.datetime) -> str:
    from planner.domain.model import TZ

    return when.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
