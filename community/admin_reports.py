"""Admin for reader reports: the Reported queue (with report stats), a review page per reported comment where a
moderator upholds (rejects the comment) or dismisses the reports, and the read-only log of resolutions.

Thin: the queue, the open reports and the stats come from community.reports' selectors, every answer goes
through reports_uphold() / reports_dismiss(). Every page needs comments.moderate_comment; Django's own
view permission on the models is not enough (reports quote readers and the queue names commenters).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from comments.models import Comment
from community.forms import ResolveReportsForm
from community.models import ReaderReport, ReportResolution
from community.reports import (
    NoOpenReports,
    ReportedComment,
    open_reports_for,
    report_stats,
    reported_entries,
    reported_queue,
    reports_dismiss,
    reports_uphold,
)
from config.staff import staff_user
from moderation.guidelines import Guideline
from moderation.services import AlreadyDecided, can_moderate

GUIDELINE_LABELS = dict(Guideline.choices)
STATS_WINDOWS = (7, 30, 90)
DEFAULT_STATS_DAYS = 30


def duration_text(seconds: float | None) -> str:
    """A short human duration ("2 d 3 h", "4 h 12 min", "35 s"), or "—" for none."""
    if seconds is None:
        return "—"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def _reason_rows(entry: ReportedComment) -> list[dict]:
    return [{"code": code, "label": GUIDELINE_LABELS.get(code, code), "count": n} for code, n in entry.reasons.items()]


def _note_rows(entry: ReportedComment) -> list[dict]:
    return [
        {"label": GUIDELINE_LABELS.get(n.reason, n.reason), "note": n.note, "reported_at": n.reported_at}
        for n in entry.notes
    ]


class _ModeratorsOnly:
    """Moderators see these pages; nobody adds, changes or deletes reports or resolutions here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_moderate(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ReaderReport)
class ReportedQueueAdmin(_ModeratorsOnly, admin.ModelAdmin):
    """The reports' admin entry is the Reported queue (comments, not single reports) and its review pages."""

    list_per_page = 25

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("", self.admin_site.admin_view(self.queue_view), name="%s_%s_changelist" % info),
            path("<int:comment_id>/review/", self.admin_site.admin_view(self.review_view), name="%s_%s_review" % info),
        ]

    def queue_url(self) -> str:
        return reverse("admin:community_readerreport_changelist")

    def review_url(self, comment_id: int) -> str:
        return reverse("admin:community_readerreport_review", args=[comment_id])

    def queue_view(self, request: HttpRequest) -> HttpResponse:
        """The Reported queue: most open reports first, then the oldest open report; report stats below."""
        if not can_moderate(request.user):
            raise PermissionDenied
        page = Paginator(reported_queue(), self.list_per_page).get_page(request.GET.get("page"))
        days = (
            int(request.GET["days"]) if request.GET.get("days", "") in map(str, STATS_WINDOWS) else DEFAULT_STATS_DAYS
        )
        stats = report_stats(days=days)
        rows = [
            {
                "entry": entry,
                "reasons": _reason_rows(entry),
                "notes": _note_rows(entry),
                "review_url": self.review_url(entry.comment.pk),
            }
            for entry in reported_entries(page.object_list)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Reported comments",
            "opts": self.opts,
            "rows": rows,
            "page": page,
            "stats": stats,
            "days": days,
            "windows": STATS_WINDOWS,
            "median_to_resolve": duration_text(stats["median_seconds_to_resolve"]),
            "mean_to_resolve": duration_text(stats["mean_seconds_to_resolve"]),
            "share_upheld": None if stats["share_upheld"] is None else round(100 * stats["share_upheld"]),
            "resolutions_url": reverse("admin:community_reportresolution_changelist"),
        }
        return TemplateResponse(request, "admin/community/reported_queue.html", context)

    def review_view(self, request: HttpRequest, comment_id: int) -> HttpResponse:
        """One reported comment: its open reports, and Reject (uphold reports) or Dismiss reports."""
        if not can_moderate(request.user):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article").defer("article__body"), pk=comment_id)
        entry = open_reports_for(comment)
        status = 200
        if request.method == "POST":
            form = ResolveReportsForm(request.POST)
            if form.is_valid():
                done = self._resolve(request, comment, form)
                if done:
                    return HttpResponseRedirect(self.queue_url())
            if form.errors:
                status = 400
        else:
            form = ResolveReportsForm(initial={"reasons": entry.reported_codes if entry else []})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reports on comment {comment.pk}",
            "opts": self.opts,
            "comment": comment,
            "entry": entry,
            "reasons": _reason_rows(entry) if entry else [],
            "notes": _note_rows(entry) if entry else [],
            "form": form,
            "earlier": ReportResolution.objects.filter(comment=comment).select_related("moderator")[:20],
            "queue_url": self.queue_url(),
            "comment_admin_url": reverse("admin:comments_comment_change", args=[comment.pk]),
        }
        return TemplateResponse(request, "admin/community/report_review.html", context, status=status)

    def _resolve(self, request: HttpRequest, comment: Comment, form: ResolveReportsForm) -> bool:
        """Uphold or dismiss through the services; True when the moderator goes back to the queue."""
        data = form.cleaned_data
        try:
            if data["action"] == ResolveReportsForm.UPHOLD:
                resolution = reports_uphold(
                    comment=comment, moderator=staff_user(request), reasons=data["reasons"], note=data["note"]
                )
            else:
                resolution = reports_dismiss(comment=comment, moderator=staff_user(request), note=data["note"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return False
        except NoOpenReports as exc:
            self.message_user(request, f"{exc} Nothing was saved.", messages.WARNING)
            return True
        except AlreadyDecided as exc:
            self.message_user(request, f"{exc} Nothing was saved.", messages.ERROR)
            return True
        closed = resolution.reports.count()
        if resolution.outcome == ReportResolution.Outcome.UPHELD:
            text = f"Comment {comment.pk} rejected; {closed} report(s) upheld."
        else:
            text = f"{closed} report(s) on comment {comment.pk} dismissed; the comment stays published."
        self.message_user(request, text, messages.SUCCESS)
        return True


@admin.register(ReportResolution)
class ReportResolutionAdmin(_ModeratorsOnly, admin.ModelAdmin):
    """The log of answers to reports: read-only, append-only."""

    list_display = ["resolved_at", "comment_link", "outcome", "moderator", "note"]
    list_filter = ["outcome", "resolved_at"]
    list_select_related = ["moderator"]
    ordering = ["-resolved_at", "-id"]
    readonly_fields = ("comment", "outcome", "decision", "moderator", "note", "resolved_at")
    fields = readonly_fields

    @admin.display(description="Comment", ordering="comment_id")
    def comment_link(self, resolution: ReportResolution):
        url = reverse("admin:comments_comment_change", args=[resolution.comment_id])
        return format_html('<a href="{}">Comment {}</a>', url, resolution.comment_id)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Report resolutions", **(extra_context or {})})
