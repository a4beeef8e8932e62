"""Public comment API: approved comments of an article, submission, and a submitter's status check.

Also the article list and detail with approved-comment counts: the article API
lives in `articles` (which never imports comments), and this app adds the counts.
"""

from functools import lru_cache

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, router
from django.db.models import OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import (
    NotFound,
    ParseError,
    PermissionDenied,
    Throttled,
    UnsupportedMediaType,
    ValidationError,
)
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import apis as article_apis
from articles.models import Article
from articles.selectors import published_articles
from comments.cache import CachedPublicListMixin
from comments.http import client_ip, user_agent
from comments.models import Comment
from comments.receipts import comment_receipt, receipt_matches
from comments.selectors import approved_comment_counts as approved_count_of
from comments.selectors import approved_comments_for, status_for_reader
from comments.serializers import (
    ArticleWithCountDetailSerializer,
    ArticleWithCountListSerializer,
    CommentReceiptSerializer,
    CommentStatusSerializer,
    CommentSubmitSerializer,
    PublicCommentSerializer,
)
from comments.services import CommenterBanned, CommentsClosed, comment_submit
from comments.throttles import submission_give_back, submission_prechecks, submission_take
from config.api import BODY_ERRORS, ApiError, error_responses
from config.filters import page_size_parameter_schema, page_size_value, query_value_errors, single_query_value
from config.metrics import SUBMISSIONS
from config.sql import column

RECEIPT_HEADER = "X-Comment-Receipt"
ORDERS = {"newest": True, "oldest": False}  # order name -> newest first?


def refusal_reason(exc: BaseException) -> str:
    """The metrics label of a refused submission (config/metrics.py)."""
    if isinstance(exc, Throttled):
        return "rate_limited"
    if isinstance(exc, CommenterBannedError):
        return "banned"
    if isinstance(exc, CommentsClosedError):
        return "closed"
    if isinstance(exc, (ValidationError, ParseError, UnsupportedMediaType)):
        return "invalid"
    if isinstance(exc, Http404 | NotFound):
        return "not_found"
    return "error"


class CommenterBannedError(PermissionDenied):
    """403: a ban covers the commenter and COMMUNITY_BANNED_REFUSE is on."""

    default_detail = "You cannot comment here."
    default_code = "commenter_banned"


class CommentsClosedError(PermissionDenied):
    """403: the article does not accept comments."""

    default_detail = "Comments are closed for this article."
    default_code = "comments_closed"


def _with_approved_counts(queryset: QuerySet) -> QuerySet:
    """Each article's approved count, as kept by the decisions (comments.PublicCommentsVersion):
    a primary-key read per listed article, whatever the number of comments."""
    return queryset.annotate(approved_comment_count=approved_count_of(OuterRef("pk")))


@extend_schema(
    tags=["articles"],
    responses={200: ArticleWithCountListSerializer, **error_responses(400, 404)},
)
class ArticleListApi(article_apis.ArticleListApi):
    """Published articles, newest first, each with its approved-comment count."""

    serializer_class = ArticleWithCountListSerializer

    def get_queryset(self):
        return _with_approved_counts(super().get_queryset())


@extend_schema(tags=["articles"], responses={200: ArticleWithCountDetailSerializer, **error_responses(404)})
class ArticleDetailApi(article_apis.ArticleDetailApi):
    """One published article by slug, with its approved-comment count."""

    serializer_class = ArticleWithCountDetailSerializer

    def get_queryset(self):
        return _with_approved_counts(super().get_queryset())


