"""Webhooks in admin: endpoints, their delivery log and audit log, for `notifications.manage_webhooks` only.

Django's own view/add/change permissions on these models are not enough: the pages show secrets
and what was sent, so everything here needs the webhook permission (superusers have it; the
Moderators group does not). Every write goes through notifications.webhooks.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from config.staff import staff_user
from moderation.admin import SafeChangeListMixin
from notifications.models import WebhookDelivery, WebhookEndpoint, WebhookEndpointLog, WebhookEvent
from notifications.tasks import broker_configured
from notifications.webhooks import (
    can_manage_webhooks,
    validate_webhook_url,
    webhook_delivery_retry,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhook_send_test,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups


def _who_sends() -> str:
    if broker_configured():
        return "queued for a worker"
    return "recorded; without a task broker, `manage.py deliver_webhooks` sends it"


class _NeedsManageWebhooks:
    """Every page and action: the webhook permission, whatever model permissions the user holds."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_webhooks(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_manage_webhooks(request.user)

    def has_manage_webhooks_permission(self, request: HttpRequest) -> bool:
        return can_manage_webhooks(request.user)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class WebhookEndpointForm(forms.ModelForm):
    # Plain text: the service's check decides what a valid destination is (no scheme is assumed).
    url = forms.CharField(label="URL", max_length=2000)
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What this endpoint receives. “Send a test event” works whatever is chosen.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "active"]
        help_texts = {
            "url": "http:// or https://; never a private, loopback or link-local address unless "
            "WEBHOOKS_ALLOW_PRIVATE_HOSTS is on.",
            "active": "Off: no new deliveries, pending ones are not sent. Turning it on again clears the "
            "failure count and the reason it was turned off.",
        }

    def clean_url(self) -> str:
        try:
            return validate_webhook_url(self.cleaned_data["url"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["url"]) from None


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(_NeedsManageWebhooks, SafeChangeListMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["__str__", "url", "active", "event_list", "consecutive_failures", "disabled_reason_short"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    actions = ["send_test_event", "rotate_secret"]
    readonly_fields = [
        "secret_shown",
        "disabled_reason",
        "disabled_at",
        "consecutive_failures",
        "created_by",
        "created_at",
        "updated_at",
        "deliveries_link",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_webhooks(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_manage_webhooks(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_manage_webhooks(request.user)

    def get_fields(self, request: HttpRequest, obj=None) -> _FieldGroups:
        fields: _FieldGroups = ["name", "url", "events", "active"]
        return fields if obj is None else ["secret_shown", "disabled_reason", *fields, *self.readonly_fields[2:]]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [] if obj is None else self.readonly_fields

    @admin.display(description="Events")
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events or []) or "—"

    @admin.display(description="Why it is off")
    def disabled_reason_short(self, endpoint: WebhookEndpoint) -> str:
        return Truncator(endpoint.disabled_reason).chars(120) if not endpoint.active else ""

    @admin.display(description="Secret")
    def secret_shown(self, endpoint: WebhookEndpoint) -> str:
        return format_html(
            '<code>{}</code><div class="help">Give this to the receiving system to verify the '
            "<code>webhook-signature</code> header (Standard Webhooks). “Generate a new secret” replaces it.</div>",
            endpoint.secret,
        )

    @admin.display(description="Deliveries")
    def deliveries_link(self, endpoint: WebhookEndpoint) -> str:
        url = reverse("admin:notifications_webhookdelivery_changelist") + f"?endpoint__id__exact={endpoint.pk}"
        return format_html('<a href="{}">Delivery log of this endpoint</a>', url)

    # Writes: through the services (which check the permission again and write the audit rows).

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form, change: bool) -> None:
        data = form.cleaned_data
        values = {
            "url": data["url"],
            "events": data["events"],
            "name": data.get("name", ""),
            "active": data.get("active", False),
        }
        if change:
            saved = webhook_endpoint_update(actor=staff_user(request), endpoint=obj, **values)
        else:
            saved = webhook_endpoint_create(actor=staff_user(request), **values)
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        webhook_endpoint_delete(actor=staff_user(request), endpoint=obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for endpoint in queryset:
            webhook_endpoint_delete(actor=staff_user(request), endpoint=endpoint)

    def get_deleted_objects(self, objs, request: HttpRequest):
        """The endpoints and a count of their log, not one line per delivery (the log can be long, and
        nobody holds a delete permission on deliveries: they go with their endpoint)."""
        endpoints = list(objs)
        deliveries = WebhookDelivery.objects.filter(endpoint__in=endpoints).count()
        listed = [f"Webhook endpoint: {endpoint}" for endpoint in endpoints]
        if deliveries:
            listed.append(f"{deliveries} deliveries in their delivery log")
        counts = {WebhookEndpoint._meta.verbose_name_plural: len(endpoints)}
        if deliveries:
            counts[WebhookDelivery._meta.verbose_name_plural] = deliveries
        return listed, counts, set(), []

    def response_add(self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue=None):
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request, f"Endpoint “{obj}” created. Copy its secret below into the receiving system.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:notifications_webhookendpoint_change", args=[obj.pk]))

    @admin.action(description="Send a test event (webhook.test)", permissions=["manage_webhooks"])
    def send_test_event(self, request: HttpRequest, queryset) -> None:
        for endpoint in queryset:
            try:
                delivery = webhook_send_test(actor=staff_user(request), endpoint=endpoint)
            except ValidationError as exc:
                self.message_user(request, f"{endpoint}: {' '.join(exc.messages)}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"{endpoint}: test event {delivery.webhook_id} {_who_sends()}; see the delivery log.",
                messages.SUCCESS,
            )

    @admin.action(description="Generate a new secret", permissions=["manage_webhooks"])
    def rotate_secret(self, request: HttpRequest, queryset) -> None:
        for endpoint in queryset:
            webhook_endpoint_rotate_secret(actor=staff_user(request), endpoint=endpoint)
            self.message_user(
                request, f"{endpoint}: new secret generated; the old one no longer verifies.", messages.WARNING
            )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_NeedsManageWebhooks, _ReadOnly, SafeChangeListMixin, admin.ModelAdmin):
    """The delivery log: one row per event per endpoint, with how its attempts went."""

    list_display = [
        "created_at",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_retry_at",
        "delivered_at",
        "last_error_short",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    list_select_related = ["endpoint"]
    search_fields = ["=webhook_id"]
    actions = ["retry_now"]
    readonly_fields = (
        "webhook_id",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "last_attempt_at",
        "next_retry_at",
        "delivered_at",
        "created_at",
        "payload_shown",
    )
    fields = readonly_fields

    @admin.display(description="Last error")
    def last_error_short(self, delivery: WebhookDelivery) -> str:
        return Truncator(delivery.last_error).chars(80)

    @admin.display(description="Payload (signed and sent as JSON)")
    def payload_shown(self, delivery: WebhookDelivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(delivery.payload, indent=2, ensure_ascii=False, sort_keys=True))

    @admin.action(description="Retry now", permissions=["manage_webhooks"])
    def retry_now(self, request: HttpRequest, queryset) -> None:
        retried = 0
        for delivery in queryset.select_related("endpoint"):
            try:
                webhook_delivery_retry(actor=staff_user(request), delivery=delivery)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                continue
            retried += 1
        if retried:
            self.message_user(request, f"{retried} delivery(ies) due now: {_who_sends()}.", messages.SUCCESS)


@admin.register(WebhookEndpointLog)
class WebhookEndpointLogAdmin(_NeedsManageWebhooks, _ReadOnly, SafeChangeListMixin, admin.ModelAdmin):
    """Who created, changed, tested or deleted an endpoint, and when the system turned one off."""

    list_display = ["at", "action", "endpoint_id", "endpoint_url", "actor_name", "detail"]
    list_filter = ["action"]
    search_fields = ["endpoint_url", "actor_name"]
    readonly_fields = ("at", "action", "endpoint_id", "endpoint_url", "actor_name", "detail")
    fields = readonly_fields
