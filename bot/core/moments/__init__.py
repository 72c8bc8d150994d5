"""The hard moments: reading a message over before she sends it (`draft`), waiting out the
urge to reach him (`urge`), and words for the talks the article names (`talk`)."""
