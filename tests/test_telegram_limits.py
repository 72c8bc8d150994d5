"""The emulator refuses what Telegram refuses: the rules in `tests/telegram_limits.py`."""

from __future__ import annotations

from tests.telegram_limits import Queries, SendLimits

HER, OTHER, GROUP = 7, 8, -100


def test_a_private_chat_gets_a_burst_then_one_message_a_second() -> None:
    limits = SendLimits()
    allowed = [limits.check(HER, 0.0) for _ in range(20)]

    assert allowed == [0] * 20
    assert limits.check(HER, 0.0) == 1  # retry after 1 s
    assert limits.check(OTHER, 0.0) == 0  # other chats are not held by hers
    assert limits.check(HER, 1.0) == 0


def test_a_group_gets_twenty_messages_a_minute() -> None:
    limits = SendLimits()
    for _ in range(20):
        assert limits.check(GROUP, 0.0) == 0

    assert limits.check(GROUP, 0.0) == 3  # one more every 3 s
    assert limits.check(GROUP, 3.0) == 0


def test_the_whole_bot_gets_thirty_a_second_unless_it_pays_for_broadcasts() -> None:
    limits = SendLimits()
    sent = sum(limits.check(chat, 0.0) == 0 for chat in range(1, 41))
    paid = SendLimits()
    paid.paid_broadcasts(1000)
    sent_paid = sum(paid.check(chat, 0.0) == 0 for chat in range(1, 41))

    assert sent == 30
    assert sent_paid == 40


def test_a_press_is_answered_once_and_only_in_time() -> None:
    queries = Queries(timeout=15)
    queries.issue("a", 0.0)
    queries.issue("b", 0.0)

    assert queries.answer("a", 14.0)
    assert not queries.answer("a", 14.5)  # twice
    assert not queries.answer("b", 15.5)  # too late
    assert not queries.answer("never-issued", 0.0)


def test_the_switch_refuses_or_accepts_every_answer() -> None:
    refusing, accepting = Queries(mode="refuse"), Queries(mode="accept")
    refusing.issue("a", 0.0)

    assert not refusing.answer("a", 0.0)
    assert accepting.answer("anything", 99.0)
