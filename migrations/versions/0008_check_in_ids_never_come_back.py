"""check-in ids never come back; at most one pending check-back per woman

On SQLite a check-in's id was a plain rowid, and SQLite gives the id of a
deleted newest row to the next row inserted: after she ran /forget, another
woman's check-back could take the id of the check-in the sender was holding
for her. The table is rebuilt with AUTOINCREMENT (SQLite's batch mode copies
every row, ids included); PostgreSQL's sequence never reuses an id, so there
nothing changes.

A woman may have one check-back waiting: of any waiting now, the newest stays
and the others are cancelled, as a new /urge does from now on.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEWEST_ONLY = """
UPDATE checkins SET status = 'cancelled'
WHERE kind = 'urge' AND status = 'pending' AND id NOT IN (
    SELECT max(id) FROM checkins WHERE kind = 'urge' AND status = 'pending' GROUP BY user_id
)
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "checkins", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
    op.execute(NEWEST_ONLY)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "checkins", recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
