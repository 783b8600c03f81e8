# One image for web (gunicorn), worker (celery worker) and beat (celery beat).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: compilemessages; curl: the compose health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install -r requirements.lock

COPY . .
# Build-time steps need settings but no secret and no database.
RUN DJANGO_SETTINGS_MODULE=portal.settings.base SECRET_KEY=build-only-not-a-secret \
        python manage.py collectstatic --noinput \
    && if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
        DJANGO_SETTINGS_MODULE=portal.settings.base SECRET_KEY=build-only-not-a-secret \
        python manage.py compilemessages; fi \
    && useradd --create-home --uid 1000 portal \
    && mkdir -p var/media \
    && chown -R portal:portal var

USER portal
ENV DJANGO_SETTINGS_MODULE=portal.settings.production
EXPOSE 8000
CMD ["gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--threads", "4", "--timeout", "60", "--access-logfile", "-"]
