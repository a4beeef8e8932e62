"""Public community pages: a reader reports an approved comment (a plain form: works without JavaScript).

Thin: the comment is looked up among the approved comments of published articles (anything else is
the same 404 as an unknown id), the report is stored by `community.reports.report_submit()`, and the
per-address limit is `community.throttles`. The pages never say anything about other readers' reports.
"""

from __future__ import annotations

from math import ceil

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from comments.models import Comment
from community.forms import ReportForm, report_reasons
from community.reports import AlreadyReported, CommentNotReportable, report_submit, reportable_comment
from community.throttles import report_give_back, report_take, report_wait, request_reporter_key

ALREADY_REPORTED = "You have already reported this comment. Thank you: a moderator will look at it."


def _reportable_or_404(pk: int) -> Comment:
    comment = reportable_comment(pk)
    if comment is None:
        raise Http404("No comment to report with this id.")
    return comment


@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _reportable_or_404(pk)
    status = 200
    retry_after = None
    if request.method == "POST":
        form = ReportForm(request.POST)
        if (retry_after := report_wait(request)) is not None:
            form.add_error(None, _too_many(retry_after))  # a look only: nothing is counted
            status = 429
        elif form.is_valid():
            counted, retry_after = report_take(request)  # only stored reports count, atomically
            if retry_after is not None:
                form.add_error(None, _too_many(retry_after))
                status = 429
            else:
                try:
                    report_submit(comment=comment, reporter_key=request_reporter_key(request), **form.cleaned_data)
                except BaseException as exc:
                    report_give_back(counted)
                    if isinstance(exc, AlreadyReported):
                        form.add_error(None, ALREADY_REPORTED)
                        status = 409
                    elif isinstance(exc, CommentNotReportable):
                        raise Http404("No comment to report with this id.") from exc
                    elif isinstance(exc, ValidationError):
                        for field, errors in exc.message_dict.items():
                            form.add_error(field if field in form.fields else None, errors)
                    else:
                        raise
                else:
                    return redirect("community:comment-report-thanks", pk=comment.pk)
        if status == 200 and form.errors:
            status = 400
    else:
        form = ReportForm()
    context = {"comment": comment, "form": form, "reasons": report_reasons(), **_back_links(comment)}
    response = render(request, "community/report_form.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(ceil(retry_after))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def comment_report_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    """After a report: thanks, and the way back to the comment. The same page for every reader."""
    comment = _reportable_or_404(pk)
    response = render(request, "community/report_thanks.html", {"comment": comment, **_back_links(comment)})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _back_links(comment: Comment) -> dict[str, str]:
    return {
        "comment_url": f"{comment.article.get_absolute_url()}#comment-{comment.pk}",
        "report_url": reverse("community:comment-report", kwargs={"pk": comment.pk}),
    }


def _too_many(retry_after: float) -> str:
    return f"You have sent many reports in a short time. Please try again in {ceil(retry_after)} seconds."