class ApprovedCommentsPagination(CursorPagination):
    """Cursor pages of approved comments (`?cursor=` from `next`/`previous`), plus the total `count`."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-submitted_at", "-id")
    invalid_cursor_message = "Invalid cursor: use the `next` or `previous` link of a page as given."

    def get_ordering(self, request, queryset, view):
        return ("-submitted_at", "-id") if view.newest_first() else ("submitted_at", "id")

    def get_page_size(self, request: Request) -> int | None:
        return page_size_value(
            request.query_params, self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        return page_size_parameter_schema(parameters, self.page_size_query_param, maximum=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.count = queryset.order_by().count()
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        if query_value_errors(request.query_params, [self.cursor_query_param]):
            raise self._invalid_cursor()
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor = None
        else:
            # The position is the query string's text (the stubs say int): str() only tells the type checker.
            if cursor is None or cursor.position is None or _aware_datetime(str(cursor.position)):
                return cursor
        raise self._invalid_cursor()

    def _invalid_cursor(self) -> ApiError:
        return ApiError(
            status_code=status.HTTP_400_BAD_REQUEST,
            detail=self.invalid_cursor_message,
            code="invalid_cursor",
            errors={self.cursor_query_param: [self.invalid_cursor_message]},
        )

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {"count": self.count, **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {
            "count": {"type": "integer", "description": "Approved comments of the article in all."},
            **paginated["properties"],
        }
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated


def _aware_datetime(value: str) -> bool:
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return False
    return parsed is not None and parsed.tzinfo is not None


@extend_schema_view(
    get=extend_schema(
        summary="Approved comments of an article",
        description="Only approved comments, never an email or IP address. Cursor pages: follow `next` / "
        "`previous`; `count` is the article's number of approved comments.",
        parameters=[
            OpenApiParameter("order", str, enum=list(ORDERS), description="newest (default) or oldest first"),
        ],
        responses={200: PublicCommentSerializer(many=True), **error_responses(400, 404)},
    ),
    post=extend_schema(
        summary="Submit a comment",
        description=(
            "Stores the comment as pending (nothing is shown before a moderator approves it) and "
            "answers 202 with its id and a secret `receipt` for the status endpoint. Limited per "
            "client IP and per email address (429 with Retry-After). Besides the shape the schema "
            "gives, the content is checked as on the article page (400 with the page's messages): "
            "no blank fields or control characters, a valid email address, and a name without bidi "
            "controls or invisible characters that does not imitate the newsroom's staff."
        ),
        request=CommentSubmitSerializer,
        responses={
            202: CommentReceiptSerializer,
            **error_responses(*BODY_ERRORS, 401, 404, 429),
            403: OpenApiResponse(
                error_responses(403)[403].response,
                description="Comments are closed for this article (`code`: `comments_closed`), or the "
                "CSRF check failed for a session-authenticated call.",
            ),
        },
    ),
)
class ArticleCommentsApi(CachedPublicListMixin, generics.ListCreateAPIView):
    """GET: the article's approved comments (cursor pages). POST: submit a comment (202, pending)."""

    serializer_class = PublicCommentSerializer
    pagination_class = ApprovedCommentsPagination
    filter_backends: list = []

    def get_throttles(self):
        # A submission is only looked at here (a client at a limit is refused before anything is
        # read); create() counts it once it is valid, so invalid posts never use up the limit.
        if self.request.method == "POST":
            return submission_prechecks()
        return []

    def get_article(self):
        return get_object_or_404(published_articles(), slug=self.kwargs["slug"])

    def newest_first(self) -> bool:
        order = single_query_value(self.request.query_params, "order") or "newest"
        if order not in ORDERS:
            raise ValidationError({"order": [f"Use one of: {', '.join(ORDERS)}."]})
        return ORDERS[order]

    def get_queryset(self):
        return approved_comments_for(self.get_article(), newest_first=self.newest_first())

    def get_serializer_class(self):
        return CommentSubmitSerializer if self.request.method == "POST" else PublicCommentSerializer

    def create(self, request: Request, *args, **kwargs) -> Response:
        try:
            response = self._create(request)
        except BaseException as exc:
            SUBMISSIONS.labels(refusal_reason(exc), "api").inc()
            raise
        SUBMISSIONS.labels("accepted", "api").inc()
        return response

    def _create(self, request: Request) -> Response:
        # Read from the database on every post (one lean statement), never from a cached
        # copy: closing or unpublishing the article takes effect on the next post even if
        # the cache missed the change.
        article = _published_article(self.kwargs["slug"])
        if not article.accepts_comments():
            raise CommentsClosedError()
        serializer = CommentSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        counted, wait = submission_take(request)  # atomic: of a burst, exactly the limit is let through
        if wait is not None:
            self.throttled(request, wait)
        try:
            comment = comment_submit(
                article=article,
                ip_address=client_ip(request),
                user_agent=user_agent(request),
                user=request.user,
                **serializer.validated_data,
            )
        except BaseException as exc:
            submission_give_back(counted)  # not stored: it does not count
            if isinstance(exc, CommentsClosed):
                raise CommentsClosedError(str(exc)) from exc
            if isinstance(exc, CommenterBanned):
                raise CommenterBannedError() from exc
            if isinstance(exc, DjangoValidationError):
                raise ValidationError(exc.message_dict) from exc
            raise
        receipt = comment_receipt(comment_id=comment.pk, submitted_at=comment.submitted_at)
        # CommentReceiptSerializer's shape (it documents it), built directly: three plain
        # values did not need the serializer's per-request field set-up (~0.07 ms).
        # The status as its author may see it: a banned commenter's comment, rejected at once by the
        # system, answers "pending" like anyone's (no oracle for ban evasion).
        body = {"id": comment.pk, "status": status_for_reader(comment)[0], "receipt": receipt}
        return Response(body, status=status.HTTP_202_ACCEPTED)


