"""Benchmarks of the bot, run from a checkout: `python -m bench [NAME]` (see `__main__`).

One module per benchmark (`updates`, `checkins` with `jobqueue`, `sendrate`,
`startup`, `latency`), plus what they share: `common` (figure lines,
progress, memory, throwaway databases), `offline` (a Bot API that answers at
once, no sockets), `process` and `walkers` (the real process and simulated
women against the HTTP emulator of `tests/`), `echo_bot` (the bare baseline)
and `_bot` (the one place that imports the bot's internals). Nothing in `bot`
imports this package, and the wheel does not ship it.
"""
