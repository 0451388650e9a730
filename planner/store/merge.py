"""Three-way merges of event records: a conflicting save keeps what both people changed.

When someone saves an event from version *n* after another person saved
version *n+1*, the store refuses the write (:class:`planner.store.events.Conflict`).
Rather than "mine over theirs" (which silently reverts their unrelated fields),
the two records are merged field by field against the *base*, the version both
started from:

* a field only one side changed takes that side's value;
* a field both changed to the same value takes it;
* a field both changed differently is a :class:`Clash`: a person chooses, and
  until then the merged record keeps *theirs* (what is saved already is never
  dropped by a merge).

Collections of dated items (``exdates``, and ``overrides`` keyed by their
``recurrence_id``) merge item by item, so two people cancelling two different
sessions of one series both keep their change; they clash only where both
changed the same session differently.

Values are compared by meaning, not spelling: ``2024-02-10T19:30:00+08:00`` and
``2024-02-10T11:30:00+00:00`` are the same instant, ``88`` and ``88.0`` the same
price. Pure functions over JSON-ready records (no database, no Flask).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from planner.store.records import FIELDS

#: Fields merged item by item, with the function naming an item (items with the same key are one item).
KEYED_FIELDS: dict[str, Callable[[Any], Any]] = {
    "exdates": lambda item: _same_value(item),
    "overrides": lambda item: _same_value(item.get("recurrence_id")) if isinstance(item, Mapping) else _same_value(item),
    "rdates": lambda item: _same_value(item),
}


@dataclass(frozen=True)
class Clash:
    """A field both sides changed, to different values: ``base`` (when opened), ``theirs`` (saved), ``mine``."""

    field: str
    base: Any
    theirs: Any
    mine: Any


@dataclass(frozen=True)
class Merge:
    """The outcome of :func:`merge_records`.

    ``record``: the merged record (clashing fields hold *theirs*);
    ``mine``: fields only I changed (taken from mine); ``theirs``: fields only
    they changed (kept from theirs); ``clashes``: fields a person must choose.
    """

    record: dict
    mine: tuple[str, ...] = ()
    theirs: tuple[str, ...] = ()
    clashes: tuple[Clash, ...] = field(default_factory=tuple)

    @property
    def clean(self) -> bool:
        """Whether the merge needs nobody's choice."""
        return not self.clashes

    def choose(self, keep: Mapping[str, str]) -> dict:
        """The merged record with each clash resolved: ``keep[field]`` is ``"mine"`` or ``"theirs"``
        (a clash not named keeps theirs)."""
        record = dict(self.record)
        for clash in self.clashes:
            if keep.get(clash.field) == "mine":
                record[clash.field] = clash.mine
        return record


def merge_records(base: Mapping | None, theirs: Mapping, mine: Mapping) -> Merge:
    """Merge ``mine`` into ``theirs`` field by field, against ``base``, the version both started from.

    Parameters
    ----------
    base : the record of the version the editor opened, or None when the history
        no longer has it (then every field where the two differ is a clash).
    theirs : the record saved since (the current version).
    mine : the record the editor wants to save.

    Returns
    -------
    Merge
        The merged record (``id`` and any field only ``theirs`` has come from theirs),
        which fields came from whom, and the clashes.

    Examples
    --------
    >>> base = {"id": "x", "title_en": "Jazz", "price_cny": 80, "exdates": []}
    >>> theirs = {**base, "title_en": "Jazz night", "exdates": ["2024-03-08T20:00:00+08:00"]}
    >>> mine = {**base, "price_cny": 90.0, "exdates": ["2024-03-15T12:00:00+00:00"]}
    >>> m = merge_records(base, theirs, mine)
    >>> m.record["title_en"], m.record["price_cny"], m.record["exdates"], m.clean
    ('Jazz night', 90.0, ['2024-03-08T20:00:00+08:00', '2024-03-15T12:00:00+00:00'], True)
    >>> m.mine, m.theirs
    (('exdates', 'price_cny'), ('title_en', 'exdates'))
    >>> clash = merge_records(base, {**base, "price_cny": 85}, mine)
    >>> clash.clashes[0], clash.record["price_cny"], clash.choose({"price_cny": "mine"})["price_cny"]
    (Clash(field='price_cny', base=80, theirs=85, mine=90.0), 85, 90.0)
    """
    record = dict(theirs)
    mine_fields: list[str] = []
    their_fields: list[str] = []
    clashes: list[Clash] = []
    for name in _field_order(base, theirs, mine):
        if name == "id" or name not in mine:
            continue
        b = base.get(name) if base is not None else None
        t, m = theirs.get(name), mine.get(name)
        if same(t, m):
            if base is not None and not same(b, t):
                their_fields.append(name)
            continue
        if base is None:
            clashes.append(Clash(name, None, t, m))
            continue
        if same(b, m):  # only they changed it
            their_fields.append(name)
        elif same(b, t):  # only I changed it
            record[name] = m
            mine_fields.append(name)
        elif name in KEYED_FIELDS and _is_list(b) and _is_list(t) and _is_list(m):
            merged = _merge_items(b, t, m, KEYED_FIELDS[name])
            if merged is None:
                clashes.append(Clash(name, b, t, m))
            else:
                record[name] = merged
                mine_fields.append(name)
                their_fields.append(name)
        else:
            clashes.append(Clash(name, b, t, m))
    return Merge(record, tuple(mine_fields), tuple(their_fields), tuple(clashes))


def same(a: Any, b: Any) -> bool:
    """Equal in meaning: date-times as instants, numbers as numbers, lists item by item.

    Examples
    --------
    >>> same("2024-02-10T19:30:00+08:00", "2024-02-10T11:30:00+00:00"), same(88, 88.0), same(None, "")
    (True, True, True)
    >>> same(["a", "b"], ["b", "a"]), same("Jazz", "jazz")
    (False, False)
    """
    return _same_value(a) == _same_value(b)


def _same_value(value: Any) -> Any:
    """A hashable stand-in for ``value`` that equal meanings share."""
    if value is None or (isinstance(value, (str, list, tuple)) and len(value) == 0):
        return None
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return ("instant", parsed) if parsed.tzinfo is not None else value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Mapping):
        return tuple(sorted((k, _same_value(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_same_value(v) for v in value)
    return value


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) or value is None


def _merge_items(base: Any, theirs: Any, mine: Any, key_of: Callable[[Any], Any]) -> list | None:
    """Items merged by key: each side's additions, removals and changes; None when both changed
    one item differently. Theirs keep their order; my additions follow."""
    def keyed(items: Any) -> dict:
        return {key_of(item): item for item in items or []}

    b, t, m = keyed(base), keyed(theirs), keyed(mine)
    result: dict = {}
    for key in [*t, *(k for k in m if k not in t), *(k for k in b if k not in t and k not in m)]:
        bv, tv, mv = b.get(key), t.get(key), m.get(key)
        if same(tv, mv):
            chosen = tv
        elif same(bv, mv):
            chosen = tv
        elif same(bv, tv):
            chosen = mv
        else:
            return None
        if chosen is not None:
            result[key] = chosen
    return list(result.values())


def _field_order(*records: Mapping | None) -> list[str]:
    names = list(FIELDS)
    for record in records:
        names.extend(k for k in (record or {}) if k not in names)
    return names
