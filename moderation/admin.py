"""Django admin for moderators: the review queue, comments (read-only, decided by buttons and
actions), the decision log, term lists and the learned checks' model versions. Thin: decisions
and activations go through moderation.services, claims through moderation.claims, the queue
order and the active model version through moderation.selectors."""

from __future__ import annotations

import copy
import re
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_ipv46_address
from django.db import DatabaseError, connections, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    GenericIPAddressField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from articles.models import Article
from comments.models import Comment
from community.admin_panels import commenter_panel_context
from community.selectors import CommenterHistory, HistoryEntry, commenter_badges, commenter_history
from config.staff import staff_user
from moderation.checkmodels import shipped_or_none
from moderation.claims import active_claim, claim_comment, release_claim
from moderation.forms import DecisionForm
from moderation.guidelines import CHECK_CATEGORIES, Guideline
from moderation.highlight import highlighted_body
from moderation.models import (
    CheckModelActivation,
    CheckModelVersion,
    GuidelineTerm,
    ModerationDecision,
    RecheckBatch,
    ReviewQueueItem,
)
from moderation.selectors import (
    QUEUE_ORDER,
    latest_check_model_activation,
    next_in_queue,
    previous_in_queue,
    review_queue,
)
from moderation.services import (
    AlreadyDecided,
    can_manage_check_models,
    can_moderate,
    check_model_activate,
    comment_approve,
    comment_reject,
)
from moderation.stats import CACHE_SECONDS, UNFLAGGED, cached_moderation_stats

if TYPE_CHECKING:
    from django.db.models.options import Options

GUIDELINE_LABELS = dict(Guideline.choices)


def reason_labels(decision: ModerationDecision) -> str:
    """The decision's guideline codes as their labels ("Promotion, Abuse"), "—" for none."""
    return ", ".join(GUIDELINE_LABELS.get(code, code) for code in decision.reasons or []) or "—"


# Changelists of comments and decisions: a wide table needs the page's width (the breadcrumbs
# lead to the other admin pages), and the title says what the list is.
def _list_context(title: str, extra_context: dict | None) -> dict:
    return {"title": title, "is_nav_sidebar_enabled": False, **(extra_context or {})}


class FlaggedCategoryFilter(admin.SimpleListFilter):
    """Filter by a category the automated checks flagged, by any flag, or by none."""

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


class ArticleFilter(admin.SimpleListFilter):
    """The newest articles (titles only), plus the one selected: a bounded list, not every article."""

    title = "article"
    parameter_name = "article"
    LIMIT = 30

    def articles(self):
        return Article.objects.all()

    def lookups(self, request, model_admin):
        value = self.value()
        if getattr(request, "queue_selection_only", False):
            return [(value, value)] if value else []  # filtering only: no choices to show
        newest = self.articles().order_by("-published_at", "-id")
        choices = list(newest.values_list("pk", "title")[: self.LIMIT])
        if value and value.isdigit() and int(value) not in {pk for pk, _ in choices}:
            choices += list(Article.objects.filter(pk=value).values_list("pk", "title"))
        return choices

    def queryset(self, request, queryset):
        value = str(self.value() or "")  # an int when admin's facets count a lookup
        return queryset.filter(article_id=value) if value.isdigit() else queryset


class QueueArticleFilter(ArticleFilter):
    """The newest articles with comments waiting."""

    def articles(self):
        # Walks the articles newest first, probing comment_article_status_time for each:
        # the cost is bounded by LIMIT, not by the number of pending comments.
        waiting = Comment.objects.filter(article=OuterRef("pk"), status=Comment.Status.PENDING)
        return Article.objects.filter(Exists(waiting))


