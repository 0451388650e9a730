"""Shuttle scenarios: each scenario's record with its version, its history, and the selected one.

Revision ID: 0004_scenarios
Revises: 0003_session_key
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_scenarios"
down_revision = "0003_session_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_scenarios"),
    )
    op.create_table(
        "scenario_versions",
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("scenario_id", "version", name="pk_scenario_versions"),
        sa.ForeignKeyConstraint(["scenario_id"], ["scenarios.id"], name="fk_scenario_versions_scenario_id_scenarios",
                                ondelete="CASCADE"),
    )
    op.create_table(
        "selected_scenario",
        sa.Column("slot", sa.String(32), nullable=False),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("selected_at", sa.DateTime, nullable=False),
        sa.Column("selected_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("slot", name="pk_selected_scenario"),
        sa.ForeignKeyConstraint(["scenario_id"], ["scenarios.id"], name="fk_selected_scenario_scenario_id_scenarios"),
    )


def downgrade() -> None:
    op.drop_table("selected_scenario")
    op.drop_table("scenario_versions")
    op.drop_table("scenarios")
