"""Content errors in the coach's terms: "file: key: problem", from whatever failed.

pydantic reports a failure as a location tuple and an error type; a coach
needs the file, the key path as it reads in YAML (`steps[1].answers[0].next`)
and a plain sentence.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


class ContentError(ValueError):
    """Content that cannot be used; the message names the file and the key."""


def key_path(loc: tuple[Any, ...]) -> str:
    """`("steps", 1, "answers", 0, "next")` -> `steps[1].answers[0].next`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


def _problem(error: Any) -> str:
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "missing"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if kind == "extra_forbidden":
        return "is not a key this file has (a typo?)"
    if kind == "literal_error":
        return f"{given!r} is not one of {ctx.get('expected', '')}"
    if kind in ("string_type", "str_type"):
        return "expected text"
    if kind in ("tuple_type", "list_type", "frozen_set_type", "set_type"):
        return "expected a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "expected a mapping"
    if kind in ("bool_type", "bool_parsing"):
        return "expected true or false"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "expected a whole number"
    return str(error["msg"])


def from_validation(file: str, error: ValidationError) -> ContentError:
    """The first problem pydantic found, as the coach should read it."""
    errors = error.errors()
    first = errors[0]
    path = key_path(tuple(first["loc"]))
    more = f" (and {len(errors) - 1} more problems in this file)" if len(errors) > 1 else ""
    where = f"{file}: {path}" if path else file
    return ContentError(f"{where}: {_problem(first)}{more}")


def at(file: str, path: str, problem: str) -> ContentError:
    return ContentError(f"{file}: {path}: {problem}" if path else f"{file}: {problem}")
