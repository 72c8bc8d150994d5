"""messages.yaml: the command menu and everything the bot says outside the other files.

Each text is a named field, so the code reads `content.messages.welcome` and a
missing or misspelled key stops the bot at load, naming the file and the key.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from bot.content.fields import ContentModel, Filled, Label, Text, Title, fills
from bot.content.fields import _stripped as stripped
from bot.content.fields import _text_only as text_only

Description = Annotated[str, BeforeValidator(text_only), stripped(256)]
Prefix = Annotated[str, BeforeValidator(text_only)]
"""A prefix like "✓ " whose trailing space matters."""


class Commands(ContentModel):
    """One line per command for Telegram's menu, in the order shown there."""

    start: Description
    help: Description
    checkins: Description
    progress: Description
    pause: Description
    resume: Description
    stop: Description
    cancel: Description
    sos: Description
    about: Description
    mydata: Description
    forget: Description
    update: Description
    draft: Description
    moment: Description
    talk: Description

    def items(self) -> list[tuple[str, str]]:
        """(command, description) in menu order."""
        return [(name, getattr(self, name)) for name in type(self).model_fields]


class Messages(ContentModel):
    commands: Commands
    description: Annotated[str, BeforeValidator(text_only), stripped(512)]
    """What anyone who opens the chat sees before it starts (Telegram's bot description)."""
    short_description: Annotated[str, BeforeValidator(text_only), stripped(120)]
    """The bot's profile line (Telegram's short description)."""

    # the questions
    welcome: Text
    about: Text
    restart_confirm: Text
    restart_yes: Label
    restart_no: Label
    resumed: Text
    cancelled: Text
    nothing_to_cancel: Text
    nudge_single: Text
    nudge_multi: Text
    already_answered: Text
    stale_button: Text
    idle: Text
    after_guidance: Text
    answered: Annotated[Filled, fills("question", "answer")]
    none_selected: Label
    selected_mark: Prefix
    # help and odd inputs
    help_title: Text
    help_commands_title: Text
    avoid_title: Title
    embrace_title: Title
    group_refusal: Text
    non_text: Text
    saw_edit: Text
    """The one answer to a message she edited (read for danger first, like anything she types)."""
    caught_up: Text
    """Before where she is, when more came at once than could be answered one by one and
    every one of the oldest was read."""
    caught_up_partly: Text
    """The same when there was more than could be read in time (the newest were)."""
    unknown_command: Text
    error: Text
    no_token: Annotated[Filled, fills("console_command", "run_command")]
    open_console: Text
    env_offer: Text
    """Asked in a terminal when there is a `.env.example` and no `.env` yet."""
    env_written: Annotated[Filled, fills("run_command")]
    env_kept: Text
    """A `.env` appeared meanwhile: it is never overwritten."""
    console_intro: Text
    console_welcome_back: Text
    """Before her plan's first page, when she opens the console again with a plan."""
    console_bye: Text
    # safety
    emergency_line: Annotated[Filled, fills("number")]
    directory_title: Text
    crisis_intro: Text
    crisis_idle: Text
    resources_continue: Label
    resources_paused: Text
    country_question: Text
    country_other: Label
    country_skip: Label
    # her data
    forget_confirm: Text
    forget_yes: Label
    forget_no: Label
    forget_kept: Text
    forgotten: Text
    mydata_caption: Text
    hide_label: Label
    # /update
    update_ask: Text
    update_nothing: Text
    update_kept: Text
    update_keep_label: Label
    update_new_plan: Text
