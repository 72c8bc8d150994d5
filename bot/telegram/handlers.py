"""Handlers: turn Telegram updates into core inputs and the service's response into messages.

Each handler is named for what she did. None of them holds conversation logic
or decides an effect: that is the core, reached through `Service.handle`,
which answers with a `Response` (what to edit, delete and send). What they add
is Telegram's side of privacy: the id of every message sent to her is recorded
as soon as it is sent (never its text), so "Hide" and /forget can delete it.

Answering a button press (the spinner on it) is best effort: Telegram refuses
an answer that comes too late (after a restart, behind a backlog), and the
press must still do what it says.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext, ContextTypes

from bot.core.inputs import CaughtUp, Command, Edited, Input, Text
from bot.core.replies import Effect, Reply
from bot.core.turn import Outcome
from bot.service import Document, Photo, Response, Service, Show
from bot.telegram import render
from bot.telegram.backlog import Digest
from bot.telegram.errors import describe

log = logging.getLogger(__name__)

DELETE_BATCH = 100
"""deleteMessages takes at most 100 ids a call."""
REFUSE_EVERY = 24 * 3600.0
RECORD_BATCH = 500
"""Message ids recorded in one transaction when a long burst is answered at once."""
"""A group hears the one-line refusal at most once a day, however often it writes."""


class OncePer:
    """`first(key)` is True once per `period` seconds for each key; memory holds the keys
    seen within the last period only.

    Keys are kept in the order they were let through, which is the order of their times,
    so the expired ones are always at the front: each call looks at the keys that expired
    since the last and one more, never at all of them (20,000 groups had cost 14 s of the
    event loop when every new key rebuilt the whole table)."""

    def __init__(self, period: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.period = period
        self._clock = clock
        self._seen: OrderedDict[int, float] = OrderedDict()

    def first(self, key: int) -> bool:
        now = self._clock()
        seen = self._seen
        while seen:
            oldest, at = next(iter(seen.items()))
            if now - at < self.period:
                break
            del seen[oldest]
        if key in seen:
            return False
        seen[key] = now
        return True


def command_of(message: Message) -> Command:
    """`/Draft@SomeBot miss you` -> Command("draft", "miss you")."""
    first, _, rest = (message.text or "").strip().partition(" ")
    return Command(first[1:].split("@", 1)[0].lower(), rest.strip())


class Handlers:
    """The callbacks registered with the Application, sharing one `Service`."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.messages = service.content.messages
        self._refused = OncePer(REFUSE_EVERY)

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """She sent a command (/start, /help, /sos, /forget, ... or one we do not know)."""
        assert update.effective_message is not None
        await self._run(update, context, command_of(update.effective_message))

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """She typed something, or sent a photo or a file with words under it: the words are
        read (for danger first) and answered like anything she types."""
        message = update.effective_message
        assert message is not None
        await self._run(update, context, Text(message.text or message.caption or ""))

    async def edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """She changed a message she had sent: it is read for danger, and answered once."""
        message = update.effective_message
        assert message is not None
        await self._run(update, context, Edited(message.text or message.caption or ""))

    async def caught_up(self, app: Application, digest: Digest) -> None:  # type: ignore[type-arg]
        """She sent more than could be answered one by one (`backlog`): her oldest messages
        were read for danger and are answered once, with where she is now. One the screen
        was not quiet about is answered as the text it is, so the core shows the lines."""
        context: ContextTypes.DEFAULT_TYPE = CallbackContext(app)
        user_id, chat_id = digest.user_id, digest.chat_id
        event: Input = (
            Text("\n\n".join(digest.worrying))
            if digest.worrying
            else CaughtUp(read_all=digest.read_all)
        )
        digest.worrying.clear()  # her words are let go as soon as they are in hand
        try:
            response = await self.service.handle(user_id, chat_id, event)
            del event
            await self._show(context, user_id, chat_id, response, None)
            if not response.forgot:
                ids = digest.message_ids  # thousands, in a long burst: a transaction a batch
                for start in range(0, len(ids), RECORD_BATCH):
                    await self.service.sent(user_id, chat_id, ids[start : start + RECORD_BATCH])
        except RetryAfter:  # her chat is held by flood control: only the reply is lost
            log.warning("folded messages: the reply was refused by flood control; dropped")
        except Exception as exc:  # as the error handler would: logged by type, the bot goes on
            log.error("answering folded messages failed: %s", describe(exc))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """She pressed an inline button."""
        query = update.callback_query
        assert query is not None
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            # Only a forged or inline-mode press gets here: we never put buttons in groups.
            await self._answer(query, self.messages.group_refusal, alert=True)
            return
        # The answer goes out beside the work, not before it: one round trip less per press.
        answering = asyncio.ensure_future(self._answer(query))
        try:
            event = render.decode(query.data)
            if event is None:
                stale = Reply(text=self.messages.stale_button)
                await self._send(context, query.from_user.id, chat.id, stale)
                return
            await self._run(update, context, event, query)
        finally:
            await answering

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
        await self._refuse_group(context, update.effective_chat.id)

    async def added_to_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Someone added the bot to a group or channel: say once that it only talks in private."""
        member = update.my_chat_member
        assert member is not None
        joined = member.new_chat_member.status in ("member", "administrator")
        if member.chat.type != ChatType.PRIVATE and joined:
            await self._refuse_group(context, member.chat.id)

    async def _refuse_group(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        """Say, once a day at most, that the conversation is private. A line per message
        would be a notification for everyone in the group each time, and a busy group would
        soon use up the twenty messages a minute Telegram allows in it."""
        if self._refused.first(chat_id):
            await self._send(context, None, chat_id, Reply(text=self.messages.group_refusal))

    @staticmethod
    async def _answer(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
        """Stop the spinner on the pressed button (and show `text`), if Telegram still lets us."""
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError as exc:
            log.info("could not answer a button press: %s", type(exc).__name__)

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
        if response.unrecorded and not response.forgot:
            await self.service.sent(user.id, chat.id, response.unrecorded)

    async def _show(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        user_id: int,
        chat_id: int,
        response: Response,
        query: CallbackQuery | None,
    ) -> None:
        """Delete what is to go, send what is to show, and rewrite the pressed message.

        What she waits for comes first: the next question goes out before the pressed
        one is settled into the record of her answer, a round trip sooner. A redrawn
        page or tick is itself the answer, so it is done first.
        """
        outcome = response.outcome
        pressed = query.message if query is not None else None
        clearing = outcome.effect in (Effect.FORGET, Effect.HIDE)
        editing = query is not None and pressed is not None and not clearing
        if editing and outcome.settle is None:
            await self._redraw(query, outcome)  # type: ignore[arg-type]
        if clearing:
            ids = set(response.delete)
            if pressed is not None:
                ids.add(pressed.message_id)
            await self._delete(context, chat_id, sorted(ids))
        # After /forget nothing about her is written again.
        owner = None if response.forgot else user_id
        for show in response.shows:
            await self._send(context, owner, chat_id, show)
        if editing and outcome.settle is not None:
            await self._redraw(query, outcome)  # type: ignore[arg-type]

    @staticmethod
    async def _redraw(query: CallbackQuery, outcome: Outcome) -> None:
        """Rewrite the pressed message: a page turned, her answer settled, or ticks redrawn."""
        try:
            if outcome.edit is not None:
                text = render.to_html(outcome.edit)[0]
                markup = render.keyboard(outcome.edit)
                await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            elif outcome.settle is not None:
                text = render.to_html(Reply(text=outcome.settle))[0]
                await query.edit_message_text(text, parse_mode=ParseMode.HTML)
            elif outcome.refresh is not None:
                await query.edit_message_reply_markup(render.keyboard(outcome.refresh))
        except BadRequest as exc:
            # Too old to edit, or unchanged: what else she was sent has gone out.
            log.info("could not edit a pressed message: %s", type(exc).__name__)

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
        """Delete what Telegram still lets us delete (messages under 48 hours old)."""
        for start in range(0, len(ids), DELETE_BATCH):
            await self._delete_batch(context, chat_id, ids[start : start + DELETE_BATCH])

    async def _delete_batch(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, ids: list[int]
    ) -> None:
        """One deleteMessages call; if Telegram refuses it, each half is tried on its own.

        A batch can hold a message just past 48 hours (ids are kept for 48 hours from
        when they were noted, a moment after Telegram dated them), and Telegram may
        refuse the whole call for it. Ids rise with time, so the old ones sit at the
        start and halving finds them in a few calls; everything newer is still deleted.
        """
        try:
            await context.bot.delete_messages(chat_id, ids)
        except BadRequest as exc:
            if len(ids) == 1:
                log.info("could not delete a message: %s", type(exc).__name__)
                return
            half = len(ids) // 2
            await self._delete_batch(context, chat_id, ids[:half])
            await self._delete_batch(context, chat_id, ids[half:])
        except TelegramError as exc:
            log.info("could not delete messages: %s", type(exc).__name__)
