"""What goes out after a commit, and its records.

Webhooks (this section; written only by notifications/webhooks.py):
- `WebhookEndpoint`: where the newsroom's other systems want events, which events, and the secret
  the deliveries are signed with (Standard Webhooks). Managing endpoints needs the permission
  `notifications.manage_webhooks`, which the Moderators group does not have.
- `WebhookDelivery`: one event for one endpoint, and its delivery log. The payload is fixed when
  the event happens; the attempt fields (attempts, status code, error, next retry) are operational
  data, updated per attempt.
- `WebhookEndpointLog`: append-only audit of who changed an endpoint, and of automatic disabling.

Commenter emails (the section below; written only by notifications/emails.py):
- `DecisionEmail`: the email owed to a commenter for one decision, and whether it went out.
- `EmailOptOut`: addresses that unsubscribed, as keyed hashes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from moderation.models import _AppendOnlyModel

# --- Webhooks -------------------------------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    """The events an endpoint can subscribe to (the payload's `type`)."""

    COMMENT_SUBMITTED = "comment.submitted", "comment.submitted: a comment was stored"
    COMMENT_DECIDED = "comment.decided", "comment.decided: a comment was approved or rejected"
    REPORTS_RESOLVED = "comment.reports_resolved", "comment.reports_resolved: reader reports were upheld or dismissed"


# Sent only by "Send a test event" in admin, whatever the endpoint subscribes to.
TEST_EVENT = "webhook.test"


class WebhookEndpoint(models.Model):
    """A URL that receives signed event deliveries."""

    name = models.CharField(max_length=100, blank=True, help_text="What receives these events (for people).")
    url = models.URLField("URL", max_length=2000)
    events = models.JSONField(default=list)  # WebhookEvent values
    # "whsec_" + base64 of 32 random bytes: the Standard Webhooks form of a symmetric secret.
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True)
    # Why it is off: set when deliveries kept failing (or by whoever turned it off); cleared when turned on.
    disabled_reason = models.TextField(blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Deliveries in a row that failed for good (every attempt used); a success resets it.
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "webhook endpoint"
        permissions = [("manage_webhooks", "Can manage webhook endpoints, see their secrets and deliveries")]

    def __str__(self) -> str:
        return self.name or self.url

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in (self.events or [])


class WebhookDelivery(models.Model):
    """One event for one endpoint: the signed message (same id on every attempt) and how sending it went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=50)
    # The Standard Webhooks message id ("msg_…"), sent as the webhook-id header: receivers deduplicate on it.
    webhook_id = models.CharField(max_length=64, unique=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # While pending: when the next attempt is due (also pushed forward while an attempt is in flight,
    # which is how one sender claims it). Null once delivered or failed.
    next_retry_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        indexes = [
            # The sweep's question: which pending deliveries are due.
            models.Index(fields=["next_retry_at"], name="webhook_delivery_due", condition=Q(status="pending")),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint"),
            # Pruning finished deliveries by age.
            models.Index(fields=["status", "created_at"], name="webhook_delivery_status_time"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


class WebhookLogIsAppendOnly(Exception):
    """Raised when code tries to rewrite or delete a webhook audit row."""


class WebhookEndpointLog(_AppendOnlyModel):
    """Who did what to an endpoint, and when (the system: automatic disabling). Never changed.

    Plain ids and names, no foreign keys: the rows outlive the endpoint and the user they name.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        SECRET_ROTATED = "secret_rotated", "New secret"
        DISABLED = "disabled", "Disabled after failures"
        TEST_SENT = "test_sent", "Test event sent"
        RETRIED = "retried", "Delivery retried"

    endpoint_id = models.BigIntegerField(db_index=True)
    endpoint_url = models.CharField(max_length=2000)
    action = models.CharField(max_length=20, choices=Action.choices)
    actor_id = models.BigIntegerField(null=True, blank=True)  # null: the system
    actor_name = models.CharField(max_length=150)  # username, or "system"
    detail = models.JSONField(default=dict, blank=True)  # never the secret
    at = models.DateTimeField()

    append_only_error = WebhookLogIsAppendOnly
    append_only_rows = "webhook audit rows"

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "webhook audit entry"
        verbose_name_plural = "webhook audit log"

    def __str__(self) -> str:
        return f"{self.get_action_display()} endpoint {self.endpoint_id} by {self.actor_name}"


# --- Commenter emails (notifications/emails.py) ---------------------------------------------------


class DecisionEmail(models.Model):
    """The email owed to a commenter for one decision, and whether it went out (one per decision)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (retried while attempts remain)"
        SKIPPED = "skipped", "Not sent (unsubscribed or erased meanwhile)"

    decision = models.OneToOneField("moderation.ModerationDecision", on_delete=models.CASCADE, related_name="email")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="decision_email_status")]

    def __str__(self) -> str:
        return f"Email about decision {self.decision_id}: {self.status}"

    def mark(self, *, status: str, error: str = "") -> None:
        """Record one attempt's outcome (operational data, like a webhook delivery's attempts)."""
        self.status = status
        self.attempts += status != self.Status.SKIPPED
        self.last_error = error
        if status == self.Status.SENT:
            self.sent_at = timezone.now()
        self.save(update_fields=["status", "attempts", "last_error", "sent_at"])


class EmailOptOut(models.Model):
    """An address that asked for no more comment emails, kept as a keyed hash (notifications.emails.address_key)."""

    address_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Opted out ({self.address_key[:12]}…)"
