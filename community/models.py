"""Who is writing: bans (sanctions), trust, and reader reports.

Every row here is written once by a service in this app and never edited or deleted: lifting a ban
is a SanctionLift row, trust is the latest TrustChange for an address, and a reader report is
resolved by a ReportResolution row (the report's one-time link to it is the only later write, a
conditional update from "open" that two moderators cannot both win).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import models
from django.db.models import Q

from comments.models import Comment
from moderation.guidelines import Guideline
from moderation.models import ModerationDecision, UsernameOf, _AppendOnlyModel, keep_username_set_null


class CommunityLogIsAppendOnly(Exception):
    """Raised when code tries to rewrite or delete a ban, a lift, a trust change or a resolution."""


def ip_key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """A fixed-width text key that sorts as the address does: IPv4 as its IPv6-mapped form, 32 hex digits.

    Bans on a range store its first and last key, so "is this address banned" is two string
    comparisons on an index, on SQLite and PostgreSQL alike.
    """
    if isinstance(address, ipaddress.IPv4Address):
        address = ipaddress.IPv6Address(f"::ffff:{address}")
    return f"{int(address):032x}"


class Sanction(_AppendOnlyModel):
    """A ban on an email address, an email domain, or an IP address or CIDR range."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email address"
        DOMAIN = "domain", "Email domain"
        IP = "ip", "IP address or range"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Normalised: a lower-case address or domain, or an IP network in CIDR form ("203.0.113.0/24").
    value = models.CharField(max_length=254)
    ip_first = models.CharField(max_length=32, blank=True)  # ip_key() of the range's ends; "" unless kind=ip
    ip_last = models.CharField(max_length=32, blank=True)
    reasons = models.JSONField(default=list, blank=True)  # guideline codes
    note = models.TextField(blank=True)
    comment = models.ForeignKey(  # the comment the moderator banned from, when there was one
        Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="sanctions"
    )
    # Deleting a moderator's account keeps their bans and the name (moderation.models.keep_username_set_null).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=keep_username_set_null, related_name="sanctions_created"
    )
    created_by_username = UsernameOf(user_field="created_by", verbose_name="created by")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)  # null: until lifted

    append_only_error = CommunityLogIsAppendOnly
    append_only_rows = "bans"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "ban"
        verbose_name_plural = "bans"
        indexes = [
            models.Index(fields=["kind", "value"], name="sanction_kind_value"),
            models.Index(fields=["kind", "ip_first", "ip_last"], name="sanction_ip_range"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["email", "domain", "ip"]), name="sanction_kind_known"),
        ]

    def __str__(self) -> str:
        return f"Ban on {self.get_kind_display().lower()} {self.value}"


class SanctionLift(_AppendOnlyModel):
    """Lifting a ban: its own logged action (one per ban), never an edit of the ban."""

    sanction = models.OneToOneField(Sanction, on_delete=models.PROTECT, related_name="lift")
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=keep_username_set_null, related_name="+"
    )
    lifted_by_username = UsernameOf(user_field="lifted_by", verbose_name="lifted by")
    lifted_at = models.DateTimeField()
    note = models.TextField(blank=True)

    append_only_error = CommunityLogIsAppendOnly
    append_only_rows = "ban lifts"

    def __str__(self) -> str:
        return f"Lift of ban {self.sanction_id}"


class TrustChange(_AppendOnlyModel):
    """A moderator marks a commenter (by normalised email) trusted, or takes trust back; the latest row counts."""

    email = models.CharField(max_length=254)  # trimmed, lower case
    trusted = models.BooleanField()
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=keep_username_set_null, related_name="+"
    )
    changed_by_username = UsernameOf(user_field="changed_by", verbose_name="changed by")
    changed_at = models.DateTimeField()

    append_only_error = CommunityLogIsAppendOnly
    append_only_rows = "trust changes"

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["email", "-changed_at", "-id"], name="trust_email_latest")]

    def __str__(self) -> str:
        return f"{self.email} {'trusted' if self.trusted else 'not trusted'}"


class ReportResolution(_AppendOnlyModel):
    """A moderator's answer to the open reports on a comment: upheld (the comment rejected) or dismissed."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld: comment rejected"
        DISMISSED = "dismissed", "Dismissed: comment stays"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="report_resolutions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    decision = models.OneToOneField(  # the rejection, when upheld
        ModerationDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="report_resolution"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=keep_username_set_null, related_name="+"
    )
    moderator_username = UsernameOf(user_field="moderator", verbose_name="moderator")
    note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(db_index=True)

    append_only_error = CommunityLogIsAppendOnly
    append_only_rows = "report resolutions"

    class Meta:
        ordering = ["-resolved_at", "-id"]

    def __str__(self) -> str:
        return f"Reports on comment {self.comment_id} {self.outcome}"


class ReaderReport(models.Model):
    """A reader's report that an approved comment breaks a guideline. Never shown publicly.

    Who reported is kept only as `reporter_key`, a keyed hash of the reader's IP address or session,
    enough to allow one report per reader per comment and nothing more.
    """

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="reader_reports")
    reason = models.CharField(max_length=20, choices=Guideline.choices)
    note = models.TextField(blank=True)
    reporter_key = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    # Set once, from null, by the resolving service's conditional update.
    resolution = models.ForeignKey(
        ReportResolution, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_key"], name="one_report_per_reader"),
        ]
        indexes = [
            models.Index(fields=["resolution", "comment", "created_at"], name="report_open_queue"),
            models.Index(fields=["created_at"], name="report_time"),
        ]

    def __str__(self) -> str:
        return f"Report on comment {self.comment_id} ({self.reason})"
