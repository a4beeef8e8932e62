"""Webhooks: signed event deliveries to the newsroom's other systems (services, signing, sending).

Writes (keyword-only services, one transaction each):
- endpoints, by people with `notifications.manage_webhooks` (not in the Moderators group:
  superusers or an explicit grant): `webhook_endpoint_create/update/delete`,
  `webhook_endpoint_rotate_secret`, `webhook_send_test`, `webhook_delivery_retry`; each writes a
  `WebhookEndpointLog` row.
- events, by the system: `webhook_comment_submitted`, `webhook_comment_decided` and
  `webhook_reports_resolved` (called by notifications/receivers.py after the comment's or the
  decision's transaction committed) insert one `WebhookDelivery` per subscribed active endpoint and,
  once that commits, hand each to the Celery task. Nothing here sends HTTP on a request: without a
  broker, or with the broker down, the deliveries stay pending for `manage.py deliver_webhooks` or
  the beat sweep (notifications/tasks.py).
- `webhook_delivery_attempt()`: one attempt, run by the task or the command. It claims the delivery
  (a conditional update that moves `next_retry_at` past the attempt's timeout, so two senders never
  post the same attempt), POSTs outside any transaction, then records the outcome: delivered; or a
  retry after the next of WEBHOOKS_RETRY_DELAYS; or failed for good, which counts against the
  endpoint, and WEBHOOKS_DISABLE_AFTER_FAILURES failed deliveries in a row turn it off with the
  reason shown in admin.

Signing is the Standard Webhooks scheme (the `standardwebhooks` package): headers `webhook-id`
(the delivery's message id, the same on every attempt), `webhook-timestamp` (Unix seconds of this
attempt) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` under the
endpoint's `whsec_…` secret).

Where a delivery may go: http(s) only, and by default never to a private, loopback, link-local or
otherwise non-global address (WEBHOOKS_ALLOW_PRIVATE_HOSTS), checked when the URL is saved and again
on every attempt against the addresses the name resolves to then; the request is sent to the
checked address (Host header and TLS name from the URL), so a DNS answer that changes between the
check and the connection cannot redirect it. Redirects are not followed and proxy variables from the
environment are ignored.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import secrets
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User  # the staff account type (annotations)
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks import Webhook

from comments.models import Comment
from moderation.models import ModerationDecision
from notifications import webhook_payloads
from notifications.models import (
    TEST_EVENT,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointLog,
    WebhookEvent,
)

MANAGE_WEBHOOKS_PERMISSION = "notifications.manage_webhooks"
SECRET_PREFIX = "whsec_"
USER_AGENT = "newsroom-comments-webhooks/1"
ERROR_MAX_LENGTH = 1000
# How long past its timeout an attempt keeps its claim: a sender that died mid-attempt frees it then.
CLAIM_MARGIN = timedelta(seconds=60)
# A retry's message may run a moment before its time (timer rounding, clocks of two machines): an
# attempt this close to being due is made rather than skipped (and left to the sweep).
EARLY_TOLERANCE = timedelta(seconds=2)
# A pending delivery due this long ago was never picked up (its message lost, or never queued):
# the sweep hands it out again.
OVERDUE_AFTER = timedelta(seconds=30)

logger = logging.getLogger(__name__)

Log = WebhookEndpointLog.Action


# --- Who may manage webhooks ----------------------------------------------------------------------


def can_manage_webhooks(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(MANAGE_WEBHOOKS_PERMISSION))


def _require_manage(actor: User | None) -> None:
    """`actor=None` is the system (a command run by the operator)."""
    if actor is not None and not can_manage_webhooks(actor):
        raise PermissionDenied("You do not have permission to manage webhooks.")


def _audit(
    *, endpoint: WebhookEndpoint, action: str, actor: User | None, detail: dict | None = None
) -> WebhookEndpointLog:
    return WebhookEndpointLog.objects.create(
        endpoint_id=endpoint.pk,
        endpoint_url=endpoint.url,
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor.get_username() if actor is not None else "system",
        detail=detail or {},
        at=timezone.now(),
    )


# --- Secrets and signatures -----------------------------------------------------------------------


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def signature_headers(*, secret: str, msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers for `body` sent at `at` (an aware datetime)."""
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=at.astimezone(UTC), data=body)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature}