class DecisionInline(admin.TabularInline):
    """The comment's decision history, newest first (read-only)."""

    model = ModerationDecision
    extra = 0
    can_delete = False
    readonly_fields = ("decided_at", "decided_by", "verdict", "reasons_shown", "note", "previous_status")
    fields = readonly_fields
    ordering = ["-decided_at", "-id"]
    template = "admin/moderation/decision_history_inline.html"
    verbose_name_plural = "decision history"

    @admin.display(description="Reasons")
    def reasons_shown(self, decision: ModerationDecision) -> str:
        return reason_labels(decision)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("moderator")


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows: a large queue shows "1000+" instead of paying for an exact COUNT(*).

    The count is `SELECT COUNT(*) FROM (... LIMIT CAP + 1)`, which stops after CAP + 1
    rows of the (index-ordered) queue; exact per-category totals are on the stats page.
    """

    CAP = 1000
    capped = False

    @cached_property
    def count(self) -> int:
        # Unordered: the database may count from whichever index is smallest.
        queryset = self.object_list
        assert isinstance(queryset, QuerySet)  # the admin pages its changelist's queryset
        counted = queryset.order_by()[: self.CAP + 1].count()
        self.capped = counted > self.CAP
        return min(counted, self.CAP)


# What the database (or its driver) raises for a filter value it cannot take: an integer too
# large for SQLite, an invalid inet on PostgreSQL, a NUL character, a broken regular expression.
BAD_VALUE_ERRORS = (DatabaseError, OverflowError, ValueError)


MAX_DB_INTEGER = 2**63 - 1  # 64-bit: the widest integer column either database stores
_INTEGER = re.compile(r"[+-]?[0-9]+")
# Lookups whose value PostgreSQL must parse as an inet (the text lookups compare HOST(ip) instead).
_INET_VALUE_LOOKUPS = {"exact", "in", "gt", "gte", "lt", "lte", "range"}


@contextmanager
def bad_values_as_incorrect_lookup(model, *, savepoint: bool = True):
    """Turn a database error from crafted filter values into IncorrectLookupParameters.

    Inside a transaction (a test, ATOMIC_REQUESTS) the query runs under a savepoint, so
    PostgreSQL's "current transaction is aborted" does not outlive the bad query; outside
    one nothing is opened (on SQLite a transaction would take the write lock for a read).
    With `savepoint=False` an error inside a PostgreSQL transaction is not caught: that
    transaction cannot go on anyway.
    """
    connection = connections[router.db_for_read(model)]
    use_savepoint = savepoint and connection.in_atomic_block
    try:
        with transaction.atomic(using=connection.alias) if use_savepoint else nullcontext():
            yield
    except BAD_VALUE_ERRORS as exc:
        if connection.in_atomic_block and not use_savepoint and connection.vendor == "postgresql":
            raise
        raise IncorrectLookupParameters(exc) from exc


def _beyond_64_bits(value: str) -> bool:
    """An integer no 64-bit column holds (checked without int(): Python refuses 4,300+ digits)."""
    value = value.strip()
    if not _INTEGER.fullmatch(value):
        return False
    digits = value.lstrip("+-").lstrip("0")
    return len(digits) > 19 or int(digits or "0") > MAX_DB_INTEGER


def _field_and_lookup(model, key: str):
    """The model field a filter parameter names (None if none) and its last lookup ("exact" if none)."""
    field, rest = None, key.split(LOOKUP_SEP)
    opts = model._meta
    while rest:
        try:
            candidate = opts.get_field(rest[0])
        except FieldDoesNotExist:
            break
        field, rest = candidate, rest[1:]
        if not (rest and candidate.is_relation and candidate.related_model is not None):
            break
        opts = candidate.related_model._meta
    return field, (rest[-1] if rest else "exact")


def refuse_values_the_database_refuses(model, params: dict[str, list[str]]) -> None:
    """IncorrectLookupParameters for filter values that would only fail in the database:
    a NUL character, an integer beyond 64 bits, an invalid IP address for an inet column,
    and regular expressions (whose dialect differs per database, and which can be slow)."""
    for key, values in params.items():
        field, lookup = _field_and_lookup(model, key)
        pieces = [piece for value in values for piece in (value.split(",") if lookup in ("in", "range") else [value])]
        if "\x00" in key or any("\x00" in piece for piece in pieces):
            raise IncorrectLookupParameters("a NUL character in a filter")
        if any(_beyond_64_bits(piece) for piece in pieces):
            raise IncorrectLookupParameters(f"{key}: an integer out of range")
        if lookup in ("regex", "iregex"):
            raise IncorrectLookupParameters(f"{key}: regular expressions are not accepted")
        if isinstance(field, GenericIPAddressField) and lookup in _INET_VALUE_LOOKUPS:
            try:
                for piece in pieces:
                    if piece.strip():  # empty: admin filters on "no address"
                        validate_ipv46_address(piece.strip())
            except ValidationError as exc:
                raise IncorrectLookupParameters(f"{key}: not an IP address") from exc


class SafeChangeList(ChangeList):
    """A changelist whose crafted filters end in admin's "?e=1" redirect, never in a 500.

    Django turns lookups it cannot build into IncorrectLookupParameters, but values
    only the database refuses (`?article=<30 digits>` on SQLite, `?ip_address=x` or a NUL
    character on PostgreSQL) fail later, when the page's count and rows are read. Here
    those values are refused up front (`refuse_values_the_database_refuses`, no query),
    a NUL anywhere in the query string (the search too) as well, and as a safety net for
    any other the count and the page's rows are read at once under
    `bad_values_as_incorrect_lookup`.
    """

    def __init__(self, request, *args, **kwargs):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise IncorrectLookupParameters("a NUL character in the query string")
        super().__init__(request, *args, **kwargs)

    def get_queryset(self, request, exclude_parameters=None):
        refuse_values_the_database_refuses(self.model, self.get_filters_params())
        return super().get_queryset(request, exclude_parameters)

    def get_results(self, request):
        with bad_values_as_incorrect_lookup(self.model):
            super().get_results(request)
            if isinstance(self.result_list, QuerySet):
                self.result_list._fetch_all()  # read now, where an error can still become a redirect


class BadgedChangeList(SafeChangeList):
    """The review queue's changelist: after reading the page's rows, one aggregate query gives every row its
    commenter badge (`comment.commenter_badge`), so the "Author and article" column runs no query per row."""

    def get_results(self, request):
        super().get_results(request)
        badges = commenter_badges(comments=self.result_list)
        for comment in self.result_list:
            comment.commenter_badge = badges.get(comment.pk)


def _history_rows(entries: list[HistoryEntry]) -> list[dict]:
    return [
        {
            "entry": entry,
            "url": reverse("admin:comments_comment_change", args=[entry.id]),
            "reasons": ", ".join(GUIDELINE_LABELS.get(code, code) for code in entry.reasons),
        }
        for entry in entries
    ]


def commenter_history_context(history: CommenterHistory) -> dict:
    """The "Commenter history" panel (templates/admin/community/_commenter_history.html)."""
    rate = history.rejection_rate
    return {
        "history": history,
        "history_rate": "—" if rate is None else f"{rate:.0%}",
        "history_rows": _history_rows(history.comments),
        "same_ip_rows": _history_rows(history.same_ip),
    }


class SafeChangeListMixin:
    """Admin pages built on SafeChangeList."""

    def get_changelist(self, request, **kwargs):
        return SafeChangeList


class QueueSelection(SafeChangeList):
    """The changelist's filtering and search of the queue, without the page's count and rows."""

    def get_results(self, request):
        # None, not 0: nothing was counted (a count of the queue is the cost this class avoids).
        self.result_list, self.result_count, self.full_result_count = [], None, None  # type: ignore[assignment]


def _duration(seconds: float | None) -> str:
    """A short human duration ("2 d 3 h", "4 h 12 min", "35 s"), or "—" for none."""
    if seconds is None:
        return "—"
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


# --- Bulk actions: decide only comments that are still pending ---------------------------


def _decide_selected(modeladmin, request, queryset, decide, label, leave=None, left_label=""):
    """Run `decide` on each selected pending comment; report done, skipped and left-alone counts.

    `leave` picks comments to leave undecided (reported as `left_label`). "Select all"
    across pages is refused beyond CappedCountPaginator.CAP comments: one request deciding
    tens of thousands of comments is never what a moderator meant.
    """
    limit = CappedCountPaginator.CAP
    if request.POST.get("select_across") == "1" and queryset[: limit + 1].count() > limit:
        modeladmin.message_user(
            request,
            f'Nothing was decided: "select all" works on at most {limit} comments. Narrow the list with the filters.',
            messages.ERROR,
        )
        return
    comments = list(queryset)
    chosen = [c for c in comments if leave is None or not leave(c)]
    selected = len(set(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)))
    skipped = 0 if request.POST.get("select_across") == "1" else max(selected - len(comments), 0)
    done = 0
    for comment in chosen:
        try:
            decide(comment)
        except AlreadyDecided:
            skipped += 1
        else:
            done += 1
    modeladmin.message_user(request, f"{label}: {done} comment(s).", messages.SUCCESS)
    if skipped:
        modeladmin.message_user(
            request,
            f"{skipped} comment(s) skipped: no longer pending (decided already, perhaps by someone else).",
            messages.WARNING,
        )
    if len(comments) > len(chosen):
        modeladmin.message_user(request, f"{len(comments) - len(chosen)} {left_label}", messages.INFO)


def _approve(request):
    return lambda c: comment_approve(comment=c, moderator=staff_user(request), expected_status=Comment.Status.PENDING)


@admin.action(description="Approve selected comments", permissions=["moderate"])
def approve_selected(modeladmin, request, queryset):
    _decide_selected(modeladmin, request, queryset, _approve(request), "Approved")


@admin.action(description="Approve the unflagged comments among the selected", permissions=["moderate"])
def approve_unflagged_selected(modeladmin, request, queryset):
    _decide_selected(
        modeladmin,
        request,
        queryset,
        _approve(request),
        "Approved unflagged",
        leave=lambda c: bool(c.flags),
        left_label="flagged comment(s) left for review.",
    )


def _reject_action(code: str):
    label = Guideline(code).label.lower()

    @admin.action(description=f"Reject selected as {label}", permissions=["moderate"])
    def reject(modeladmin, request, queryset):
        def decide(c):
            return comment_reject(
                comment=c, moderator=staff_user(request), reasons=[code], expected_status=Comment.Status.PENDING
            )

        _decide_selected(modeladmin, request, queryset, decide, f"Rejected as {label}")

    reject.__name__ = f"reject_as_{code}"
    return reject


DECISION_ACTIONS = [approve_selected, approve_unflagged_selected] + [_reject_action(code) for code in CHECK_CATEGORIES]


# --- Comment pages: read-only fields, decision buttons, claims -------------------------------


class CommentPageAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Shared by the comment list and the review queue: read-only comment, decision buttons.

    Every page of it (list, comment, history, decide) needs comments.moderate_comment:
    Django's view or change permission alone never shows bodies, emails or IPs.
    """

    change_form_template = "admin/moderation/comment_change_form.html"
    actions = DECISION_ACTIONS
    inlines = [DecisionInline]
    readonly_fields = (
        "article",
        "status",
        "author_name",
        "author_email",
        "evidence",
        "submitted_at",
        "decided_at",
        "flag_badges",
        "priority",
        "checks_model_version",
        "findings_table",
        "ip_address",
        "user_agent",
        "user",
    )
    fields = readonly_fields
    # No facet counts ("?_facets"): a COUNT per filter choice over every comment, on each page load.
    show_facets = admin.ShowFacets.NEVER

    class Media:
        css = {"all": ["moderation/review.css"]}
        js = ["moderation/review.js"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are created only by readers, through comment_submit()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_moderate(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_moderate(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

    def get_queryset(self, request):
        # The page shows the article's title and the claim: load them with the comment.
        return super().get_queryset(request).select_related("article", "claim__moderator").defer("article__body")

    def get_object(self, request, object_id, from_field=None):
        """The comment, loaded once per request (change_view needs it before Django's view does)."""
        loaded = request.__dict__.setdefault("_moderation_objects", {})
        key = (self.model, object_id, from_field)
        if key not in loaded:
            loaded[key] = super().get_object(request, object_id, from_field)
        return loaded[key]

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_decide"
        view = self.admin_site.admin_view(self.decide_view)
        return [path("<int:object_id>/decide/", view, name=name)] + super().get_urls()

    def with_filters(self, request: HttpRequest, url: str) -> str:
        """`url` carrying the list filters the moderator came from (admin's _changelist_filters)."""
        context: dict[str, Options[Any] | str] = {
            "preserved_filters": self.get_preserved_filters(request),
            "opts": self.opts,
        }
        return add_preserved_filters(context, url)

    def decide_url(self, request: HttpRequest, comment: Comment) -> str:
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_decide", args=[comment.pk])
        return self.with_filters(request, url)

    def change_url(self, request: HttpRequest, comment: Comment) -> str:
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[comment.pk])
        return self.with_filters(request, url)

    def changelist_url(self, request: HttpRequest) -> str:
        return self.with_filters(request, reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def after_decision_url(self, request: HttpRequest, comment: Comment) -> str:
        return self.change_url(request, comment)

    def page_context(self, request: HttpRequest, comment: Comment) -> dict:
        """What the change page shows besides the fields: claim and the decision form."""
        claim = active_claim(comment)
        return {
            "claim": claim,
            "claim_is_mine": bool(claim and claim.moderator_id == request.user.pk),
            # The flagged categories come pre-ticked in the reason picker: a keyboard reject is `r`, Enter.
            "decision_form": DecisionForm(initial={"expected_status": comment.status, "reasons": comment.flag_list})
            if can_moderate(request.user)
            else None,
            "decide_url": self.decide_url(request, comment),
            **(commenter_history_context(commenter_history(comment=comment)) if can_moderate(request.user) else {}),
            **(commenter_panel_context(request, comment) if can_moderate(request.user) else {}),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self.missing_comment_response(request, unquote(object_id)) or super().change_view(
                request, object_id, form_url, extra_context
            )
        if self.has_view_permission(request, comment):
            if request.method == "GET" and can_moderate(request.user):
                self.opened(request, comment)
            extra_context = {**(extra_context or {}), **self.page_context(request, comment)}
        return super().change_view(request, object_id, form_url, extra_context)

    def opened(self, request: HttpRequest, comment: Comment) -> None:
        """A moderator opened the comment's page (hook: the queue claims it)."""

    def missing_comment_response(self, request: HttpRequest, object_id: str):
        """Response for a comment this page does not list (None: Django's default)."""
        return None

    def decide_view(self, request: HttpRequest, object_id: int):
        """POST from the Approve / Reject buttons: decide through the services, then move on."""
        if not can_moderate(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = get_object_or_404(Comment.objects.select_related("article").defer("article__body"), pk=object_id)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decision = form.save(comment, staff_user(request))
            except AlreadyDecided as exc:
                self.message_user(request, f"{exc} Your decision was not saved.", messages.ERROR)
                return HttpResponseRedirect(self.after_decision_url(request, comment))
            if decision is not None:
                release_claim(comment, staff_user(request))
                self.message_user(request, f"{decision}.", messages.SUCCESS)
                return HttpResponseRedirect(self.after_decision_url(request, comment))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Decide on comment {comment.pk}",
            "opts": self.opts,
            "original": comment,
            "body": highlighted_body(comment.body, comment.findings.get("findings", [])),
            "decision_form": form,
            "decide_url": self.decide_url(request, comment),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/moderation/decision_form.html", context)

    @admin.display(description="Flags")
    def flag_badges(self, comment: Comment):
        badges = ((code, GUIDELINE_LABELS.get(code, code)) for code in comment.flag_list)
        return format_html_join(" ", '<span class="flag flag-{}">{}</span>', badges) or "—"

    @admin.display(description="Comment (evidence highlighted)")
    def evidence(self, comment: Comment):
        body = highlighted_body(comment.body, comment.findings.get("findings", []))
        return format_html('<div class="comment-text">{}</div>', body)

    @admin.display(description="What the checks found")
    def findings_table(self, comment: Comment):
        rows = comment.findings.get("findings", [])
        if not rows:
            return "Nothing found."
        return format_html(
            "<table><tr><th>Category</th><th>Rule</th><th>Evidence</th><th>Score</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((f.get("category"), f.get("rule"), f.get("evidence"), f.get("score")) for f in rows),
            ),
        )


@admin.register(Comment)
class CommentAdmin(CommentPageAdmin):
    """Every comment in any status; fields read-only, decided with buttons or actions."""

    list_display = ["id", "status", "article", "author_name", "submitted_at", "flag_badges", "priority", "excerpt"]
    list_filter = ["status", FlaggedCategoryFilter, "submitted_at", ArticleFilter]
    list_select_related = ["article"]
    search_fields = ["body", "author_name", "author_email"]
    ordering = ["-submitted_at", "-id"]  # served by the comment_submitted_time index
    # No date_hierarchy: its year/month links take a DISTINCT over every comment.
    # No exact counts: a million comments are not counted on every page load.
    show_full_result_count = False
    paginator = CappedCountPaginator

    @admin.display(description="Comment")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(90)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, _list_context("All comments", extra_context))


@admin.register(ReviewQueueItem)
class ReviewQueueAdmin(CommentPageAdmin):
    """Pending comments, highest priority first, then oldest; only for moderators."""

    # Five columns, so the comment text gets the width at 1280 px: the flags and "being reviewed
    # by" sit above the text, the article under the author.
    list_display = ["id", "priority_score", "comment", "author_and_article", "submitted_at"]
    list_display_links = ["id"]
    list_filter = [FlaggedCategoryFilter, QueueArticleFilter, "submitted_at"]
    list_select_related = ["article", "claim__moderator"]
    search_fields = ["body", "author_name", "author_email"]
    ordering = QUEUE_ORDER
    sortable_by = ["priority_score", "submitted_at"]
    show_full_result_count = False
    list_per_page = 50
    paginator = CappedCountPaginator

    def get_queryset(self, request):
        return review_queue(super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        return False  # comments are never edited; decisions go through the buttons

    def get_list_display(self, request):
        """The comment column needs the viewer, to say "you" for their own claims."""
        now = timezone.now()

        @admin.display(description="Comment (flags, evidence highlighted)")
        def comment(comment):
            claim = active_claim(comment, now=now)
            note = ""
            if claim is not None:
                who = "you" if claim.moderator_id == request.user.pk else claim.moderator.get_username()
                note = format_html('<p><span class="claim">being reviewed by {}</span></p>', who)
            badges = self.flag_badges(comment) if comment.flags else ""
            return format_html(
                "{}{}{}", format_html('<p class="flags">{}</p>', badges) if badges else "", note, self.evidence(comment)
            )

        return [comment if name == "comment" else name for name in super().get_list_display(request)]

    @admin.display(description="Comment (flags, evidence highlighted)")
    def comment(self, comment: Comment):
        """The column without a viewer (Django's system checks read it); get_list_display replaces it."""
        badges = self.flag_badges(comment) if comment.flags else ""
        return format_html(
            "{}{}", format_html('<p class="flags">{}</p>', badges) if badges else "", self.evidence(comment)
        )

    @admin.display(description="Author and article")
    def author_and_article(self, comment: Comment):
        badge = getattr(comment, "commenter_badge", None)  # set for the whole page by BadgedChangeList
        shown = (
            format_html('<span class="commenter-badge commenter-{}">{}</span>', badge.kind, badge.label)
            if badge and badge.label
            else ""
        )
        return format_html(
            '<span class="author">{}</span>{}<span class="article">on {}</span>',
            comment.author_name,
            shown,
            Truncator(comment.article.title).chars(80),
        )

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, _list_context("Review queue", extra_context))

    change_list_template = "admin/moderation/review_queue_change_list.html"
    STATS_WINDOWS = (1, 7, 14, 30)

    def get_urls(self):
        stats = path("stats/", self.admin_site.admin_view(self.stats_view), name="moderation_stats")
        return [stats] + super().get_urls()

    def stats_view(self, request: HttpRequest):
        """The moderation figures as tables: queue size and age, decisions, agreement per category."""
        if not can_moderate(request.user):
            raise PermissionDenied
        days = int(request.GET["days"]) if request.GET.get("days", "") in map(str, self.STATS_WINDOWS) else 14
        stats, computed_at = cached_moderation_stats(days=days)
        queue = reverse("admin:moderation_reviewqueueitem_changelist")
        pending_rows = [
            {
                "label": GUIDELINE_LABELS.get(code, "Not flagged"),
                "count": count,
                "url": f"{queue}?flag={'__none__' if code == UNFLAGGED else code}",
            }
            for code, count in stats["pending_by_category"].items()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Moderation statistics",
            "opts": self.opts,
            "stats": stats,
            "computed_at": computed_at,
            "cache_seconds": CACHE_SECONDS,
            "days": days,
            "windows": self.STATS_WINDOWS,
            "pending_rows": pending_rows,
            "oldest_age": _duration(stats["oldest_pending_age_seconds"]),
            "median_wait": _duration(stats["median_seconds_to_decision"]),
            "agreement_rows": [
                {**row, "label": GUIDELINE_LABELS[row["category"]]} for row in stats["agreement_by_category"]
            ],
            "queue_url": queue,
        }
        return TemplateResponse(request, "admin/moderation/stats.html", context)

    def opened(self, request, comment):
        claim_comment(comment, staff_user(request))

    def missing_comment_response(self, request, object_id):
        """A comment decided meanwhile is shown where decided comments live."""
        decided = Comment.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if decided is None or not can_moderate(request.user):
            return None
        self.message_user(request, f"Comment {decided.pk} is no longer pending ({decided.status}).", messages.INFO)
        return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[decided.pk]))

    def page_context(self, request, comment):
        narrowed = self.filtered_queue(request)
        previous = self.in_filtered_queue(previous_in_queue, request, comment, narrowed)
        following = self.in_filtered_queue(next_in_queue, request, comment, narrowed)
        return {
            **super().page_context(request, comment),
            "queue_url": self.changelist_url(request),
            "previous_url": self.change_url(request, previous) if previous else None,
            "next_url": self.change_url(request, following) if following else None,
        }

    def after_decision_url(self, request, comment):
        following = self.in_filtered_queue(next_in_queue, request, comment, self.filtered_queue(request))
        if following is None:
            return self.changelist_url(request)
        return self.change_url(request, following)

    def filtered_queue(self, request: HttpRequest) -> QuerySet | None:
        """The queue narrowed by the filters and search the moderator came from (None: not narrowed).

        Reads admin's preserved `_changelist_filters` and lets the changelist's own
        machinery apply them, so every list filter and the search behave as on the queue page.
        """
        filters = request.GET.get("_changelist_filters")
        if not filters:
            return None
        listing = copy.copy(request)
        listing.GET = QueryDict(filters)
        setattr(listing, "queue_selection_only", True)  # noqa: B010 -- not an HttpRequest attribute; read by getattr()
        try:
            return self.get_changelist_instance(listing).queryset
        except IncorrectLookupParameters:
            return None  # a stale or hand-made filter: fall back to the whole queue

    def in_filtered_queue(self, find, request: HttpRequest, comment: Comment, narrowed: QuerySet | None):
        """`find` (next_in_queue, previous_in_queue) in the narrowed queue; in the whole queue when the
        filters carry a value the database refuses (a crafted `_changelist_filters`)."""
        if narrowed is not None:
            try:  # no savepoint: the known bad values were refused when `narrowed` was built
                with bad_values_as_incorrect_lookup(self.model, savepoint=False):
                    return find(comment, staff_user(request), queryset=narrowed)
            except IncorrectLookupParameters:
                pass
        return find(comment, staff_user(request), queryset=None)

    def get_changelist(self, request, **kwargs):
        if getattr(request, "queue_selection_only", False):
            return QueueSelection
        return BadgedChangeList

    @admin.display(description="Priority", ordering="priority")
    def priority_score(self, comment: Comment) -> str:
        return f"{comment.priority:.2f}"


if TYPE_CHECKING:  # what the mixin is combined with, for the type checker only
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class _ReadOnly(_AdminBase):
    """Append-only records: nobody adds, changes or deletes them through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(_ReadOnly, SafeChangeListMixin, admin.ModelAdmin):
    """The decision log: read-only, append-only; it names comments and authors, so moderators only."""

    list_display = ["decided_at", "comment", "decided_by", "verdict", "reasons_shown", "previous_status"]
    list_filter = ["verdict", "decided_at"]
    list_select_related = ["moderator", "comment__article"]  # a comment is named by its article's title
    search_fields = ["note", "moderator__username"]
    date_hierarchy = "decided_at"
    show_facets = admin.ShowFacets.NEVER  # no COUNT per filter choice over the whole log
    readonly_fields = ("comment", "decided_at", "decided_by", "verdict", "reasons_shown", "note", "previous_status")
    fields = readonly_fields

    class Media:
        css = {"all": ["moderation/review.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("moderator", "comment__article")
            .defer("comment__body", "comment__findings", "comment__user_agent", "comment__article__body")
        )

    @admin.display(description="Reasons")
    def reasons_shown(self, decision: ModerationDecision) -> str:
        return reason_labels(decision)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, _list_context("Decision log", extra_context))

    def has_module_permission(self, request):
        return can_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user)


@admin.register(GuidelineTerm)
class GuidelineTermAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Moderator-managed terms the checks flag (suspect) or reject on (banned)."""

    list_display = ["term", "category", "kind", "active", "updated_at"]
    list_filter = ["category", "kind", "active"]
    list_editable = ["kind", "active"]
    search_fields = ["term", "note"]


@admin.register(RecheckBatch)
class RecheckBatchAdmin(_ReadOnly, SafeChangeListMixin, admin.ModelAdmin):
    """Queued recheck batches (recheck_comments --enqueue): which finished and which did not; read-only.

    Comment ids only, no content: moderators see it, and staff granted its view permission.
    `recheck_comments --resume` hands the unfinished ones out again.
    """

    list_display = [
        "id",
        "status",
        "comment_status",
        "id_range",
        "size",
        "rechecked",
        "created_at",
        "queued_at",
        "dispatches",
        "attempts",
        "finished_at",
        "reason",
    ]
    list_filter = ["status", "comment_status", "created_at"]
    readonly_fields = (
        "status",
        "comment_status",
        "first_comment_id",
        "last_comment_id",
        "size",
        "rechecked",
        "reason",
        "terms_version",
        "model_version",
        "created_at",
        "queued_at",
        "dispatches",
        "attempts",
        "started_at",
        "finished_at",
    )
    fields = readonly_fields
    show_full_result_count = False

    def has_module_permission(self, request):
        return can_moderate(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user) or super().has_view_permission(request, obj)

    @admin.display(description="Comment ids")
    def id_range(self, batch: RecheckBatch) -> str:
        return f"{batch.first_comment_id}–{batch.last_comment_id}"


# --- The learned checks: stored model versions and the activation log --------------------------------


class _ModeratorsMayView(_ReadOnly):
    """Read-only for moderators; activating needs moderation.manage_check_models (moderation.services)."""

    def has_module_permission(self, request):
        return self._may_view(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._may_view(request) or super().has_view_permission(request, obj)

    def _may_view(self, request) -> bool:
        return can_moderate(request.user) or can_manage_check_models(request.user)


@admin.register(CheckModelVersion)
class CheckModelVersionAdmin(_ModeratorsMayView, SafeChangeListMixin, admin.ModelAdmin):
    """Stored model versions, the active one marked; "Activate this version" (also the rollback) calls the service."""

    list_display = [
        "version",
        "active_marker",
        "origin",
        "created_at",
        "created_by_name",
        "decisions_used",
        "parent_version",
    ]
    list_filter = ["origin"]
    search_fields = ["version", "note"]
    readonly_fields = (
        "version",
        "active_marker",
        "origin",
        "parent_version",
        "decisions_used",
        "created_at",
        "created_by_name",
        "note",
        "metrics",
        "meta",
        "activation_history",
    )
    fields = readonly_fields
    actions = ["activate_selected"]
    change_list_template = "admin/moderation/checkmodelversion/change_list.html"
    change_form_template = "admin/moderation/checkmodelversion/change_form.html"

    def get_queryset(self, request):
        latest = CheckModelActivation.objects.order_by("-id").values("version_id")[:1]
        is_active = Case(When(pk=Subquery(latest), then=Value(True)), default=Value(False), output_field=BooleanField())
        return super().get_queryset(request).defer("data").select_related("created_by").annotate(is_active=is_active)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/activate/",
                self.admin_site.admin_view(self.activate_view),
                name="%s_%s_activate" % info,
            ),
            path(
                "activate-shipped/",
                self.admin_site.admin_view(self.activate_shipped_view),
                name="%s_%s_activate_shipped" % info,
            ),
        ] + super().get_urls()

    def has_manage_check_models_permission(self, request) -> bool:
        return can_manage_check_models(request.user)

    @admin.display(description="Active", boolean=True)
    def active_marker(self, version: CheckModelVersion) -> bool:
        return bool(getattr(version, "is_active", False))

    @admin.display(description="Created by")
    def created_by_name(self, version: CheckModelVersion) -> str:
        return version.created_by_name

    @admin.display(description="Activations")
    def activation_history(self, version: CheckModelVersion):
        rows = version.activations.select_related("activated_by").order_by("-id")[:20]
        return (
            format_html_join(
                "",
                "<div>{} by {}{}</div>",
                (
                    (
                        timezone.localtime(a.activated_at).strftime("%Y-%m-%d %H:%M"),
                        a.activated_by_name,
                        f" — {a.note}" if a.note else "",
                    )
                    for a in rows
                ),
            )
            or "never activated"
        )

    @admin.action(description="Activate the selected version (exactly one)", permissions=["manage_check_models"])
    def activate_selected(self, request, queryset):
        chosen = list(queryset.values_list("version", flat=True)[:2])
        if len(chosen) != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.WARNING)
            return None
        self._activate(request, chosen[0])
        return None

    def activate_view(self, request: HttpRequest, object_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(CheckModelVersion.objects.defer("data"), pk=object_id)
        self._activate(request, version.version)
        return HttpResponseRedirect(reverse("admin:moderation_checkmodelversion_changelist"))

    def activate_shipped_view(self, request: HttpRequest):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        shipped = shipped_or_none()
        if shipped is None:
            self.message_user(request, "The shipped model could not be loaded.", messages.ERROR)
        else:
            self._activate(request, shipped.version)
        return HttpResponseRedirect(reverse("admin:moderation_checkmodelversion_changelist"))

    def _activate(self, request: HttpRequest, version: str) -> None:
        """PermissionDenied (403) without moderation.manage_check_models, from the service."""
        try:
            check_model_activate(version=version, actor=staff_user(request), note=request.POST.get("note", ""))
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        self.message_user(
            request, f"Activated {version}: every process uses it from its next comment.", messages.SUCCESS
        )

    def _active_context(self, request: HttpRequest) -> dict:
        latest = latest_check_model_activation()
        shipped = shipped_or_none()
        return {
            "active_activation": latest,
            "shipped_version": shipped.version if shipped else "",
            "active_version": latest.version.version if latest else (shipped.version if shipped else ""),
            "can_manage": can_manage_check_models(request.user),
            "model_enabled": settings.CHECKS_MODEL_ENABLED,
        }

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**self._active_context(request), **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {**self._active_context(request), **(extra_context or {})}
        if object_id.isdigit():
            context["activate_url"] = reverse("admin:moderation_checkmodelversion_activate", args=[object_id])
        return super().change_view(request, object_id, form_url, context)


@admin.register(CheckModelActivation)
class CheckModelActivationAdmin(_ModeratorsMayView, SafeChangeListMixin, admin.ModelAdmin):
    """The activation log: which version was made active, by whom and when (append-only)."""

    list_display = ["activated_at", "version", "activated_by_name", "note"]
    list_select_related = ["version", "activated_by"]
    readonly_fields = ("activated_at", "version", "activated_by_name", "note")
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("version__data")

    @admin.display(description="Activated by")
    def activated_by_name(self, activation: CheckModelActivation) -> str:
        return activation.activated_by_name
