"""Health endpoints for load balancers and orchestrators.

- `GET /healthz`: liveness. The process answers; nothing else is touched (no database, no cache), so a
  database outage never gets healthy app processes restarted.
- `GET /readyz`: readiness, JSON with one entry per dependency. The database must answer and every
  migration must be applied, or the answer is 503 (take this process out of rotation). The cache
  (Redis) and the task broker are reported too, but the service keeps serving without them (the cache
  falls back, queued work runs inline: README, "Under a cache or broker outage"), so their failure
  makes the answer 200 with `"status": "degraded"`.

The probes are django-health-check's (database, cache) plus two of ours (migrations, broker), run
through the library's time-boxed `get_result()`.

`HealthProbeMiddleware` answers both paths before the rest of the stack sees the request: a load
balancer probes a process by its own address (a Host that is not in ALLOWED_HOSTS) and over plain
HTTP behind TLS termination (no HTTPS redirect), and a probe needs no session, CSRF, throttle,
lockout or authentication. Answers carry `Cache-Control: no-store`.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from health_check import Cache, Database, HealthCheck
from health_check.exceptions import ServiceUnavailable

from config import metrics

# One probe of a dependency answers within this (it must be well under a load balancer's timeout).
PROBE_TIMEOUT = datetime.timedelta(seconds=2)


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration in the code is applied to the database (a process ahead of `migrate` is not ready)."""

    alias: str = "default"
    timeout = PROBE_TIMEOUT

    def run(self) -> None:
        connection = connections[self.alias]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            connection.close()  # the probe runs in a worker thread: leave no connection behind there
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migration(s) not applied")


@dataclasses.dataclass
class BrokerReachable(HealthCheck):
    """The Celery broker accepts a connection (only asked when a broker is configured)."""

    timeout = PROBE_TIMEOUT

    def run(self) -> None:
        from config.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as exc:  # kombu raises many kinds; any of them means "not reachable"
            raise ServiceUnavailable(type(exc).__name__) from exc


@dataclasses.dataclass
class DatabaseProbe(Database):
    """django-health-check's SELECT 1, closing the probe thread's connection afterwards."""

    timeout = PROBE_TIMEOUT

    def run(self) -> None:
        try:
            super().run()
        finally:
            connections[self.alias].close()


@dataclasses.dataclass
class CacheProbe(Cache):
    """django-health-check's set-and-get of a short-lived key."""


def readiness_checks() -> dict[str, tuple[HealthCheck, bool]]:
    """name -> (probe, required): a required probe failing makes the process not ready."""
    checks: dict[str, tuple[HealthCheck, bool]] = {
        "database": (DatabaseProbe(), True),
        "migrations": (MigrationsApplied(), True),
    }
    if settings.REDIS_URL:
        checks["cache"] = (CacheProbe(timeout=PROBE_TIMEOUT), False)
    from config.celery import app

    if not app.conf.task_always_eager:  # a broker is configured (the app's own view, as tasks see it)
        checks["broker"] = (BrokerReachable(), False)
    return checks


async def _run_all(probes: list[HealthCheck]) -> list[Any]:
    import asyncio

    return await asyncio.gather(*(probe.get_result() for probe in probes))


def readiness() -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of the readiness answer."""
    checks = readiness_checks()
    results = async_to_sync(_run_all)([probe for probe, _ in checks.values()])
    body: dict[str, Any] = {"checks": {}}
    down_required = down_optional = False
    for (name, (_, required)), result in zip(checks.items(), results):
        entry: dict[str, Any] = {
            "status": "ok" if result.error is None else "unavailable",
            "required": required,
            "ms": round(result.time_taken * 1000, 1),
        }
        if result.error is not None:
            entry["error"] = str(result.error)
            down_required |= required
            down_optional |= not required
        body["checks"][name] = entry
    body["status"] = "unavailable" if down_required else "degraded" if down_optional else "ok"
    return (503 if down_required else 200), body


def _no_store(response: JsonResponse) -> JsonResponse:
    add_never_cache_headers(response)
    return response


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return _no_store(JsonResponse({"status": "ok"}))


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database reachable and migrated (503 otherwise); cache and broker reported."""
    status, body = readiness()
    return _no_store(JsonResponse(body, status=status))


PROBES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics.metrics}


class HealthProbeMiddleware:
    """Answers /healthz, /readyz and /metrics (config/metrics.py) itself; every other request goes on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        return probe(request) if probe is not None else self.get_response(request)