def payload_body(payload: dict[str, Any]) -> str:
    """The JSON text sent (and signed): the same for every attempt of a delivery."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --- Where deliveries may go ----------------------------------------------------------------------


class DestinationRefused(Exception):
    """The URL is not http(s), or its host is (or resolves to) an address deliveries may not reach."""


_url_validator = URLValidator(schemes=["http", "https"])
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address_allowed(address: IpAddress) -> bool:
    if settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS:
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback, whatever Python 3.11 says
    return address.is_global and not address.is_multicast


def resolve_destination(url: str) -> list[IpAddress]:
    """The addresses `url` reaches, all of them allowed; DestinationRefused otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise DestinationRefused("Only http:// and https:// URLs can receive webhooks.")
    host = parts.hostname
    if not host:
        raise DestinationRefused("The URL has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DestinationRefused("The URL's port is not a number between 0 and 65535.") from None
    try:
        addresses: list[IpAddress] = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise DestinationRefused(f"The host {host} could not be resolved ({exc}).") from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))
    refused = [address for address in addresses if not _address_allowed(address)]
    if refused or not addresses:
        raise DestinationRefused(
            f"The host {host} is, or resolves to, a private, loopback, link-local or reserved address "
            f"({refused[0] if refused else 'none'}); webhooks go only to public addresses "
            "(WEBHOOKS_ALLOW_PRIVATE_HOSTS)."
        )
    return addresses


def validate_webhook_url(url: str) -> str:
    """The URL, stripped; ValidationError({"url": [...]}) when deliveries could not or may not go there."""
    url = (url or "").strip()
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError({"url": ["Enter a valid http:// or https:// URL."]}) from None
    try:
        resolve_destination(url)
    except DestinationRefused as exc:
        raise ValidationError({"url": [str(exc)]}) from None
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events or []))
    if not chosen:
        raise ValidationError({"events": ["Choose at least one event."]})
    unknown = [event for event in chosen if event not in WebhookEvent.values]
    if unknown:
        raise ValidationError({"events": [f"Unknown event: {', '.join(unknown)}."]})
    return chosen


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    limit = WebhookEndpoint._meta.get_field("name").max_length or 100
    if len(name) > limit:
        raise ValidationError({"name": [f"Keep the name to at most {limit} characters."]})
    return name


# --- Endpoints (people with the permission) -------------------------------------------------------


def webhook_endpoint_create(
    *, actor: User | None, url: str, events: Iterable[str], name: str = "", active: bool = True
) -> WebhookEndpoint:
    """A new endpoint with a freshly generated secret. ValidationError for a refused URL or unknown events."""
    _require_manage(actor)
    url, events, name = validate_webhook_url(url), _clean_events(events), _clean_name(name)
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            name=name,
            url=url,
            events=events,
            secret=generate_secret(),
            active=bool(active),
            disabled_reason="" if active else _turned_off_reason(actor, now),
            disabled_at=None if active else now,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        _audit(
            endpoint=endpoint,
            action=Log.CREATED,
            actor=actor,
            detail={"url": url, "events": events, "active": endpoint.active},
        )
    return endpoint


def _turned_off_reason(actor: User | None, now: datetime) -> str:
    who = actor.get_username() if actor is not None else "the system"
    return f"Turned off by {who} on {timezone.localtime(now):%Y-%m-%d %H:%M}."


