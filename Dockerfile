# Production image: gunicorn serves the web app; the same image runs the Celery
# worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

# WeasyPrint's system libraries (Pango, HarfBuzz) and fonts; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first (pinned by requirements.lock) so code changes reuse this layer.
COPY pyproject.toml requirements.lock README.md ./
RUN pip install -c requirements.lock .

COPY --chown=app:app . .

# Static files and translations at build time; the key only satisfies settings
# (DEBUG=0 refuses to start without one) and is not used at run time.
RUN DEBUG=0 SECRET_KEY=build-time-only-not-a-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py collectstatic --noinput \
    && if find locale -name '*.po' 2>/dev/null | grep -q .; then \
        DEBUG=0 SECRET_KEY=build-time-only-not-a-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py compilemessages --ignore=.venv; fi \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /app/media \
    && chown -R app:app /app/staticfiles /app/media

USER app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz/', timeout=4).status != 200)"

# WEB_CONCURRENCY sets the number of gunicorn workers (gunicorn reads it itself).
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
