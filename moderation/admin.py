"""Django admin for moderators: comments (read-only, decided by actions), decisions, term lists."""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.text import Truncator

from comments.models import Comment
from moderation.guidelines import CHECK_CATEGORIES, Guideline
from moderation.models import GuidelineTerm, ModerationDecision
from moderation.services import AlreadyDecided, can_moderate, comment_approve, comment_reject


class FlaggedCategoryFilter(admin.SimpleListFilter):
    """Filter by a category the automated checks flagged, or by none."""

    title = "flagged category"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [("__none__", "Not flagged"), ("__any__", "Any flag")] + [
            (code, Guideline(code).label) for code in CHECK_CATEGORIES
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "__none__":
            return queryset.filter(flags="")
        if value == "__any__":
            return queryset.exclude(flags="")
        if value in CHECK_CATEGORIES:
            return queryset.filter(flags__contains=f"|{value}|")
        return queryset


class DecisionInline(admin.TabularInline):
    """The comment's decision history, newest first (read-only)."""

    model = ModerationDecision
    extra = 0
    can_delete = False
    fields = ["decided_at", "decided_by", "verdict", "reasons", "note", "previous_status"]
    readonly_fields = fields
    ordering = ["-decided_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("moderator")


def _decide_selected(modeladmin, request, queryset, decide, label):
    done = conflicts = 0
    for comment in queryset:
        try:
            decide(comment)
        except AlreadyDecided:
            conflicts += 1
        except PermissionDenied as exc:
            modeladmin.message_user(request, str(exc), messages.ERROR)
            return
        except ValidationError as exc:
            modeladmin.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        else:
            done += 1
    modeladmin.message_user(request, f"{label}: {done} comment(s).", messages.SUCCESS)
    if conflicts:
        modeladmin.message_user(
            request,
            f"{conflicts} comment(s) skipped: already in that state or decided by someone else.",
            messages.WARNING,
        )


@admin.action(description="Approve selected comments", permissions=["moderate"])
def approve_selected(modeladmin, request, queryset):
    _decide_selected(
        modeladmin,
        request,
        queryset,
        lambda c: comment_approve(comment=c, moderator=request.user),
        "Approved",
    )


def _reject_action(code: str):
    label = Guideline(code).label

    @admin.action(description=f"Reject selected as {label.lower()}", permissions=["moderate"])
    def reject(modeladmin, request, queryset):
        _decide_selected(
            modeladmin,
            request,
            queryset,
            lambda c: comment_reject(comment=c, moderator=request.user, reasons=[code]),
            f"Rejected as {label.lower()}",
        )

    reject.__name__ = f"reject_as_{code}"
    return reject


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments are shown exactly as written: every field is read-only."""

    list_display = ["id", "status", "article", "author_name", "submitted_at", "flag_badges", "priority", "excerpt"]
    list_filter = ["status", FlaggedCategoryFilter, "submitted_at", "article"]
    list_select_related = ["article"]
    search_fields = ["body", "author_name", "author_email"]
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at", "-id"]
    actions = [approve_selected] + [_reject_action(code) for code in CHECK_CATEGORIES]
    inlines = [DecisionInline]
    fields = [
        "article",
        "status",
        "author_name",
        "author_email",
        "body",
        "submitted_at",
        "decided_at",
        "flag_badges",
        "priority",
        "findings",
        "ip_address",
        "user_agent",
        "user",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are created only by readers, through comment_submit()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

    @admin.display(description="Flags")
    def flag_badges(self, comment: Comment):
        return format_html_join(" ", '<span class="flag flag-{}">{}</span>', ((c, c) for c in comment.flag_list)) or "—"

    @admin.display(description="Comment")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(90)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    """The decision log: read-only, append-only."""

    list_display = ["decided_at", "comment", "decided_by", "verdict", "reasons", "previous_status"]
    list_filter = ["verdict", "decided_at"]
    list_select_related = ["moderator", "comment"]
    search_fields = ["note", "moderator__username"]
    date_hierarchy = "decided_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GuidelineTerm)
class GuidelineTermAdmin(admin.ModelAdmin):
    """Moderator-managed terms the checks flag (suspect) or reject on (banned)."""

    list_display = ["term", "category", "kind", "active", "updated_at"]
    list_filter = ["category", "kind", "active"]
    list_editable = ["kind", "active"]
    search_fields = ["term", "note"]

