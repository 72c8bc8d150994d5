"""Queries written beside the method that runs them, compiled once when the database opens.

An aggregate (her turns, the check-in queue, her chat's message ids) declares
each statement as a `Statement` right above the method that uses it; opening
compiles every one for the database's dialect (see `prepared`), so a method
reads `self._load` and runs ready SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import BindParameter, Column, Dialect, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ClauseElement

from bot.db.prepared import Prepared, prepare

Build = Callable[[Dialect], ClauseElement]


def insert_for(dialect: Dialect) -> Any:
    """The dialect's own INSERT, which knows ON CONFLICT."""
    return postgresql.insert if dialect.name == "postgresql" else sqlite.insert


def bound(column: Column[Any], name: str | None = None) -> BindParameter[Any]:
    """A parameter for `column`'s value, named after it unless `name` says otherwise, typed
    like it (so its JSON or instant is converted as the column's own values are)."""
    return bindparam(name or column.key, type_=column.type)


class Statement:
    """A class attribute holding how to build one query; on an instance, the compiled query."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._compiled[self.name]


class Queries:
    """Base of an aggregate: compiles every `Statement` of its class for `db`'s dialect."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self._compiled: dict[str, Prepared] = {
            name: prepare(attr.build(db.dialect), db.dialect)
            for klass in reversed(type(self).__mro__)
            for name, attr in vars(klass).items()
            if isinstance(attr, Statement)
        }
