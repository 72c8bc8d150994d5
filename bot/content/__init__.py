"""Everything the bot says, from `content/*.yaml`, as typed and validated objects.

One model per file (`questions`, `guidance`, `encouragements`, `resources`,
`safety`, `messages`, `checkins`), the kinds of value they hold (`fields`),
the checks across files (`checks`) and the loader (`load`).
"""

from bot.content.encouragements import Encouragement
from bot.content.errors import ContentError
from bot.content.guidance import CASES, Avoid, Embrace, Section, Tactic
from bot.content.load import DEFAULT_CONTENT_DIR, Content, load_content
from bot.content.questions import END, Answer, Step, normalize
from bot.content.resources import Country, Line

__all__ = [
    "CASES",
    "DEFAULT_CONTENT_DIR",
    "END",
    "Answer",
    "Avoid",
    "Content",
    "ContentError",
    "Country",
    "Embrace",
    "Encouragement",
    "Line",
    "Section",
    "Step",
    "Tactic",
    "load_content",
    "normalize",
]
