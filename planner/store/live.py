"""The model with its events read from the store, so every reader sees staff changes at once.

:func:`live_model` returns a :class:`planner.model.Model` whose ``events_on``
and ``events`` answer from the database: pages, the API and any engine given
the model (itineraries, journeys) see a change without a restart.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Iterator

from planner.domain.model import Event, Model, Occurrence
from planner.store.events import EventStore


class LiveEvents(Mapping[str, Event]):
    """``model.events`` over the store: the events as they are now, by id."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    def __getitem__(self, event_id: str) -> Event:
        found = self._store.find(event_id)
        if found is None:
            raise KeyError(event_id)
        return found.event

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.ids())

    def __len__(self) -> int:
        return self._store.count()

    # One query, not one per key: lists where a Mapping has views (they iterate the same).
    def values(self) -> list[Event]:  # type: ignore[override]  # a list, not a view: see above
        return [stored.event for stored in self._store.all()]

    def items(self) -> list[tuple[str, Event]]:  # type: ignore[override]  # a list, not a view: see above
        return [(stored.id, stored.event) for stored in self._store.all()]


@dataclass
class LiveModel(Model):
    calendar: EventStore = field(kw_only=True)

    def events_on(self, day: dt.date) -> list[tuple[Event, Occurrence]]:
        """Every session on ``day`` from the store, sorted by start, cancelled ones included.
        Events at a venue the loaded data no longer has are left out."""
        return [(ev, occ) for ev, occ in self.calendar.events_on(day) if ev.venue_id in self.places]


def live_model(model: Model, store: EventStore) -> LiveModel:
    values = {f.name: getattr(model, f.name) for f in fields(Model)}
    return LiveModel(**{**values, "events": LiveEvents(store)}, calendar=store)
