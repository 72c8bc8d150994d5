"""claims without her state: schedules keep her encouragement pool; one index less on checkins

A claim picked each due woman's encouragement pool by reading and decoding
her whole stored state (a join to `users`); among a million schedules that
was most of a claim. The key now lives on her schedule row (`pool`), with the
content rules it was worked out under (`pool_rules`).

Existing rows are left NULL on purpose: the key comes from plan.yaml's rules,
which a migration must not import (they change after it is written). A NULL
key is read from her state at the row's next claim, which writes it back in
the same UPDATE that moves the row on, so every row is filled by its first
claim after this migration, and no row is ever read with a wrong key.

`ix_checkins_user_id` goes: the unique (user_id, due_at) index is led by the
same column and serves every query by her id, and each claim wrote 500
entries into both.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.add_column(sa.Column("pool", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("pool_rules", sa.String(length=16), nullable=True))
    with op.batch_alter_table("checkins") as batch:
        batch.drop_index("ix_checkins_user_id")


def downgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.create_index("ix_checkins_user_id", ["user_id"], unique=False)
    with op.batch_alter_table("schedules") as batch:
        batch.drop_column("pool_rules")
        batch.drop_column("pool")
