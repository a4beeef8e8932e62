"""Settings come from the environment; production values pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "HTTPS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x7!kq2@Lr9#vT4$wZ1^pN6&bM3*cY8(eH5)jD0_sF2+gA7-uQ4=oI9",
        ALLOWED_HOSTS="news.example.org",
        HTTPS="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_default_development_key_fails_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_sqlite_file_database_uses_wal_and_a_busy_timeout(tmp_path):
    script = (
        "from django.db import connection\n"
        "cursor = connection.cursor()\n"
        "cursor.execute('PRAGMA journal_mode'); print(cursor.fetchone()[0])\n"
        "cursor.execute('PRAGMA busy_timeout'); print(cursor.fetchone()[0])\n"
    )
    result = run_manage("shell", "-c", script, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result.returncode == 0, result.stderr
    journal_mode, busy_timeout_ms = result.stdout.split()[-2:]
    assert journal_mode == "wal"
    assert int(busy_timeout_ms) >= 5000


@pytest.mark.postgres
def test_postgres_connections_are_persistent_and_health_checked():
    assert connection.vendor == "postgresql"
    db = settings.DATABASES["default"]
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"] is True
