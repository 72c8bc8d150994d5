"""resources.yaml: emergency numbers, helplines and directories, with the source of each."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from bot.content.fields import Contact, ContentModel, Id, Label, Name, Text


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise ValueError(f"{value!r} is not a two-letter country code (ISO 3166-1)")
    return code


class Line(ContentModel):
    name: Contact
    contact: Contact
    kind: Id = "other"
    source: str = ""


class Country(ContentModel):
    code: Annotated[str, AfterValidator(_country_code)]
    name: Name
    emergency: Label
    lines: tuple[Line, ...]


class Resources(ContentModel):
    intro: Text
    directory: tuple[Line, ...]
    countries: tuple[Country, ...]
