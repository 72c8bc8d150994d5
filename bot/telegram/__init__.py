"""The Telegram adapter: python-telegram-bot glue over the pure core."""
