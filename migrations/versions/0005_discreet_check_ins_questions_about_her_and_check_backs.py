"""discreet check-ins, questions about her, and check-backs

A schedule can be discreet (`cover`: the neutral line a check-in shows until
she opens it) and remembers which question about her it asked last (`asked`).
A delivery has a `kind` (a check-in, or the one check-back after /urge), the
`question` it asks and the `cover` it was sent behind; `kept` becomes `did`,
her yes to whichever question it asked.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.add_column(sa.Column("cover", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("asked", sa.String(length=32), nullable=True))
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), server_default="checkin", nullable=False)
        )
        batch.add_column(sa.Column("question", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("cover", sa.String(length=32), nullable=True))
        batch.alter_column("kept", new_column_name="did")
    # Every check-in before this asked whether she had kept from chasing him: the "room" question.
    op.execute("UPDATE checkins SET question = 'room'")


def downgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.alter_column("did", new_column_name="kept")
        batch.drop_column("cover")
        batch.drop_column("question")
        batch.drop_column("kind")
    with op.batch_alter_table("schedules") as batch:
        batch.drop_column("asked")
        batch.drop_column("cover")
