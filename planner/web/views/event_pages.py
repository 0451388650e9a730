"""A visitor's page for one event: what, where, when next, and links to add it to a calendar."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request

from planner.domain.errors import NotFound
from planner.domain.model import TZ
from planner.web.i18n.core import current_lang
from planner.web.params import parse_date
from planner.web.presenters import catalog
from planner.web.state import state

bp = Blueprint("events", __name__)


@bp.get("/events/<event_id>")
def detail(event_id: str):
    stored = state().calendar.find(event_id)
    place = state().model.places.get(stored.event.venue_id) if stored else None
    if stored is None or place is None:
        raise NotFound("no_event", id=event_id)
    event, now = stored.event, dt.datetime.now(TZ)
    if request.args.get("date"):  # from a day's page: the sessions from that day on (a cancelled one marked)
        now = dt.datetime.combine(parse_date(request.args.get("date"), default=now.date()), dt.time(), TZ)
    upcoming = event.occurrences_between(now, now + dt.timedelta(days=366))[:12]
    recent = [] if upcoming else event.occurrences_between(event.start, now)[-5:]
    lang = current_lang()
    return render_template("events/detail.html", event=event, stored=stored, place=place,
                           site=state().model.sites[place.site_id], upcoming=upcoming, recent=recent,
                           title=event.title(lang), description=event.description(lang),
                           source=catalog.data_text(event.source, lang), assumption=catalog.data_text(event.assumption, lang))
