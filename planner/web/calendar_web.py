"""Wires the calendar's pages into the app: staff, accounts, feeds, event pages."""
from __future__ import annotations

import re

from flask import Flask

from planner.web.presenters.catalog import all_day_span
from planner.web.presenters.event_forms import form_from_record


def init_calendar(app: Flask) -> None:
    from planner.web.views import admin, event_pages, ical_views, staff

    app.jinja_env.globals["form_from_record"] = form_from_record
    app.jinja_env.filters["all_day_span"] = lambda event: all_day_span(event.start, event.end)
    app.jinja_env.filters["webcal"] = lambda url: re.sub(r"^https?://", "webcal://", url)  # subscribe, not download
    for blueprint in (staff.bp, admin.bp, ical_views.bp, event_pages.bp):
        app.register_blueprint(blueprint)
