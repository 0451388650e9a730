"""The public iCalendar feeds: the whole programme, one venue's, one event's.

Calendar apps poll these; each answer carries an ETag of the calendar's
revision (so an unchanged feed costs a 304) and is built once per revision.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, Response, request, url_for

from planner.domain.errors import NotFound
from planner.store.ical import export_calendar
from planner.messages import calendar_name
from planner.web.base_url import origin
from planner.web.downloads import disposition
from planner.web.i18n.core import current_lang
from planner.web.state import state

bp = Blueprint("ical", __name__)


@bp.get("/calendar.ics")
def calendar_feed():
    return _feed(None, None)


@bp.get("/calendar/<venue_id>.ics")
def venue_feed(venue_id: str):
    if venue_id not in state().model.places:
        raise NotFound("no_place", id=venue_id)
    return _feed(venue_id, None)


@bp.get("/events/<event_id>.ics")
def event_file(event_id: str):
    state().calendar.get(event_id)  # NotFound for an unknown id
    return _feed(None, event_id)


def _feed(venue_id: str | None, event_id: str | None) -> Response:
    calendar, lang = state().calendar, current_lang()
    key = (calendar.revision(), venue_id, event_id, lang, origin())
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    body = state().feeds.get_or_build(key, lambda: _export(venue_id, event_id, lang))  # per app, bounded
    response = Response(body, mimetype="text/calendar")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    filename = f"{event_id or venue_id or 'calendar'}.ics"
    response.headers["Content-Disposition"] = disposition(filename, inline=True)  # any id's letters
    response.make_conditional(request)  # in place: 304 when the visitor has this revision
    return response


def _export(venue_id: str | None, event_id: str | None, lang: str) -> bytes:
    calendar = state().calendar
    items = [calendar.get(event_id)] if event_id else calendar.all(venue_id)
    name = calendar_name(lang)
    if venue_id:
        name = f"{name} · {state().model.places[venue_id].name(lang)}"
    return export_calendar(items, state().model.places, name=name, lang=lang,
                           event_url=lambda eid: url_for("events.detail", event_id=eid, _external=True))