def _published_article(slug: str) -> Article:
    """The published article behind `slug` for a submission, in one lean statement; Http404 when none.

    Every submission reads it (never a cached copy, which a lost invalidation could leave open).
    Built through the queryset API it cost about three times as much (0.38
    against 0.14 ms on SQLite, mostly query compilation), so the statement is
    written once from the model's names and run through `raw()`, which still
    converts the values as the ORM does.
    """
    alias = router.db_for_read(Article)
    now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
    found = list(Article.objects.db_manager(alias).raw(_published_article_sql(alias), [slug, now]))
    if not found:
        raise Http404("No Article matches the given query.")  # as get_object_or_404 (GET) words it
    return found[0]


@lru_cache(maxsize=None)
def _published_article_sql(alias: str) -> str:
    quote, meta = connections[alias].ops.quote_name, Article._meta
    columns = ", ".join(quote(f.column) for f in meta.concrete_fields)
    slug, published_at = (quote(column(Article, name)) for name in ("slug", "published_at"))
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {slug} = %s AND {published_at} <= %s"


@extend_schema(
    summary="Status of your own comment",
    description=(
        "Give the receipt from the submission in the `X-Comment-Receipt` header. A wrong or missing "
        "receipt answers 404 exactly like an unknown id. `?receipt=` still works for older clients "
        "but is deprecated: URLs end up in logs (this server's access log redacts it, proxies may not)."
    ),
    parameters=[
        OpenApiParameter(RECEIPT_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
        OpenApiParameter(
            "receipt",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            required=False,
            deprecated=True,
            description="Deprecated: send the `X-Comment-Receipt` header instead.",
        ),
    ],
    responses={200: CommentStatusSerializer, **error_responses(400, 404)},
)
class CommentStatusApi(APIView):
    """Where a submitted comment stands, for the holder of its receipt only."""

    authentication_classes: list = []
    not_found_message = "No comment with this id and receipt."

    def get(self, request: Request, pk: int) -> Response:
        # The header; `?receipt=` only for older clients (config.logfilters keeps it out of the logs).
        query_receipt = single_query_value(request.query_params, "receipt")  # blank or repeated: 400
        receipt = request.headers.get(RECEIPT_HEADER) or query_receipt or ""
        comment = Comment.objects.filter(pk=pk).only("id", "status", "submitted_at").first()
        if comment is None or not receipt_matches(
            comment_id=comment.pk, submitted_at=comment.submitted_at, receipt=receipt
        ):
            raise NotFound(self.not_found_message)
        shown_status, reasons = status_for_reader(comment)
        data = CommentStatusSerializer({"id": comment.pk, "status": shown_status, "reasons": reasons}).data
        return Response(data)