def webhook_endpoint_update(
    *,
    actor: User | None,
    endpoint: WebhookEndpoint,
    url: str,
    events: Iterable[str],
    name: str = "",
    active: bool = True,
) -> WebhookEndpoint:
    """Change an endpoint. Turning it on again clears the disabled reason and the failure count."""
    _require_manage(actor)
    url, events, name = validate_webhook_url(url), _clean_events(events), _clean_name(name)
    now = timezone.now()
    with transaction.atomic():
        current = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changes = {
            field: value
            for field, value in (("name", name), ("url", url), ("events", events), ("active", bool(active)))
            if getattr(current, field) != value
        }
        if not changes:
            return current
        update: dict[str, Any] = {**changes, "updated_at": now}
        if changes.get("active") is True:
            update.update(disabled_reason="", disabled_at=None, consecutive_failures=0)
        elif changes.get("active") is False:
            update.update(disabled_reason=_turned_off_reason(actor, now), disabled_at=now)
        WebhookEndpoint.objects.filter(pk=current.pk).update(**update)
        current.refresh_from_db()
        _audit(endpoint=current, action=Log.CHANGED, actor=actor, detail={"changed": sorted(changes), **changes})
    return current


def webhook_endpoint_delete(*, actor: User | None, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its delivery log (the audit rows stay)."""
    _require_manage(actor)
    with transaction.atomic():
        _audit(endpoint=endpoint, action=Log.DELETED, actor=actor, detail={"name": endpoint.name})
        WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


def webhook_endpoint_rotate_secret(*, actor: User | None, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret: every attempt from now on (retries of older deliveries too) is signed with it."""
    _require_manage(actor)
    with transaction.atomic():
        secret = generate_secret()
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret, updated_at=timezone.now())
        endpoint.refresh_from_db()
        _audit(endpoint=endpoint, action=Log.SECRET_ROTATED, actor=actor)
    return endpoint


