"""The pure core: the conversation, the guidance, safety, check-ins. No Telegram, no database.

`router.respond(content, state, input, ctx)` is the whole of it seen from outside;
the adapters reach it through `bot.service`.
"""
