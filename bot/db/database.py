"""The database: one connection (SQLite) or pool (PostgreSQL), and an object per aggregate.

`turns` (her conversation, one transaction per input), `queue` (the check-in
queue), `folds` (opened discreet check-ins to fold back) and `chat` (her chat's
message ids) share the connection; each compiles
its queries for the dialect when the database opens.
"""

from __future__ import annotations

from sqlalchemy.engine import URL

from bot.db.chat import ChatMessages
from bot.db.folds import Folds
from bot.db.postgres import PostgresDatabase
from bot.db.queue import CheckinQueue
from bot.db.sqlite import SqliteDatabase
from bot.db.turns import Turns
from bot.db.url import POSTGRESQL, sqlite_path


class Database:
    def __init__(self, connection: SqliteDatabase | PostgresDatabase) -> None:
        self.connection = connection
        self.chat = ChatMessages(connection)
        self.queue = CheckinQueue(connection, self.chat)
        self.folds = Folds(connection)
        self.turns = Turns(connection, self.chat, self.queue)

    async def scrub(self) -> None:
        """After /forget: leave no copy of what was deleted in the database's files."""
        await self.connection.scrub()

    async def close(self) -> None:
        await self.connection.close()


def open_database(url: URL) -> Database:
    """The database at `url` (already normalized and migrated): SQLite or PostgreSQL."""
    path = sqlite_path(url)
    if path is not None:
        return Database(SqliteDatabase(path))
    if url.drivername == POSTGRESQL:
        return Database(PostgresDatabase(url))
    raise ValueError(f"no database for {url.drivername!r}")
