"""The benchmarks behind `python -m bot bench [updates | checkins | sendrate | startup]`.

One module per benchmark, plus `common` (figure lines, progress, memory,
throwaway databases) and `offline` (a Bot API that answers at once, no
sockets). `bot.bench` is the entry that runs them. Figures are printed, one
`name value unit` line each, never asserted: they depend on the machine.
"""

from __future__ import annotations
