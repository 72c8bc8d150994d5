"""opened check-ins fold back: when a discreet check-in was opened

A discreet check-in shows a neutral line until she taps "Open"; someone else
may pick up her phone later, so an opened one folds back to its neutral line
after a while (or when she taps "Hide"). `opened_at` says when it was opened;
NULL: closed. The sender finds the ones to fold by its index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_checkins_opened_at", ["opened_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.drop_index("ix_checkins_opened_at")
        batch.drop_column("opened_at")
