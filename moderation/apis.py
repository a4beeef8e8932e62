"""Moderator API (token or session auth, `comments.moderate_comment` required), plus the public guidelines.

Thin: reads through querysets and filters, every decision through
moderation.services, exactly as the admin does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from comments.http import client_ip
from comments.models import Comment
from config.api import BODY_ERRORS, ApiError, PageNumberPagination, error_responses
from config.filters import single_query_value
from config.lockout import LockedOut, is_locked_out, reset_after_success
from config.ratelimit import AtomicRateThrottle
from config.staff import staff_user
from moderation.claims import release_claim
from moderation.filters import CommentQueueFilter, DecisionLogFilter
from moderation.guidelines import guideline_list
from moderation.models import ModerationDecision
from moderation.serializers import (
    AlreadyDecidedErrorSerializer,
    ApproveSerializer,
    BulkDecisionSerializer,
    BulkResultSerializer,
    DecisionResultSerializer,
    DecisionSerializer,
    GuidelineSerializer,
    ModerationCommentDetailSerializer,
    ModerationCommentSerializer,
    ModerationStatsSerializer,
    RejectSerializer,
    StatsQuerySerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from moderation.services import AlreadyDecided, can_moderate, comment_approve, comment_reject
from moderation.stats import moderation_stats

if TYPE_CHECKING:  # what the mixin is combined with, for the type checker only
    from rest_framework.permissions import _PermissionClass

    _ApiViewBase = APIView
else:
    _ApiViewBase = object

AUTH_ERRORS = (401, 403)
CONFLICT = OpenApiResponse(
    AlreadyDecidedErrorSerializer,
    description="Already decided (`code`: `already_decided`): the comment is no longer in `expected_status`; "
    "`decided_by` and `status` say who decided first and how. Nothing was written.",
)


class IsModerator(BasePermission):
    """Active users with the `comments.moderate_comment` permission (the Moderators group)."""

    message = "You do not have permission to moderate comments."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_moderate(request.user)


class ModeratorApi(_ApiViewBase):
    """Token first, so an anonymous request is told 401 with `WWW-Authenticate: Token`."""

    authentication_classes: Sequence[type[BaseAuthentication]] = [TokenAuthentication, SessionAuthentication]
    permission_classes: Sequence[_PermissionClass] = [IsModerator]
    pagination_class: type[BasePagination] | None = PageNumberPagination

    def finalize_response(self, request, response, *args, **kwargs):
        # Emails, IP addresses and unpublished comments: no shared or browser cache keeps them.
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        return response


def _comment_or_404(pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("article"), pk=pk)


def _validation_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


def _already_decided(exc: AlreadyDecided) -> ApiError:
    return ApiError(
        status_code=status.HTTP_409_CONFLICT,
        detail=f"{exc} Your decision was not saved.",
        code="already_decided",
        decided_by=exc.decided_by,
        status=exc.current_status,
    )


# --- Comments -----------------------------------------------------------------------------------


@extend_schema(
    tags=["moderation"],
    summary="Comment queue",
    description="Pending comments in review-queue order (highest check priority, then oldest) unless "
    "filtered or ordered otherwise. Includes authors' emails and IP addresses.",
    responses={200: ModerationCommentSerializer(many=True), **error_responses(400, *AUTH_ERRORS, 404)},
)
class ModerationCommentListApi(ModeratorApi, generics.ListAPIView):
    """The comment queue with filters."""

    serializer_class = ModerationCommentSerializer
    filterset_class = CommentQueueFilter
    queryset = Comment.objects.select_related("article").defer("findings", "fingerprint", "article__body")


@extend_schema(
    tags=["moderation"],
    summary="One comment with findings and decision history",
    responses={200: ModerationCommentDetailSerializer, **error_responses(*AUTH_ERRORS, 404)},
)
class ModerationCommentDetailApi(ModeratorApi, generics.RetrieveAPIView):
    """A comment with everything a moderator needs to decide."""

    serializer_class = ModerationCommentDetailSerializer
    queryset = (
        Comment.objects.select_related("article")
        .defer("article__body")
        .prefetch_related(Prefetch("decisions", queryset=ModerationDecision.objects.select_related("moderator")))
    )


class _DecideApi(ModeratorApi, APIView):
    input_serializer: type = ApproveSerializer

    def decide(self, comment: Comment, moderator, data: dict):
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        comment = _comment_or_404(pk)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moderator = staff_user(request)
        try:
            decision = self.decide(comment, moderator, serializer.validated_data)
        except AlreadyDecided as exc:
            raise _already_decided(exc) from exc
        except DjangoValidationError as exc:
            raise _validation_error(exc) from exc
        release_claim(comment, moderator)
        body = DecisionResultSerializer({"id": comment.pk, "status": comment.status, "decision": decision})
        return Response(body.data)


DECISION_RESPONSES = {
    200: DecisionResultSerializer,
    **error_responses(*BODY_ERRORS, *AUTH_ERRORS, 404),
    409: CONFLICT,
}


@extend_schema(
    tags=["moderation"], summary="Approve a comment", request=ApproveSerializer, responses=DECISION_RESPONSES
)
class CommentApproveApi(_DecideApi):
    """Approve one comment as written."""

    input_serializer = ApproveSerializer

    def decide(self, comment, moderator, data):
        return comment_approve(comment=comment, moderator=moderator, **data)


@extend_schema(
    tags=["moderation"],
    summary="Reject a comment",
    description="`reasons` are guideline codes (see /api/guidelines/); `other` needs a `note`.",
    request=RejectSerializer,
    responses=DECISION_RESPONSES,
)
class CommentRejectApi(_DecideApi):
    """Reject one comment for one or more guidelines."""

    input_serializer = RejectSerializer

    def decide(self, comment, moderator, data):
        return comment_reject(comment=comment, moderator=moderator, **data)


@extend_schema(
    tags=["moderation"],
    summary="Approve or reject several pending comments",
    description="Each id is decided on its own through the same services as a single decision, and only "
    "if it is still pending; the answer says per id: `decided`, `already_decided` or `not_found`. "
    "`reasons` are required to reject and not allowed to approve; `other` needs a `note` (else 400).",
    request=BulkDecisionSerializer,
    responses={200: BulkResultSerializer, **error_responses(*BODY_ERRORS, *AUTH_ERRORS)},
)
class BulkDecisionApi(ModeratorApi, APIView):
    """Bulk approve / reject."""

    def post(self, request: Request) -> Response:
        serializer = BulkDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decide = self._decider(request, data)
        ids = list(dict.fromkeys(data["ids"]))
        comments = Comment.objects.in_bulk(ids)
        results = []
        for pk in ids:
            comment = comments.get(pk)
            if comment is None:
                results.append({"id": pk, "result": "not_found", "status": None, "decided_by": None})
                continue
            try:
                decision = decide(comment)
            except AlreadyDecided as exc:
                results.append(
                    {"id": pk, "result": "already_decided", "status": exc.current_status, "decided_by": exc.decided_by}
                )
            except DjangoValidationError as exc:
                # Reasons and note are the same for every id, so the services refuse them on the
                # first comment, before anything was written.
                raise _validation_error(exc) from exc
            else:
                release_claim(comment, staff_user(request))
                results.append(
                    {"id": pk, "result": "decided", "status": comment.status, "decided_by": decision.decided_by}
                )
        counts = {
            name: sum(r["result"] == name for r in results) for name in ("decided", "already_decided", "not_found")
        }
        return Response(BulkResultSerializer({"results": results, "counts": counts}).data)

    @staticmethod
    def _decider(request: Request, data: dict) -> Callable[[Comment], ModerationDecision]:
        common = {"moderator": request.user, "note": data["note"], "expected_status": Comment.Status.PENDING}
        if data["action"] == BulkDecisionSerializer.APPROVE:
            return lambda comment: comment_approve(comment=comment, **common)
        return lambda comment: comment_reject(comment=comment, reasons=data["reasons"], **common)


# --- Decision log and stats ---------------------------------------------------------------------


@extend_schema(
    tags=["moderation"],
    summary="Decision log",
    description="Every decision, newest first (append-only: decisions are never changed or removed).",
    responses={200: DecisionSerializer(many=True), **error_responses(400, *AUTH_ERRORS, 404)},
)
class DecisionLogApi(ModeratorApi, generics.ListAPIView):
    """The decision log with filters."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionLogFilter
    queryset = ModerationDecision.objects.select_related("moderator").order_by("-decided_at", "-id")


