"""Handlers: turn Telegram updates into core inputs and the outcome back into messages.

Each handler is named for what she did. None of them holds conversation logic;
that is `bot.flow`, reached through `Conversation.handle`. What they add is
Telegram's side of privacy: the ids of the messages in her chat are noted
(never their text) so the hide button and /forget can delete them.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import checkins, progress
from bot.conversation import Conversation
from bot.dialogue import EXPORT, FORGET, HIDE, Command, Input, Reply, Text
from bot.flow import Outcome
from bot.telegram import render

log = logging.getLogger(__name__)

DELETE_BATCH = 100
"""deleteMessages takes at most 100 ids a call."""


def command_name(message: Message) -> str:
    """`/Start@SomeBot payload` -> `start`."""
    first = (message.text or "").split(maxsplit=1)[0]
    return first[1:].split("@", 1)[0].lower()


class Handlers:
    """The callbacks registered with the Application, sharing one `Conversation`."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.store = conversation.store
        self.messages = conversation.content.messages

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
            await query.answer(self.messages["group_refusal"], show_alert=True)
            return
        await query.answer()
        event = render.decode(query.data)
        if event is None:
            sent = await self._send(context, chat.id, Reply(text=self.messages["stale_button"]))
            await self.store.remember(query.from_user.id, chat.id, sent)
            return
        await self._run(update, context, event, query)

    async def other_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """She sent a sticker, photo, voice note or anything else that is not text."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        sent = await self._send(context, message.chat_id, Reply(text=self.messages["non_text"]))
        await self.store.remember(user.id, message.chat_id, [message.message_id, *sent])

    async def group_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Someone wrote to the bot in a group: this conversation is private."""
        assert update.effective_chat is not None
        await self._send(
            context, update.effective_chat.id, Reply(text=self.messages["group_refusal"])
        )

    async def added_to_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Someone added the bot to a group or channel: say once that it only talks in private."""
        member = update.my_chat_member
        assert member is not None
        joined = member.new_chat_member.status in ("member", "administrator")
        if member.chat.type != ChatType.PRIVATE and joined:
            await self._send(context, member.chat.id, Reply(text=self.messages["group_refusal"]))

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
        outcome = await self.conversation.handle(user.id, chat.id, event)
        incoming = [update.message.message_id] if update.message else []
        sent = await self._show(context, user.id, chat.id, outcome, query)
        if outcome.effect != FORGET:  # after /forget nothing about her is written again
            await self.store.remember(user.id, chat.id, [*incoming, *sent])

    async def _show(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        user_id: int,
        chat_id: int,
        outcome: Outcome,
        query: CallbackQuery | None,
    ) -> list[int]:
        """Edit the pressed message, carry out the effect, send the replies; return sent ids."""
        pressed = query.message if query is not None else None
        if query is not None and pressed is not None and outcome.effect not in (FORGET, HIDE):
            try:
                if outcome.settle is not None:
                    text = render.to_html(Reply(text=outcome.settle))[0]
                    await query.edit_message_text(text, parse_mode=ParseMode.HTML)
                elif outcome.refresh is not None:
                    await query.edit_message_reply_markup(render.keyboard(outcome.refresh))
            except BadRequest as exc:
                # Too old to edit, or unchanged: the new messages below still go out.
                log.info("could not edit a pressed message: %s", type(exc).__name__)
        sent: list[int] = []
        if outcome.effect == EXPORT:
            document = await self.conversation.export(user_id)
            message = await context.bot.send_document(
                chat_id, document, filename="my-data.json", caption=self.messages["mydata_caption"]
            )
            sent.append(message.message_id)
        elif outcome.effect == checkins.PROGRESS:
            sent += await self._progress(context, user_id, chat_id)
        elif outcome.effect in (FORGET, HIDE):
            if outcome.effect == FORGET:
                gone = await self.store.forget(user_id)
            else:
                gone = await self.store.take_messages(user_id)
            ids = {m for c, m in gone if c == chat_id}
            if pressed is not None:
                ids.add(pressed.message_id)
            await self._delete(context, chat_id, sorted(ids))
        for reply in outcome.replies:
            sent += await self._send(context, chat_id, reply)
        return sent

    async def _progress(
        self, context: ContextTypes.DEFAULT_TYPE, user_id: int, chat_id: int
    ) -> list[int]:
        """Her history as a chart with a summary caption, or as text when there is no chart."""
        content = self.conversation.content
        history = await self.conversation.history(user_id)
        text = progress.summary(content, history)
        png = None
        if history:
            try:
                # Drawing takes tens of milliseconds: keep it off the loop everyone shares.
                png = await asyncio.to_thread(progress.chart, content, history)
            except Exception as exc:  # the words still go out without the picture
                log.warning("could not draw a progress chart: %s", type(exc).__name__)
        if png is None:
            title = content.checkins["progress_title"]
            return await self._send(context, chat_id, Reply(text=text, title=title))
        message = await context.bot.send_photo(
            chat_id, png, caption=render.to_html(Reply(text=text))[0], parse_mode=ParseMode.HTML
        )
        return [message.message_id]

    async def _send(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply
    ) -> list[int]:
        """Send one reply, split under 4096 characters; its buttons go on the last part."""
        parts = render.to_html(reply)
        sent = []
        for i, part in enumerate(parts):
            markup = render.keyboard(reply) if i == len(parts) - 1 else None
            message = await context.bot.send_message(
                chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup
            )
            sent.append(message.message_id)
        return sent

    async def _delete(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, ids: list[int]
    ) -> None:
        """Delete what Telegram still lets us delete; older messages are skipped by Telegram."""
        for start in range(0, len(ids), DELETE_BATCH):
            try:
                await context.bot.delete_messages(chat_id, ids[start : start + DELETE_BATCH])
            except TelegramError as exc:
                log.info("could not delete messages: %s", type(exc).__name__)
