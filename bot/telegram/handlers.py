"""Handlers: turn Telegram updates into core inputs and the service's response into messages.

Each handler is named for what she did. None of them holds conversation logic
or decides an effect: that is the core, reached through `Service.handle`,
which answers with a `Response` (what to edit, delete and send). What they add
is Telegram's side of privacy: the id of every message sent to her is recorded
as soon as it is sent (never its text), so "Hide" and /forget can delete it.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.core.inputs import Command, Input, Text
from bot.core.replies import Effect, Reply
from bot.service import Document, Photo, Response, Service, Show
from bot.telegram import render

log = logging.getLogger(__name__)

DELETE_BATCH = 100
"""deleteMessages takes at most 100 ids a call."""


def command_name(message: Message) -> str:
    """`/Start@SomeBot payload` -> `start`."""
    first = (message.text or "").split(maxsplit=1)[0]
    return first[1:].split("@", 1)[0].lower()


class Handlers:
    """The callbacks registered with the Application, sharing one `Service`."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.messages = service.content.messages

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """She sent a command (/start, /help, /sos, /forget, ... or one we do not know)."""
        assert update.effective_message is not None
        await self._run(update, context, Command(command_name(update.effective_message)))

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """She typed something."""
        assert update.effective_message is not None
        await self._run(update, context, Text(update.effective_message.text or ""))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """She pressed an inline button."""
        query = update.callback_query
        assert query is not None
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            # Only a forged or inline-mode press gets here: we never put buttons in groups.
            await query.answer(self.messages.group_refusal, show_alert=True)
            return
        await query.answer()
        event = render.decode(query.data)
        if event is None:
            await self._send(
                context, query.from_user.id, chat.id, Reply(text=self.messages.stale_button)
            )
            return
        await self._run(update, context, event, query)

    async def other_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """She sent a sticker, photo, voice note or anything else that is not text."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        await self.service.sent(user.id, message.chat_id, [message.message_id])
        await self._send(context, user.id, message.chat_id, Reply(text=self.messages.non_text))

    async def group_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Someone wrote to the bot in a group: this conversation is private."""
        assert update.effective_chat is not None
        await self._send(
            context, None, update.effective_chat.id, Reply(text=self.messages.group_refusal)
        )

    async def added_to_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Someone added the bot to a group or channel: say once that it only talks in private."""
        member = update.my_chat_member
        assert member is not None
        joined = member.new_chat_member.status in ("member", "administrator")
        if member.chat.type != ChatType.PRIVATE and joined:
            await self._send(context, None, member.chat.id, Reply(text=self.messages.group_refusal))

    async def _run(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        event: Input,
        query: CallbackQuery | None = None,
    ) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:  # the filters admit neither; be safe all the same
            return
        incoming = update.message.message_id if update.message else None
        response = await self.service.handle(user.id, chat.id, event, incoming=incoming)
        await self._show(context, user.id, chat.id, response, query)

    async def _show(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        user_id: int,
        chat_id: int,
        response: Response,
        query: CallbackQuery | None,
    ) -> None:
        """Edit the pressed message, delete what is to go, then send what is to show."""
        outcome = response.outcome
        pressed = query.message if query is not None else None
        clearing = outcome.effect in (Effect.FORGET, Effect.HIDE)
        if query is not None and pressed is not None and not clearing:
            try:
                if outcome.settle is not None:
                    text = render.to_html(Reply(text=outcome.settle))[0]
                    await query.edit_message_text(text, parse_mode=ParseMode.HTML)
                elif outcome.refresh is not None:
                    await query.edit_message_reply_markup(render.keyboard(outcome.refresh))
            except BadRequest as exc:
                # Too old to edit, or unchanged: the new messages below still go out.
                log.info("could not edit a pressed message: %s", type(exc).__name__)
        if clearing:
            ids = set(response.delete)
            if pressed is not None:
                ids.add(pressed.message_id)
            await self._delete(context, chat_id, sorted(ids))
        # After /forget nothing about her is written again.
        owner = None if response.forgot else user_id
        for show in response.shows:
            await self._send(context, owner, chat_id, show)

    async def _send(
        self, context: ContextTypes.DEFAULT_TYPE, user_id: int | None, chat_id: int, show: Show
    ) -> None:
        """Send one thing and record its id at once (when `user_id` is hers to record under).

        A reply is split under 4096 characters, its buttons on the last part.
        """
        sent: list[Message] = []
        if isinstance(show, Document):
            sent.append(
                await context.bot.send_document(
                    chat_id, show.data, filename=show.filename, caption=show.caption
                )
            )
        elif isinstance(show, Photo):
            caption = render.to_html(Reply(text=show.caption))[0]
            sent.append(
                await context.bot.send_photo(
                    chat_id, show.png, caption=caption, parse_mode=ParseMode.HTML
                )
            )
        else:
            parts = render.to_html(show)
            for i, part in enumerate(parts):
                markup = render.keyboard(show) if i == len(parts) - 1 else None
                message = await context.bot.send_message(
                    chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup
                )
                if user_id is not None:
                    await self.service.sent(user_id, chat_id, [message.message_id])
            return
        if user_id is not None:
            await self.service.sent(user_id, chat_id, [m.message_id for m in sent])

    async def _delete(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, ids: list[int]
    ) -> None:
        """Delete what Telegram still lets us delete; older messages are skipped by Telegram."""
        for start in range(0, len(ids), DELETE_BATCH):
            try:
                await context.bot.delete_messages(chat_id, ids[start : start + DELETE_BATCH])
            except TelegramError as exc:
                log.info("could not delete messages: %s", type(exc).__name__)
