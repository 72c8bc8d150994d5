"""chat messages hang off her row

A message id recorded after /forget (a check-in in flight, a reply still being
sent) used to leave a row about her behind. With a foreign key to her user row
that cascades, every message id goes with her row, and none can be written
without it. Ids of people with no row are dropped first: nothing can clear
them for anyone anyway (the bot only deletes for someone it knows).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 15:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM chat_messages WHERE user_id NOT IN (SELECT user_id FROM users)")
    with op.batch_alter_table("chat_messages") as batch:
        batch.create_foreign_key(
            op.f("fk_chat_messages_user_id_users"),
            "users",
            ["user_id"],
            ["user_id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("chat_messages") as batch:
        batch.drop_constraint(op.f("fk_chat_messages_user_id_users"), type_="foreignkey")
