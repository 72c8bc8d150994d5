"""What lives as long as the bot's process, kept out of the garbage collector's way.

The content, the compiled rules, the crisis model and the libraries are some
115,000 objects that are never freed. Left to the collector, every full
collection walks all of them: about 50 ms on this project's machine, in which
no chat is answered (`python -m bench startup` prints both figures). Frozen
once the bot has loaded everything, a full collection walks only what came
after.
"""

from __future__ import annotations

import gc

from bot.core.safety.heads import packaged


def settle() -> None:
    """Load what the process keeps for good, then freeze it (just before serving).

    The crisis screen's heads are read here rather than at the first message that needs them.
    """
    packaged()
    gc.collect()
    gc.freeze()
