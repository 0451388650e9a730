"""The event calendar: events with their history, accounts, failed logins.

Revision ID: 0001_calendar
Revises:
Create Date: 2024-03-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_calendar"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("uid", sa.String(255), nullable=False),
        sa.Column("title_zh", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.Column("description_zh", sa.Text, nullable=False),
        sa.Column("description_en", sa.Text, nullable=False),
        sa.Column("venue_id", sa.String(100), nullable=False),
        sa.Column("start_utc", sa.DateTime, nullable=False),
        sa.Column("end_utc", sa.DateTime, nullable=False),
        sa.Column("last_end", sa.DateTime, nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("uid", name="uq_events_uid"),
    )
    op.create_index("ix_events_venue_id", "events", ["venue_id"])
    op.create_index("ix_events_start_utc", "events", ["start_utc"])
    op.create_index("ix_events_last_end", "events", ["last_end"])

    op.create_table(
        "event_versions",
        sa.Column("event_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("event_id", "version", name="pk_event_versions"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_event_versions_event_id_events",
                                ondelete="CASCADE"),
    )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("session_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.UniqueConstraint("session_token", name="uq_users_session_token"),
    )

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_name_ip_at", "login_failures", ["name", "ip", "at"])
    op.create_index("ix_login_failures_ip_at", "login_failures", ["ip", "at"])


def downgrade() -> None:
    op.drop_table("login_failures")
    op.drop_table("users")
    op.drop_table("event_versions")
    op.drop_table("events")
