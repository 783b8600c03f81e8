"""docker-compose.yml and Dockerfile agree with the settings (no Docker needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
# Read by Django / Celery themselves, not by portal/settings.
READ_OUTSIDE_SETTINGS = {"DJANGO_SETTINGS_MODULE"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def variables_read_by_settings() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "portal" / "settings").glob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
        names |= set(re.findall(r"os\.environ(?:\.get)?[\[(]\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
        names |= set(re.findall(r"os\.getenv\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
    return names


def test_compose_has_every_service(compose):
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(compose["services"])


def test_compose_web_worker_and_beat_share_one_image(compose):
    services = compose["services"]
    builds = {str(services[name].get("build")) for name in APP_SERVICES}
    images = {services[name].get("image") for name in APP_SERVICES}

    assert builds == {"."}
    assert len(images) == 1 and None not in images
    assert "&app" in (ROOT / "docker-compose.yml").read_text()
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]


def test_compose_app_environment_is_production_with_real_services(compose):
    env = compose["services"]["web"]["environment"]

    assert env["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["EMAIL_URL"] == "smtp://mailpit:1025"
    assert "${SECRET_KEY:?" in env["SECRET_KEY"]


def test_compose_sets_only_variables_the_settings_read(compose):
    known = variables_read_by_settings() | READ_OUTSIDE_SETTINGS
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "ALLOWED_HOSTS"} <= known

    unknown = {
        (name, var) for name in APP_SERVICES for var in compose["services"][name]["environment"] if var not in known
    }

    assert unknown == set()


def test_env_example_names_only_variables_the_settings_read():
    known = variables_read_by_settings() | {"POSTGRES_PASSWORD"}  # the compose file's own
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))

    assert names - known == set()


def test_dockerfile_builds_the_one_image_from_the_lock_file():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert dockerfile.startswith("#") and "FROM python:3.13-slim" in dockerfile
    assert "pip install -r requirements.lock" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "compilemessages" in dockerfile
    assert '"gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi:application"' in dockerfile
    assert ".env" in (ROOT / ".dockerignore").read_text().split()
