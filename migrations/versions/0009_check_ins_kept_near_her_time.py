"""check-ins kept near her time: how far from it they went, the safety path's found first

A busy minute is spread over the window she was told about at set-up, so a
check-in may go out a little before or after her time; `late_seconds` keeps
how far from it hers have lately gone, for /checkins. The safety path's due
rows get a partial index of their own: they are claimed first, on time,
however many other slots are waiting.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SAFETY_ONLY = sa.text("pool = 'safety'")


def upgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.add_column(sa.Column("late_seconds", sa.Integer(), nullable=True))
    op.create_index(
        "ix_schedules_safety_due",
        "schedules",
        ["next_due_at"],
        unique=False,
        sqlite_where=SAFETY_ONLY,
        postgresql_where=SAFETY_ONLY,
    )


def downgrade() -> None:
    op.drop_index("ix_schedules_safety_due", table_name="schedules")
    with op.batch_alter_table("schedules") as batch:
        batch.drop_column("late_seconds")
