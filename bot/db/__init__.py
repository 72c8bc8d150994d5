"""Persistence: typed models, migrations, and the one place that runs queries (`database`)."""
