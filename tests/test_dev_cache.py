"""SEC-3 under `make run`'s defaults: the cache (and so the rate limits) is shared by the processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _count_in_a_new_process(cache_dir: Path) -> str:
    code = (
        "import django; django.setup();"
        "from portal.ratelimit import rate_limit_exceeded;"
        "print(rate_limit_exceeded(scope='tender_request_email', key='someone@example.com'))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "CACHE_DIR": str(cache_dir),
        "REDIS_URL": "",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sec3_rate_limit_counts_across_processes_without_redis(tmp_path):
    answers = [_count_in_a_new_process(tmp_path) for _ in range(4)]

    assert answers == ["False", "False", "False", "True"]  # 3 an hour: the fourth process is refused
