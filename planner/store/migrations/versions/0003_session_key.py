"""Sessions of one event that share an instant are both kept: ``event_sessions`` is keyed by each
session's recurrence id (or start) too. A moved session may land on another's time; RFC 5545 3.8.4.4
keeps both instances. The table is derived data, so it is rebuilt rather than altered.

Revision ID: 0003_session_key
Revises: 0002_series
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_session_key"
down_revision = "0002_series"
branch_labels = None
depends_on = None


def _create(with_key: bool) -> None:
    key = [sa.Column("session_key", sa.String(40), nullable=False)] if with_key else []
    op.create_table(
        "event_sessions",
        sa.Column("event_id", sa.String(100), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("start_utc", sa.DateTime, nullable=False),
        *key,
        sa.Column("end_utc", sa.DateTime, nullable=False),
        sa.Column("recurrence_id", sa.String(40)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "day", "start_utc", *(["session_key"] if with_key else []),
                                name="pk_event_sessions"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_event_sessions_event_id_events",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_event_sessions_day", "event_sessions", ["day"])


def upgrade() -> None:
    op.drop_index("ix_event_sessions_day", table_name="event_sessions")
    op.drop_table("event_sessions")
    _create(with_key=True)
    from planner.store.events import refresh_all_sessions

    refresh_all_sessions(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_event_sessions_day", table_name="event_sessions")
    op.drop_table("event_sessions")
    _create(with_key=False)
    # 0002's table keeps one session per instant: it is left empty here and filled by the next upgrade
