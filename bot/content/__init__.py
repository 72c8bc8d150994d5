"""Everything the bot says, from `content/*.yaml`, as typed and validated objects.

One model per file (`questions`, `plan`, `tactics`, `encouragements`,
`resources`, `safety`, `safety_plan`, `heard`, `messages`, `checkins`), the
kinds of value they hold (`fields`), the checks across files (`checks`) and
the loader (`load`).
"""

from bot.content.encouragements import Encouragement
from bot.content.errors import ContentError
from bot.content.load import DEFAULT_CONTENT_DIR, Content, load_content
from bot.content.plan import Piece
from bot.content.questions import END, Answer, Step, normalize
from bot.content.resources import Country, Line
from bot.content.tactics import Avoid, Embrace, Tactic

__all__ = [
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
    "Piece",
    "Step",
    "Tactic",
    "load_content",
    "normalize",
]
