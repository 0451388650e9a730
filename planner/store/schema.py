"""The database tables (SQLAlchemy Core). Every change here needs a migration.

Times are naive UTC. An event row keeps its fields as ``planner.model.Event``
has them, plus ``last_end``: the end of its last session (a far-future
sentinel when the recurrence never ends), so a date query reads only the rows
whose span covers the date and expands just those.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

NEVER_ENDS = dt.datetime(9999, 1, 1)

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
})

events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("uid", sa.String(255), nullable=False, unique=True),
    sa.Column("title_zh", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("description_zh", sa.Text, nullable=False),
    sa.Column("description_en", sa.Text, nullable=False),
    sa.Column("venue_id", sa.String(100), nullable=False, index=True),
    sa.Column("start_utc", sa.DateTime, nullable=False, index=True),
    sa.Column("end_utc", sa.DateTime, nullable=False),
    sa.Column("last_end", sa.DateTime, nullable=False, index=True),
    sa.Column("rrule", sa.Text),
    sa.Column("exdates", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("price_cny", sa.Float),
    sa.Column("capacity", sa.Integer),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("source", sa.Text),
    sa.Column("assumption", sa.Text),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    sa.Column("tzid", sa.String(64)),  # the event's own zone (None: Asia/Shanghai)
    sa.Column("rdates", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("all_day", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("overrides", sa.JSON, nullable=False, server_default="[]"),
)

# Every session of every event (at most the maximum per series), one row per local date
# (Asia/Shanghai) it touches: refreshed on each save, so a date's sessions are one index read.
event_sessions = sa.Table(
    "event_sessions", metadata,
    sa.Column("event_id", sa.String(100), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True, index=True),
    sa.Column("start_utc", sa.DateTime, primary_key=True),
    # which session: its recurrence id, else its start (ISO with offset, in the event's zone); two sessions
    # may share an instant (a moved one onto another's time: RFC 5545 keeps both)
    sa.Column("session_key", sa.String(40), primary_key=True),
    sa.Column("end_utc", sa.DateTime, nullable=False),
    sa.Column("recurrence_id", sa.String(40)),  # ISO with offset, in the event's zone
    sa.Column("status", sa.String(16), nullable=False),
)

# One row per accepted change: the whole event as it was saved, so any version can be shown,
# compared with its predecessor and restored.
event_versions = sa.Table(
    "event_versions", metadata,
    sa.Column("event_id", sa.String(100), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sa.Column("changed_by", sa.String(100), nullable=False),
    sa.Column("note", sa.Text),
)

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    # what the session cookie names; replaced when the password changes, which ends old sessions
    sa.Column("session_token", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Index(None, "name", "ip", "at"),
    sa.Index(None, "ip", "at"),
)

# Shuttle scenarios (planner/simulation/scenario.py): the whole scenario as its JSON record, as
# scenario_to_record writes it, validated by scenario_from_record on every write. ``deleted`` keeps
# a deleted scenario's row (and so its history) and lets a restore bring it back.
scenarios = sa.Table(
    "scenarios", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
)

# One row per accepted change of a scenario, as event_versions keeps events'.
scenario_versions = sa.Table(
    "scenario_versions", metadata,
    sa.Column("scenario_id", sa.String(100), sa.ForeignKey("scenarios.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sa.Column("changed_by", sa.String(100), nullable=False),
    sa.Column("note", sa.Text),
)

# Which scenario is the shuttle of the comparison and the day plans: one row per ``slot``
# (only "shuttle" today); no row means the proposal.
selected_scenario = sa.Table(
    "selected_scenario", metadata,
    sa.Column("slot", sa.String(32), primary_key=True),
    sa.Column("scenario_id", sa.String(100), sa.ForeignKey("scenarios.id"), nullable=False),
    sa.Column("selected_at", sa.DateTime, nullable=False),
    sa.Column("selected_by", sa.String(100), nullable=False),
)