def webhook_send_test(*, actor: User | None, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a `webhook.test` event for one active endpoint, whatever it subscribes to."""
    _require_manage(actor)
    if not endpoint.active:
        raise ValidationError("The endpoint is turned off; turn it on before sending it a test event.")
    sent_by = webhook_payloads.staff_name(actor.get_username(), actor.pk) if actor is not None else "system"
    data = {"endpoint_id": endpoint.pk, "sent_by": sent_by}
    with transaction.atomic():
        [delivery] = _insert_deliveries(TEST_EVENT, [endpoint], data)
        _audit(endpoint=endpoint, action=Log.TEST_SENT, actor=actor, detail={"webhook_id": delivery.webhook_id})
    return delivery


def webhook_delivery_retry(*, actor: User | None, delivery: WebhookDelivery) -> WebhookDelivery:
    """Make a pending or failed delivery due now (one more attempt, signed afresh) and hand it out."""
    _require_manage(actor)
    with transaction.atomic():
        current = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
        if current.status == WebhookDelivery.Status.DELIVERED:
            raise ValidationError(f"Delivery {current.webhook_id} was delivered already.")
        if not current.endpoint.active:
            raise ValidationError(f"The endpoint “{current.endpoint}” is turned off; turn it on first.")
        WebhookDelivery.objects.filter(pk=current.pk).update(
            status=WebhookDelivery.Status.PENDING, next_retry_at=timezone.now()
        )
        current.refresh_from_db()
        _audit(endpoint=current.endpoint, action=Log.RETRIED, actor=actor, detail={"webhook_id": current.webhook_id})
        _enqueue_on_commit([current.pk])
    return current


# --- Events (the system, after the comment's or decision's transaction committed) ----------------


def webhook_comment_submitted(*, comment: Comment) -> list[WebhookDelivery]:
    return webhook_event_publish(
        event_type=WebhookEvent.COMMENT_SUBMITTED, build=lambda: webhook_payloads.comment_submitted_data(comment)
    )


def webhook_comment_decided(*, comment: Comment, decision: ModerationDecision) -> list[WebhookDelivery]:
    return webhook_event_publish(
        event_type=WebhookEvent.COMMENT_DECIDED,
        build=lambda: webhook_payloads.comment_decided_data(comment, decision),
    )


def webhook_reports_resolved(*, resolution: Any, comment: Comment, reports: int) -> list[WebhookDelivery]:
    return webhook_event_publish(
        event_type=WebhookEvent.REPORTS_RESOLVED,
        build=lambda: webhook_payloads.reports_resolved_data(resolution=resolution, comment=comment, reports=reports),
    )


def webhook_event_publish(*, event_type: str, build: Callable[[], dict[str, Any]]) -> list[WebhookDelivery]:
    """One pending delivery per active endpoint subscribed to `event_type` (`build()` only if there is one)."""
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(active=True).only("id", "events") if e.subscribes_to(event_type)
    ]
    if not endpoints:
        return []
    data = build()
    with transaction.atomic():
        deliveries = _insert_deliveries(event_type, endpoints, data)
    return deliveries


def _insert_deliveries(
    event_type: str, endpoints: list[WebhookEndpoint], data: dict[str, Any]
) -> list[WebhookDelivery]:
    """Rows first, messages once they commit: a worker never looks for a row that is not there yet."""
    now = timezone.now()
    payload = {"type": event_type, "timestamp": webhook_payloads.timestamp(now), "data": data}
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_type=event_type,
            webhook_id=f"msg_{uuid.uuid4().hex}",
            payload=payload,
            next_retry_at=now,
            created_at=now,
        )
        for endpoint in endpoints
    )
    _enqueue_on_commit([delivery.pk for delivery in deliveries])
    return deliveries


def _enqueue_on_commit(delivery_ids: list[int]) -> None:
    from notifications import tasks  # tasks imports this module

    transaction.on_commit(lambda: tasks.enqueue_deliveries(delivery_ids), robust=True)


# --- Sending (the task, the command) --------------------------------------------------------------


@dataclass(frozen=True)
class AttemptResult:
    outcome: Literal["delivered", "retry", "failed", "skipped"]
    status_code: int | None = None
    error: str = ""
    next_retry_at: datetime | None = None
    endpoint_disabled: bool = False


def max_attempts() -> int:
    return 1 + len(settings.WEBHOOKS_RETRY_DELAYS)


def webhook_delivery_attempt(*, delivery_id: int) -> AttemptResult:
    """Send one attempt of a due pending delivery and record how it went ("skipped": not due, or taken)."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOKS_TIMEOUT_SECONDS * 4) + CLAIM_MARGIN
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_retry_at__lte=now + EARLY_TOLERANCE
    ).update(next_retry_at=lease)
    if not claimed:
        return AttemptResult("skipped")
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return AttemptResult("skipped")  # its endpoint was deleted meanwhile, and the log with it
    endpoint = delivery.endpoint
    if not endpoint.active:
        error = f"Not sent: the endpoint is turned off. {endpoint.disabled_reason}".strip()
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            status=WebhookDelivery.Status.FAILED, next_retry_at=None, last_error=error
        )
        return AttemptResult("failed", error=error)
    status_code, error = _send(delivery, endpoint)
    return _record(delivery, endpoint, status_code, error)


