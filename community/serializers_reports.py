"""API shapes for reader reports: the public report body and answer, and the moderators' Reported queue,
resolutions and stats. The public shapes carry nothing about other reports or reporters."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from comments.models import Comment
from comments.serializers import RejectUnknownFieldsMixin, StrictTextField
from community.models import ReportResolution
from community.reports import REPORT_NOTE_MAX_LENGTH, RESOLUTION_NOTE_MAX_LENGTH, STATS_MAX_DAYS
from moderation.guidelines import Guideline
from moderation.serializers import DecisionSerializer, ModerationCommentSerializer

# --- Public ---------------------------------------------------------------------------------------


class ReportSubmitSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A reader's report: the guideline the comment breaks and an optional note (shape only;
    report_submit() checks the content: `other` needs a note, no control characters)."""

    reason = serializers.ChoiceField(choices=Guideline.choices, help_text="A guideline code (see /api/guidelines/).")
    note = StrictTextField(
        max_length=REPORT_NOTE_MAX_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        trim_whitespace=False,
        help_text="For the moderators, never published. Required with `other`.",
    )


class ReportReceivedSerializer(serializers.Serializer):
    """The report was received; it says nothing about other readers' reports."""

    status = serializers.ChoiceField(choices=["received"])


# --- Moderators -----------------------------------------------------------------------------------


class ReasonCountSerializer(serializers.Serializer):
    """How many open reports give one guideline code."""

    code = serializers.ChoiceField(choices=Guideline.choices)
    count = serializers.IntegerField()


class ReportNoteSerializer(serializers.Serializer):
    """A reader's note on an open report (never who wrote it)."""

    reason = serializers.ChoiceField(choices=Guideline.choices)
    note = serializers.CharField()
    reported_at = serializers.DateTimeField()


class ReportedCommentSerializer(serializers.Serializer):
    """An approved comment with open reports: how many, why, and the readers' notes."""

    comment = ModerationCommentSerializer()
    open_reports = serializers.IntegerField()
    first_reported_at = serializers.DateTimeField(help_text="The oldest open report.")
    last_reported_at = serializers.DateTimeField(help_text="The newest open report.")
    reasons = ReasonCountSerializer(
        many=True, source="reason_counts", help_text="Open reports per guideline code, most first."
    )
    notes = ReportNoteSerializer(many=True, help_text="The newest notes (at most 10); `notes_total` counts them all.")
    notes_total = serializers.IntegerField()


class UpholdReportsSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Reject the reported comment for one or more guidelines (`other` needs a note)."""

    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Guideline.choices),
        allow_empty=False,
        min_length=1,
        max_length=len(Guideline),
    )
    note = StrictTextField(max_length=RESOLUTION_NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")


class DismissReportsSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Dismiss the open reports: the comment stays published."""

    note = StrictTextField(max_length=RESOLUTION_NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")


class ReportResolutionSerializer(serializers.ModelSerializer):
    """A moderator's answer to every open report on a comment."""

    moderator = serializers.CharField(source="moderator_username", read_only=True)
    decision = DecisionSerializer(read_only=True, allow_null=True, help_text="The rejection, when upheld.")
    reports = serializers.SerializerMethodField(help_text="How many reports it closed.")
    status = serializers.ChoiceField(
        source="comment.status", choices=Comment.Status.choices, read_only=True, help_text="The comment's status now."
    )

    class Meta:
        model = ReportResolution
        fields = ["id", "comment", "status", "outcome", "decision", "moderator", "note", "resolved_at", "reports"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_reports(self, resolution: ReportResolution) -> int:
        return resolution.reports.count()


class ReportStatsQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1,
        max_value=STATS_MAX_DAYS,
        required=False,
        default=30,
        help_text=f"Window length in days (1-{STATS_MAX_DAYS}, default 30).",
    )


class ReportsPerDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    reports = serializers.IntegerField()


class ReportStatsSerializer(serializers.Serializer):
    """Reader reports over the window, their resolutions, and the Reported queue now."""

    days = serializers.IntegerField()
    reports_per_day = ReportsPerDaySerializer(many=True, help_text="Every day of the window, newest first.")
    reports_total = serializers.IntegerField()
    resolutions = serializers.IntegerField(
        help_text="Resolutions made in the window (each closes a comment's open reports)."
    )
    upheld = serializers.IntegerField()
    dismissed = serializers.IntegerField()
    share_upheld = serializers.FloatField(allow_null=True, help_text="upheld / resolutions; null when none.")
    median_seconds_to_resolve = serializers.FloatField(
        allow_null=True, help_text="From a round's first report to its resolution (most recent 2,000 resolutions)."
    )
    mean_seconds_to_resolve = serializers.FloatField(allow_null=True)
    open_reports = serializers.IntegerField(help_text="Open reports on approved comments now.")
    reported_comments = serializers.IntegerField(help_text="Comments in the Reported queue now.")
