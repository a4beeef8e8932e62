"""Filters of the moderator API: the comment queue and the decision log."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field

from comments.models import Comment
from config.filters import DateAfterFilter, DateBeforeFilter, StrictFilterSet
from moderation.guidelines import CHECK_CATEGORIES, Guideline
from moderation.models import ModerationDecision
from moderation.selectors import QUEUE_ORDER

MAX_ID = 2**63 - 1  # the largest BigAutoField value; bigger numbers would overflow the database
ALL_STATUSES = "all"
ORDERINGS = {
    "queue": QUEUE_ORDER,
    "priority": ("priority", "submitted_at", "id"),
    "-priority": QUEUE_ORDER,
    "submitted_at": ("submitted_at", "id"),
    "-submitted_at": ("-submitted_at", "-id"),
}


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A positive whole-number id within the database's range."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def _id_or_slug(value: str) -> Q | None:
    """An article given as its numeric id or its slug."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return Q(article_id=int(value)) | Q(article__slug=value)
    return Q(article__slug=value)


class CommentQueueFilter(StrictFilterSet):
    """Moderator comment list: pending by default, in review-queue order by default."""

    status = django_filters.ChoiceFilter(
        choices=[*Comment.Status.choices, (ALL_STATUSES, "All")],
        method="filter_status",
        empty_label=None,
        label="Comment status; default pending (the review queue); `all` for every status",
    )
    article = django_filters.CharFilter(method="filter_article", max_length=200, label="Article id or slug")
    category = django_filters.ChoiceFilter(
        choices=[(code, Guideline(code).label) for code in CHECK_CATEGORIES],
        method="filter_category",
        label="A guideline category the checks flagged",
    )
    flagged = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_flagged",
        label="Flagged by any check (true) or by none (false)",
    )
    submitted_after = DateAfterFilter(field_name="submitted_at", label="Submitted on or after this day (YYYY-MM-DD)")
    submitted_before = DateBeforeFilter(field_name="submitted_at", label="Submitted on or before this day (YYYY-MM-DD)")
    ordering = django_filters.ChoiceFilter(
        choices=[(name, name) for name in ORDERINGS],
        method="filter_ordering",
        label="queue (default: highest priority, then oldest), priority, -priority, submitted_at, -submitted_at",
    )

    class Meta:
        model = Comment
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # The defaults apply when the parameter is absent: pending comments, queue order.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=Comment.Status.PENDING)
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by(*QUEUE_ORDER)
        return super().filter_queryset(queryset)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if value == ALL_STATUSES else queryset.filter(status=value)

    def filter_article(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(_id_or_slug(value))

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(flags__contains=f"|{value}|")

    def filter_flagged(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.exclude(flags="") if value == "true" else queryset.filter(flags="")

    def filter_ordering(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*ORDERINGS[value])


class DecisionLogFilter(StrictFilterSet):
    """Decision log: by moderator, verdict, reason, date and comment."""

    moderator = django_filters.CharFilter(
        method="filter_moderator", max_length=150, label="Moderator username, or `system` for automatic decisions"
    )
    verdict = django_filters.ChoiceFilter(choices=ModerationDecision.Verdict.choices)
    reason = django_filters.ChoiceFilter(
        choices=Guideline.choices, method="filter_reason", label="A guideline code among the reasons"
    )
    decided_after = DateAfterFilter(field_name="decided_at", label="Decided on or after this day (YYYY-MM-DD)")
    decided_before = DateBeforeFilter(field_name="decided_at", label="Decided on or before this day (YYYY-MM-DD)")
    comment = IdFilter(field_name="comment_id", label="Comment id")

    class Meta:
        model = ModerationDecision
        fields: list[str] = []

    def filter_moderator(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "system":
            return queryset.filter(ModerationDecision.system_q())
        # The username stored on the decision: it stays when the moderator's account is deleted.
        return queryset.filter(moderator_username=value)

    def filter_reason(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # `reasons` is a JSON list of codes; the quoted code matches a whole list element on
        # SQLite and PostgreSQL alike (JSON `contains` is PostgreSQL-only).
        return queryset.filter(reasons__icontains=f'"{value}"')