def _send(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> tuple[int | None, str]:
    """(HTTP status, "") on a 2xx answer, (status or None, error) otherwise. No transaction is open here."""
    try:
        addresses = resolve_destination(endpoint.url)
        url = httpx.URL(endpoint.url)
        body = payload_body(delivery.payload).encode("utf-8")
        headers = signature_headers(
            secret=endpoint.secret, msg_id=delivery.webhook_id, at=timezone.now(), body=body.decode("utf-8")
        )
        name = url.raw_host.decode("ascii")  # an international name in its ASCII (punycode) form
        host = f"[{name}]" if ":" in name else name
        headers.update(
            {
                "content-type": "application/json",
                "user-agent": USER_AGENT,
                "host": host if url.port is None else f"{host}:{url.port}",
            }
        )
        extensions = {} if _is_ip_literal(name) else {"sni_hostname": name}
        with httpx.Client(timeout=settings.WEBHOOKS_TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client:
            for index, address in enumerate(addresses):
                # The checked address, not the name: the connection goes where the check said it may.
                request = client.build_request(
                    "POST", url.copy_with(host=str(address)), content=body, headers=headers, extensions=extensions
                )
                try:
                    response = client.send(request, stream=True)  # the answer's body is never read
                except httpx.ConnectError:
                    if index == len(addresses) - 1:
                        raise
                    continue  # the name's next address (an IPv6 and an IPv4 one, say)
                response.close()
                break
    except DestinationRefused as exc:
        return None, f"Refused: {exc}"
    except httpx.TimeoutException:
        return None, f"No answer within {settings.WEBHOOKS_TIMEOUT_SECONDS:g} s (WEBHOOKS_TIMEOUT_SECONDS)."
    except (httpx.HTTPError, OSError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code} {response.reason_phrase}".strip()[:ERROR_MAX_LENGTH]


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _record(delivery: WebhookDelivery, endpoint: WebhookEndpoint, status_code: int | None, error: str) -> AttemptResult:
    now = timezone.now()
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_status_code": status_code,
        "last_error": error,
        "last_attempt_at": now,
    }
    with transaction.atomic():
        if not error:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                **fields, status=WebhookDelivery.Status.DELIVERED, delivered_at=now, next_retry_at=None
            )
            WebhookEndpoint.objects.filter(pk=endpoint.pk, consecutive_failures__gt=0).update(consecutive_failures=0)
            return AttemptResult("delivered", status_code=status_code)
        if attempts < max_attempts():
            retry_at = now + timedelta(seconds=settings.WEBHOOKS_RETRY_DELAYS[attempts - 1])
            WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields, next_retry_at=retry_at)
            return AttemptResult("retry", status_code=status_code, error=error, next_retry_at=retry_at)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            **fields, status=WebhookDelivery.Status.FAILED, next_retry_at=None
        )
        disabled = _count_failed_delivery(endpoint, error, now)
    return AttemptResult("failed", status_code=status_code, error=error, endpoint_disabled=disabled)


def _count_failed_delivery(endpoint: WebhookEndpoint, error: str, now: datetime) -> bool:
    """One more failed delivery in a row; at the limit the endpoint is turned off, with why."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    limit = settings.WEBHOOKS_DISABLE_AFTER_FAILURES
    if not limit:
        return False
    reason = (
        f"Disabled automatically on {timezone.localtime(now):%Y-%m-%d %H:%M}: {limit} deliveries in a row "
        f"failed after {max_attempts()} attempt(s) each. Last error: {error}"
    )
    disabled = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True, consecutive_failures__gte=limit).update(
        active=False, disabled_reason=reason, disabled_at=now, updated_at=now
    )
    if disabled:
        _audit(endpoint=endpoint, action=Log.DISABLED, actor=None, detail={"reason": reason})
        logger.warning("webhook endpoint %s disabled: %s", endpoint.pk, reason)
    return bool(disabled)


# --- What is due, and the log's upkeep ------------------------------------------------------------


def due_delivery_ids(*, overdue_by: timedelta = timedelta(0), limit: int = 500) -> list[int]:
    """Pending deliveries whose next attempt was due at least `overdue_by` ago, oldest first."""
    cutoff = timezone.now() - overdue_by
    return list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_retry_at__lte=cutoff)
        .order_by("next_retry_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def webhook_deliver_due(*, limit: int = 500) -> dict[str, int]:
    """Send every due pending delivery here, one attempt each (the command; no broker needed)."""
    counts = {"delivered": 0, "retry": 0, "failed": 0, "skipped": 0}
    for delivery_id in due_delivery_ids(limit=limit):
        counts[webhook_delivery_attempt(delivery_id=delivery_id).outcome] += 1
    return counts


def webhook_deliveries_prune(*, older_than: timedelta, batch_size: int = 1000) -> int:
    """Delete delivered and failed deliveries created before now - `older_than`, in bounded batches."""
    cutoff = timezone.now() - older_than
    finished = WebhookDelivery.objects.filter(
        status__in=[WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED], created_at__lt=cutoff
    )
    total = 0
    while True:
        ids = list(finished.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return total
        total += WebhookDelivery.objects.filter(pk__in=ids).delete()[0]
