"""Series in their own zone: an event's time zone, extra dates, all-day flag and changed sessions;
every session stored by local day (Asia/Shanghai) so one date's sessions are one index read.

Revision ID: 0002_series
Revises: 0001_calendar
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_series"
down_revision = "0001_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("tzid", sa.String(64)))
        batch.add_column(sa.Column("rdates", sa.JSON, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("all_day", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("overrides", sa.JSON, nullable=False, server_default="[]"))

    op.create_table(
        "event_sessions",
        sa.Column("event_id", sa.String(100), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("start_utc", sa.DateTime, nullable=False),
        sa.Column("end_utc", sa.DateTime, nullable=False),
        sa.Column("recurrence_id", sa.String(40)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "day", "start_utc", name="pk_event_sessions"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_event_sessions_event_id_events",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_event_sessions_day", "event_sessions", ["day"])
    # The sessions of the events already stored are written by 0003_session_key, which rebuilds this table
    # with the store's code of today: run here, that code would write columns this revision lacks.


def downgrade() -> None:
    op.drop_index("ix_event_sessions_day", table_name="event_sessions")
    op.drop_table("event_sessions")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("overrides")
        batch.drop_column("all_day")
        batch.drop_column("rdates")
        batch.drop_column("tzid")
