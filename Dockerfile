# Slim image, non-root user, the SQLite file on a volume; migrations run at start.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data

RUN useradd --create-home --uid 10001 bot \
    && mkdir /data && chown bot:bot /data && chmod 700 /data

WORKDIR /app
COPY pyproject.toml setup.py MANIFEST.in README.md alembic.ini ./
COPY bot ./bot
COPY content ./content
COPY migrations ./migrations
RUN pip install --no-cache-dir .

USER bot
VOLUME ["/data"]
CMD ["python", "-m", "bot", "run"]