# --- Public: the guidelines ---------------------------------------------------------------------


@extend_schema(
    tags=["guidelines"],
    summary="Community guidelines",
    description="The guideline categories: the codes used in flags and rejection reasons, with the text "
    "readers see on the article page.",
    responses={200: GuidelineSerializer(many=True)},
)
class GuidelineListApi(APIView):
    """The guidelines, in display order (public)."""

    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request: Request) -> Response:
        return Response(GuidelineSerializer(guideline_list(), many=True).data)


@extend_schema(
    tags=["moderation"],
    summary="Moderation statistics",
    parameters=[StatsQuerySerializer],
    responses={200: ModerationStatsSerializer, **error_responses(400, *AUTH_ERRORS)},
)
class ModerationStatsApi(ModeratorApi, APIView):
    """Queue figures and decisions over the last `days` days."""

    def get(self, request: Request) -> Response:
        single_query_value(request.query_params, "days")  # blank or repeated: 400, not the default
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        stats = moderation_stats(days=query.validated_data["days"])
        return Response(ModerationStatsSerializer(stats).data)


# --- Tokens ------------------------------------------------------------------------------------


class AuthTokenThrottle(AtomicRateThrottle):
    """Token requests per client IP: AUTH_TOKEN_RATE, read on every request (password guessing)."""

    scope = "auth_token"

    def get_rate(self) -> str | None:
        return settings.AUTH_TOKEN_RATE or None

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


@extend_schema(
    tags=["auth"],
    summary="Get your API token",
    description="Exchange a username and password for the token to send as `Authorization: Token <key>`. "
    "Limited per client IP address (`AUTH_TOKEN_RATE`). After `LOGIN_FAILURE_LIMIT` wrong passwords for one "
    "username from one address, that username is locked out from there (429, `code`: `locked_out`, even for the "
    "right password) until `LOGIN_COOLOFF_MINUTES` have passed since its last attempt. Wrong credentials: 400.",
    request=TokenRequestSerializer,
    responses={200: TokenResponseSerializer, **error_responses(*BODY_ERRORS, 429)},
)
class TokenApi(ObtainAuthToken):
    """Username + password -> token."""

    # ObtainAuthToken names its own parsers; use the project's (deep JSON nesting is a 400).
    # The stubs type the setting as the dotted paths in settings.py; api_settings hands out the imported classes.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # type: ignore[assignment]
    serializer_class = TokenRequestSerializer  # refuses unknown fields, as every other body does
    authentication_classes: list = []
    throttle_classes = [AuthTokenThrottle]

    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            response = super().post(request, *args, **kwargs)
        except ValidationError:
            if is_locked_out(request):  # django-axes refused the pair, or this failure reached the limit
                raise LockedOut(request) from None
            raise
        reset_after_success(request, request.data["username"])
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)  # it carries a credential
        return response
