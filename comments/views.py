"""Reader pages: the article list and the article page with its comments and form."""
from math import ceil

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from articles.selectors import published_articles
from comments.forms import CommentForm
from comments.http import client_ip, user_agent
from comments.models import Comment
from comments.selectors import approved_comments_for
from comments.services import CommentsClosed, comment_submit
from comments.throttles import submission_wait
from moderation.guidelines import guideline_list

TEXT_SIZES = range(0, 5)
DEFAULT_TEXT_SIZE = 2
COMMENTS_PER_PAGE = 50


def article_list(request: HttpRequest) -> HttpResponse:
    articles = (
        published_articles()
        .annotate(approved_count=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED)))
        .order_by("-published_at", "-id")
    )
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "comments/article_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(published_articles(), slug=slug)
    status = 200
    retry_after = None
    if request.method == "POST":
        form = CommentForm(request.POST)
        if not article.accepts_comments():
            form = CommentForm()  # the page says comments are closed; nothing is validated
            status = 403
        elif (retry_after := submission_wait(request)) is not None:
            # The same per-IP and per-email limits as the API.
            form.add_error(None, f"You are posting too quickly. Please try again in {ceil(retry_after)} seconds.")
            status = 429
        elif form.is_valid():
            try:
                comment_submit(
                    article=article,
                    ip_address=client_ip(request),
                    user_agent=user_agent(request),
                    user=request.user,
                    **form.cleaned_data,
                )
            except CommentsClosed as exc:
                form.add_error(None, str(exc))
                status = 403
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    "Thank you: your comment was received. It will appear here once a "
                    "moderator has approved it.",
                )
                return redirect(f"{article.get_absolute_url()}#comments")
        if status == 200 and form.errors:
            status = 400
    else:
        form = CommentForm()
    comments_page = Paginator(approved_comments_for(article), COMMENTS_PER_PAGE).get_page(
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


def _text_size(request: HttpRequest) -> dict[str, int]:
    """The A+/A- control works as plain links, so it needs no JavaScript."""
    try:
        size = int(request.GET.get("text", DEFAULT_TEXT_SIZE))
    except ValueError:
        size = DEFAULT_TEXT_SIZE
    size = min(max(size, TEXT_SIZES[0]), TEXT_SIZES[-1])
    return {
        "text_size": size,
        "text_larger": min(size + 1, TEXT_SIZES[-1]),
        "text_smaller": max(size - 1, TEXT_SIZES[0]),
    }
