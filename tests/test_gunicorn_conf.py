"""The gunicorn hooks (portal/gunicorn_conf.py, issue 9) and that every launcher uses them."""

import gc
import re
from pathlib import Path

import pytest

from portal import gunicorn_conf

ROOT = Path(__file__).resolve().parents[1]


def test_perf_worker_freezes_the_objects_alive_after_loading_the_app():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)

        assert gc.get_freeze_count() > 10_000  # the import graph of Django and the apps
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("launcher", ["scripts/run.sh", "scripts/bench.sh", "Dockerfile", "docker-compose.yml"])
def test_perf_every_gunicorn_launcher_loads_the_hooks(launcher):
    text = (ROOT / launcher).read_text()
    launches = [line for line in re.findall(r"gunicorn\W[^\n]*", text) if "portal.wsgi" in line]

    assert launches, f"{launcher} starts no gunicorn"
    assert all("python:portal.gunicorn_conf" in line for line in launches), launches
