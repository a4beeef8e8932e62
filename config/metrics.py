"""Prometheus metrics: django-prometheus's request metrics plus the product's own.

The product's counters and histogram are defined here and incremented where things happen:
submissions accepted or refused by reason (comments/apis.py, comments/views.py), decisions per
verdict (moderation/receivers.py), the guideline checks' latency (moderation/screening.py), cache
calls answered by the fallback (config/cache.py) and tasks run inline because the broker refused
them (moderation/tasks.py). The queue figures (pending comments per flagged category, the oldest
pending comment's age) are read at scrape time from the moderation stats' indexed pending query,
at most once per METRICS_QUEUE_SECONDS for all processes (shared cache), so scraping costs no scan.

`GET /metrics` is served by config.health.HealthProbeMiddleware (before host checks: Prometheus
scrapes each process by address) and only to METRICS_ALLOWED_IPS (loopback by default) or to a
request with `Authorization: Bearer <METRICS_TOKEN>`. Under gunicorn with several workers, set
PROMETHEUS_MULTIPROC_DIR to an empty directory shared by the workers (prometheus_client's
multiprocess mode) so the counters add up across processes.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

SUBMISSIONS = Counter(
    "newsroom_comment_submissions",
    "Comment submissions by outcome (accepted, or the reason it was refused).",
    ["outcome", "channel"],
)
DECISIONS = Counter(
    "newsroom_moderation_decisions",
    "Moderation decisions by verdict and by whom (moderator or system).",
    ["verdict", "by"],
)
CHECK_SECONDS = Histogram(
    "newsroom_guideline_check_seconds",
    "Time the guideline checks took for one submitted comment.",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25),
)
FALLBACKS = Counter(
    "newsroom_fallbacks",
    "Calls answered without a dependency: cache calls treated as misses, tasks run inline.",
    ["dependency"],
)
QUEUE_KEY = "metrics:queue:v1"

logger = logging.getLogger(__name__)


def queue_figures(now: datetime | None = None) -> dict:
    """The pending-queue figures, shared by every process for METRICS_QUEUE_SECONDS."""
    figures = cache.get(QUEUE_KEY)
    if figures is None:
        from moderation.stats import pending_figures

        figures = pending_figures(now or timezone.now())
        figures = {**figures, "computed_at": (now or timezone.now()).timestamp()}
        figures.pop("oldest_pending_submitted_at", None)
        cache.set(QUEUE_KEY, figures, settings.METRICS_QUEUE_SECONDS)
    return figures


class QueueCollector:
    """Pending comments per flagged category and the age of the oldest, read at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            figures = queue_figures()
        except DatabaseError:
            # The request metrics still matter most when the database is down; /readyz says why.
            logger.warning("metrics: the queue figures could not be read", exc_info=True)
            return
        pending = GaugeMetricFamily(
            "newsroom_pending_comments",
            "Comments waiting for a moderator, per flagged category "
            "(a comment flagged twice counts under both; 'unflagged' for none).",
            labels=["category"],
        )
        for category, count in figures["pending_by_category"].items():
            pending.add_metric([category], count)
        yield pending
        yield GaugeMetricFamily(
            "newsroom_pending_comments_total", "Comments waiting for a moderator.", value=figures["pending_total"]
        )
        age = figures["oldest_pending_age_seconds"]
        if age is not None:
            # The figure was computed up to METRICS_QUEUE_SECONDS ago: the comment is that much older now.
            age += max(timezone.now().timestamp() - figures["computed_at"], 0.0)
        yield GaugeMetricFamily(
            "newsroom_oldest_pending_comment_age_seconds",
            "Age of the oldest comment waiting for a moderator (0 when none).",
            value=age or 0.0,
        )


_QUEUE_REGISTRY = CollectorRegistry(auto_describe=False)
_QUEUE_REGISTRY.register(QueueCollector())


def allowed(request: HttpRequest) -> bool:
    """Loopback (or METRICS_ALLOWED_IPS) by address, or anyone with the bearer token."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and constant_time_compare(header[7:], token):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_IPS)


def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text exposition of this process (or all workers, in multiprocess mode)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    if not allowed(request):
        return HttpResponse(
            "Forbidden: metrics are served to the allowed addresses or with the token.\n",
            status=403,
            content_type="text/plain",
        )
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_QUEUE_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
