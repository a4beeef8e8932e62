"""Reader pages: the article list, the article page with its comments and form, and a comment's status page."""

from math import ceil
from typing import Any

from django.contrib import messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from articles.selectors import published_articles
from comments.forms import CommentForm
from comments.http import client_ip, user_agent
from comments.models import Comment
from comments.receipts import comment_receipt, receipt_matches
from comments.selectors import approved_comment_counts, approved_comments_for, status_for_reader
from comments.services import CommenterBanned, CommentsClosed, comment_submit
from comments.throttles import submission_give_back, submission_take, submission_wait
from config.metrics import SUBMISSIONS
from moderation.guidelines import Guideline, guideline_list

TEXT_SIZES = range(0, 5)
DEFAULT_TEXT_SIZE = 2
COMMENTS_PER_PAGE = 50
# The confirmation after a post is shown at the form under this id; the page is redirected to it.
POSTED_ANCHOR = "posted"
RECEIPT_PARAMETER = "receipt"  # redacted from every log line (config/logfilters.py)


def article_list(request: HttpRequest) -> HttpResponse:
    articles = (
        published_articles()
        .annotate(approved_count=approved_comment_counts(OuterRef("pk")))
        .order_by("-published_at", "-id")
    )
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "comments/article_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # With the approved count the decisions keep (one subquery on the same row): the comment pages
    # are counted from it instead of a COUNT over the article's comments on every view.
    article = get_object_or_404(
        published_articles().annotate(approved_count=approved_comment_counts(OuterRef("pk"))), slug=slug
    )
    status = 200
    retry_after = None
    refused = "closed"  # what a 403 means (the metrics label; config/metrics.py)
    if request.method == "POST":
        form = CommentForm(request.POST)
        if not article.accepts_comments():
            form = CommentForm()  # the page says comments are closed; nothing is validated
            status = 403
        elif (retry_after := submission_wait(request)) is not None:
            # The same per-IP and per-email limits as the API (a look only: nothing is counted).
            form.add_error(None, _too_quickly(retry_after))
            status = 429
        elif form.is_valid():
            # Only a valid submission counts toward the limits, atomically; it is given back if
            # the comment is not stored after all, so a reader's typos never use up the limit.
            counted, retry_after = submission_take(request)
            if retry_after is not None:
                form.add_error(None, _too_quickly(retry_after))
                status = 429
            else:
                try:
                    comment = comment_submit(
                        article=article,
                        ip_address=client_ip(request),
                        user_agent=user_agent(request),
                        user=request.user,
                        **form.cleaned_data,
                    )
                except BaseException as exc:
                    submission_give_back(counted)
                    if isinstance(exc, (CommentsClosed, CommenterBanned)):
                        form.add_error(None, str(exc))
                        status = 403
                        refused = "banned" if isinstance(exc, CommenterBanned) else "closed"
                    elif isinstance(exc, ValidationError):
                        for field, errors in exc.message_dict.items():
                            form.add_error(field if field in form.fields else None, errors)
                    else:
                        raise
                else:
                    messages.success(
                        request,
                        format_html(
                            "Thank you: your comment was received. It will appear here once a moderator "
                            'has approved it. <a href="{}">Check your comment\'s status</a> at any time '
                            "(keep the link: it is the only way back to it).",
                            comment_status_url(comment),
                        ),
                        extra_tags="comment-posted",
                    )
                    SUBMISSIONS.labels("accepted", "form").inc()
                    # Back to the form, where the confirmation is shown (and focused, static/js/article.js).
                    return redirect(f"{article.get_absolute_url()}#{POSTED_ANCHOR}")
        if status == 200 and form.errors:
            status = 400
        SUBMISSIONS.labels({403: refused, 429: "rate_limited"}.get(status, "invalid"), "form").inc()
    else:
        form = CommentForm()
    # django-stubs types the annotated row but not its attribute.
    approved = int(article.approved_count)  # type: ignore[attr-defined]
    comments_page = KeptCountPaginator(approved_comments_for(article), COMMENTS_PER_PAGE, count=approved).get_page(
        request.GET.get("page")
    )
    context = {
        "article": article,
        "form": form,
        "comments_page": comments_page,
        "guidelines": guideline_list(),
        "accepts_comments": article.accepts_comments(),
        **_text_size(request),
    }
    response = render(request, "comments/article_detail.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(ceil(retry_after))
    return response


class KeptCountPaginator(Paginator):
    """A Paginator told how many items there are (the kept approved count), so it never runs a COUNT."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._kept_count = count

    @cached_property
    def count(self) -> int:
        return self._kept_count


def _too_quickly(retry_after: float) -> str:
    return f"You are posting too quickly. Please try again in {ceil(retry_after)} seconds."


def _text_size(request: HttpRequest) -> dict[str, int]:
    """Without JavaScript the A+/A- control works as plain links (`?text=`); with it, in place
    and remembered (static/js/article.js)."""
    try:
        size = int(request.GET.get("text", DEFAULT_TEXT_SIZE))
    except ValueError:
        size = DEFAULT_TEXT_SIZE
    size = min(max(size, TEXT_SIZES[0]), TEXT_SIZES[-1])
    return {
        "text_size": size,
        "text_larger": min(size + 1, TEXT_SIZES[-1]),
        "text_smaller": max(size - 1, TEXT_SIZES[0]),
        "text_size_min": TEXT_SIZES[0],
        "text_size_max": TEXT_SIZES[-1],
    }


# --- A comment's status, for the reader who posted it -----------------------------------------


def comment_status_url(comment: Comment) -> str:
    """The status page of a comment, with its receipt (the same secret the API gives).

    The receipt is a query parameter named `receipt`, which this app redacts from every log
    line (gunicorn's access log and Django's, config/logfilters.py), where a path segment
    would be logged as is.
    """
    receipt = comment_receipt(comment_id=comment.pk, submitted_at=comment.submitted_at)
    path = reverse("comments:comment-status", kwargs={"pk": comment.pk})
    return f"{path}?{urlencode({RECEIPT_PARAMETER: receipt})}"


@require_safe
def comment_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Pending, approved or rejected (with the guidelines it broke), for the holder of the receipt.

    A wrong, missing or repeated receipt is the same 404 as an unknown id. The page never
    shows an email or IP address.
    """
    receipts = request.GET.getlist(RECEIPT_PARAMETER)
    comment = (
        Comment.objects.select_related("article")
        .filter(pk=pk)
        .only("id", "status", "submitted_at", "author_name", "body", "article__title", "article__slug")
        .first()
    )
    if (
        comment is None
        or len(receipts) != 1
        or not receipt_matches(comment_id=comment.pk, submitted_at=comment.submitted_at, receipt=receipts[0])
    ):
        raise Http404("No comment with this id and receipt.")
    broken = []
    shown_status, codes = status_for_reader(comment)
    if shown_status == Comment.Status.REJECTED:
        by_code = {guideline["code"]: guideline for guideline in guideline_list()}
        broken = [
            by_code.get(code, {"code": code, "label": code, "text": ""}) for code in codes if code != Guideline.OTHER
        ]
        if Guideline.OTHER in codes:
            broken.append(
                {
                    "code": Guideline.OTHER,
                    "label": "Other",
                    "text": "It breaks our guidelines in a way not listed above.",
                }
            )
    context = {"comment": comment, "shown_status": shown_status, "broken": broken}
    response = render(request, "comments/comment_status.html", context)
    # The address holds the receipt: no other site learns it from a Referer, and no one indexes it.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store, private"
    return response


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, for clients that ask for it without reading the page's <link rel="icon">."""
    response = HttpResponseRedirect(staticfiles_storage.url("favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
