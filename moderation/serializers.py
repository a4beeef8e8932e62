"""Moderator API shapes: comments with everything a moderator sees, decisions and their inputs."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from articles.models import Article
from comments.models import Comment
from comments.serializers import RejectUnknownFieldsMixin, StrictTextField
from community.selectors import commenter_history
from community.serializers import CommenterHistorySerializer
from community.serializers_trust import CommenterStandingSerializer
from community.trust import standing_summary
from config.api import ErrorSerializer
from moderation.filters import MAX_ID
from moderation.guidelines import Guideline
from moderation.models import ModerationDecision

NOTE_MAX_LENGTH = 2000
BULK_MAX_IDS = 200


class ArticleRefSerializer(serializers.ModelSerializer):
    """The article a comment belongs to."""

    class Meta:
        model = Article
        fields = ["id", "slug", "title"]


class FindingSerializer(serializers.Serializer):
    """One thing an automated check found: category, rule, where (character offsets) and score."""

    category = serializers.CharField()
    rule = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    evidence = serializers.CharField()
    score = serializers.FloatField()


class DecisionSerializer(serializers.ModelSerializer):
    """One logged decision (append-only)."""

    decided_by = serializers.CharField(read_only=True, help_text="Moderator username, or `system`.")
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=Guideline.choices))

    class Meta:
        model = ModerationDecision
        fields = ["id", "comment", "decided_by", "verdict", "reasons", "note", "previous_status", "decided_at"]
        read_only_fields = fields


class ModerationCommentSerializer(serializers.ModelSerializer):
    """A comment as moderators see it, including the author's email and IP address."""

    article = ArticleRefSerializer(read_only=True)
    flags = serializers.ListField(
        source="flag_list",
        child=serializers.CharField(),
        read_only=True,
        help_text="Guideline categories the automated checks flagged.",
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "article",
            "author_name",
            "author_email",
            "ip_address",
            "body",
            "status",
            "submitted_at",
            "decided_at",
            "flags",
            "priority",
        ]
        read_only_fields = fields


class ModerationCommentDetailSerializer(ModerationCommentSerializer):
    """One comment with what the checks found and its decision history (newest first)."""

    findings = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField(
        help_text="Commenter history: the author's other comments (same email) and recent comments from the "
        "same IP address."
    )
    standing = serializers.SerializerMethodField(
        help_text="Where the author stands: banned (and by which ban), trusted, trust suggested."
    )

    class Meta(ModerationCommentSerializer.Meta):
        fields = ModerationCommentSerializer.Meta.fields + [
            "user_agent",
            "findings",
            "decisions",
            "history",
            "standing",
        ]
        read_only_fields = fields

    @extend_schema_field(CommenterHistorySerializer)
    def get_history(self, comment: Comment) -> dict:
        history = commenter_history(comment=comment)
        return CommenterHistorySerializer(
            {
                **vars(history),
                "total": history.total,
                "rejection_rate": history.rejection_rate,
            }
        ).data

    @extend_schema_field(CommenterStandingSerializer)
    def get_standing(self, comment: Comment) -> dict:
        return CommenterStandingSerializer(vars(standing_summary(comment=comment))).data

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, comment: Comment) -> list[dict]:
        # many=True makes a ListSerializer, whose data is a list; the stubs give the child's (a dict).
        return FindingSerializer((comment.findings or {}).get("findings", []), many=True).data  # type: ignore[return-value]


class _DecisionInput(RejectUnknownFieldsMixin, serializers.Serializer):
    note = StrictTextField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")
    expected_status = serializers.ChoiceField(
        choices=Comment.Status.choices,
        required=False,
        default=Comment.Status.PENDING,
        help_text="The status you saw; the decision is refused (409) if the comment is no longer in it. "
        "Default `pending`; pass `approved` or `rejected` to reverse a decision.",
    )


class ApproveSerializer(_DecisionInput):
    """Approve a comment as written."""


class RejectSerializer(_DecisionInput):
    """Reject a comment for one or more guideline codes (`other` needs a note)."""

    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Guideline.choices),
        allow_empty=False,
        min_length=1,
        max_length=len(Guideline),
    )


class DecisionResultSerializer(serializers.Serializer):
    """The comment's new status and the logged decision."""

    id = serializers.IntegerField(help_text="Comment id.")
    status = serializers.ChoiceField(choices=Comment.Status.choices)
    decision = DecisionSerializer()


class AlreadyDecidedErrorSerializer(ErrorSerializer):
    """409: someone decided first; nothing was written."""

    decided_by = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Comment.Status.choices)


class BulkDecisionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Approve or reject several pending comments with the same reasons."""

    APPROVE, REJECT = "approve", "reject"

    action = serializers.ChoiceField(choices=[APPROVE, REJECT])
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        min_length=1,
        max_length=BULK_MAX_IDS,
    )
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Guideline.choices),
        required=False,
        default=list,
        max_length=len(Guideline),
        help_text="Required to reject; not allowed to approve.",
    )
    note = StrictTextField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if attrs["action"] == self.REJECT and not attrs["reasons"]:
            raise serializers.ValidationError({"reasons": ["Choose at least one guideline the comments break."]})
        if attrs["action"] == self.APPROVE and attrs["reasons"]:
            raise serializers.ValidationError({"reasons": ["Reasons are given only when rejecting."]})
        return attrs


class BulkItemResultSerializer(serializers.Serializer):
    """What happened to one id of a bulk request."""

    id = serializers.IntegerField()
    result = serializers.ChoiceField(choices=["decided", "already_decided", "not_found"])
    status = serializers.ChoiceField(choices=Comment.Status.choices, allow_null=True)
    decided_by = serializers.CharField(allow_null=True, help_text="Who made the decision now in force.")


class BulkCountsSerializer(serializers.Serializer):
    """How many ids ended each way."""

    decided = serializers.IntegerField()
    already_decided = serializers.IntegerField()
    not_found = serializers.IntegerField()


class BulkResultSerializer(serializers.Serializer):
    """Per-id results of a bulk decision, in the order the ids were given (duplicates dropped)."""

    results = BulkItemResultSerializer(many=True)
    counts = BulkCountsSerializer()


class GuidelineSerializer(serializers.Serializer):
    """A guideline category: its code (used in flags and rejection reasons), name and explanation."""

    code = serializers.ChoiceField(choices=Guideline.choices)
    # A declared field leaves the class namespace (DRF's metaclass), so Field.label is not shadowed.
    label = serializers.CharField()  # type: ignore[assignment]
    text = serializers.CharField()


class ModeratorDaySerializer(serializers.Serializer):
    """One moderator's decisions on one day (`moderator` is `system` for automatic ones)."""

    day = serializers.DateField()
    moderator = serializers.CharField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()


class CategoryAgreementSerializer(serializers.Serializer):
    """How often moderators rejected comments the checks flagged with this category."""

    category = serializers.CharField()
    decided = serializers.IntegerField()
    rejected = serializers.IntegerField()
    rejection_rate = serializers.FloatField(allow_null=True)


class ModelVersionAgreementSerializer(serializers.Serializer):
    """How moderators decided comments scored with one learned-model version ("" = rules only)."""

    model_version = serializers.CharField(allow_blank=True)
    decided = serializers.IntegerField(help_text="Moderator decisions in the window on comments it scored.")
    flagged = serializers.IntegerField(help_text="Of those, on comments the checks flagged (any category).")
    flagged_rejected = serializers.IntegerField(help_text="Flagged and rejected.")
    rejected = serializers.IntegerField()
    rejected_flagged = serializers.IntegerField(help_text="Rejected and flagged (the same count as flagged_rejected).")
    precision = serializers.FloatField(allow_null=True, help_text="flagged_rejected / flagged.")
    recall = serializers.FloatField(allow_null=True, help_text="rejected_flagged / rejected.")


class ModerationStatsSerializer(serializers.Serializer):
    """Queue size and age, and how moderators decided over the window (see moderation.stats)."""

    pending_total = serializers.IntegerField()
    pending_by_category = serializers.DictField(
        child=serializers.IntegerField(), help_text="Per check category, plus `unflagged`."
    )
    oldest_pending_submitted_at = serializers.DateTimeField(allow_null=True)
    oldest_pending_age_seconds = serializers.FloatField(allow_null=True)
    decisions_per_moderator_per_day = ModeratorDaySerializer(many=True)
    median_seconds_to_decision = serializers.FloatField(allow_null=True)
    agreement_by_category = CategoryAgreementSerializer(many=True)
    agreement_by_model_version = ModelVersionAgreementSerializer(many=True)


class StatsQuerySerializer(serializers.Serializer):
    """The stats window."""

    days = serializers.IntegerField(min_value=1, max_value=366, default=14, help_text="Window length in days.")


@extend_schema_serializer(component_name="AuthToken")  # the schema's name for it, as before
class TokenRequestSerializer(RejectUnknownFieldsMixin, AuthTokenSerializer):
    """Username and password for a token; unknown fields are refused like everywhere else."""

    username = serializers.CharField(label="Username", write_only=True, min_length=1, max_length=150)
    password = serializers.CharField(
        label="Password",
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
        min_length=1,
        max_length=4096,
    )


class TokenResponseSerializer(serializers.Serializer):
    """The user's API token (the same one on every call until an admin deletes it)."""

    token = serializers.CharField()
