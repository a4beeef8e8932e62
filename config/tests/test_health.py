"""/healthz and /readyz: what a load balancer sees, with every dependency up and with each one down."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from config.celery import app as celery_app
from config.tests.test_degradation import celery_broker

ROOT = Path(__file__).resolve().parents[2]
NOBODY_LISTENS = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@override_settings(ALLOWED_HOSTS=["news.example"], SECURE_SSL_REDIRECT=True)
def test_probes_by_address_over_plain_http_are_answered_not_refused_or_redirected(client):
    # A load balancer asks each process at its own address, over HTTP behind TLS termination.
    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    # Every other path still gets the host check.
    assert client.get("/articles/", HTTP_HOST="10.0.3.7:8000").status_code == 400


def test_probes_only_answer_get_and_head(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_readiness_with_the_database_migrated_is_ok_with_one_entry_per_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok" and body["checks"]["database"]["required"] is True
    assert body["checks"]["migrations"]["status"] == "ok"
    assert all(isinstance(entry["ms"], float) for entry in body["checks"].values())


@pytest.mark.django_db
def test_readiness_fails_while_migrations_are_pending(client):
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[("a migration", False)]):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["migrations"] == {
        "status": "unavailable",
        "required": True,
        "ms": body["checks"]["migrations"]["ms"],
        "error": "Unavailable: 1 migration(s) not applied",
    }


@pytest.mark.django_db
def test_readiness_is_degraded_not_failed_when_the_cache_is_down(client, cache_down):
    with override_settings(REDIS_URL=NOBODY_LISTENS):
        response = client.get("/readyz")
    assert response.status_code == 200  # the service serves without Redis: keep it in rotation
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["status"] == "unavailable" and body["checks"]["cache"]["required"] is False
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_readiness_reports_a_reachable_cache_and_broker(client, redis_cache, settings):
    with celery_broker(settings.REDIS_URL):
        response = client.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert (checks["cache"]["status"], checks["broker"]["status"]) == ("ok", "ok")


@pytest.mark.django_db
def test_readiness_is_degraded_when_the_broker_is_down(client):
    with celery_broker(NOBODY_LISTENS):
        response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["status"] == "unavailable"
    assert celery_app.conf.task_always_eager  # restored


_PROBE_SCRIPT = """
import json
from django.test import Client
r = Client().get("/readyz")
print("RESULT" + json.dumps([r.status_code, r.json()]))
"""


def test_readiness_fails_when_the_database_server_does_not_answer():
    """A real process whose database server does not answer (nothing listens on port 1)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/unreachable",
        DATABASE_CONNECT_TIMEOUT="2",
        STATIC_MANIFEST="false",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _PROBE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "RESULT" in result.stdout, result.stderr
    status, body = json.loads(result.stdout.split("RESULT", 1)[1])
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["status"] == "unavailable"
