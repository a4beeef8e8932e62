"""Reader reports in the API (under /api/): the public report endpoint, and the moderators' Reported
queue, resolutions and stats. Thin: community.reports does the work, community.throttles the limit."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comments.models import Comment
from community.reports import (
    AlreadyReported,
    CommentNotReportable,
    NoOpenReports,
    report_stats,
    report_submit,
    reportable_comment,
    reported_entries,
    reported_queue,
    reports_dismiss,
    reports_uphold,
)
from community.serializers_reports import (
    DismissReportsSerializer,
    ReportedCommentSerializer,
    ReportReceivedSerializer,
    ReportResolutionSerializer,
    ReportStatsQuerySerializer,
    ReportStatsSerializer,
    ReportSubmitSerializer,
    UpholdReportsSerializer,
)
from community.throttles import ReportPrecheck, report_give_back, report_take, request_reporter_key
from config.api import BODY_ERRORS, ApiError, ErrorSerializer, error_responses
from config.filters import single_query_value
from moderation.apis import ModeratorApi
from moderation.services import AlreadyDecided

AUTH_ERRORS = (401, 403)
NOT_FOUND = "No comment to report with this id."


def _validation_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


# --- Public: report a comment --------------------------------------------------------------------


@extend_schema(
    tags=["comments"],
    summary="Report a comment",
    description=(
        "Tell the moderators that an approved comment breaks a guideline: `reason` is a guideline code "
        "(see /api/guidelines/), `note` is optional except with `other`. No login needed. One report per "
        "reader (client address, or session) per comment: a second one is 409 `already_reported`. A comment "
        "that is not approved answers 404 exactly like an unknown id. Limited per client address "
        "(COMMUNITY_REPORT_RATE; 429 with Retry-After); only stored reports count. Besides the shape the "
        "schema gives, the note is checked (400): no control characters, and required with `other`. The "
        "answer never says anything about other reports."
    ),
    request=ReportSubmitSerializer,
    responses={
        201: ReportReceivedSerializer,
        **error_responses(*BODY_ERRORS, 401, 403, 404, 429),
        409: OpenApiResponse(
            ErrorSerializer, description="You reported this comment already (`code`: `already_reported`)."
        ),
    },
)
class CommentReportApi(APIView):
    """POST: report an approved comment."""

    def get_throttles(self):
        # Only a look here (a reader at the limit is refused before anything is read); post() counts
        # the report once it is valid, and gives the count back if it is not stored.
        return [ReportPrecheck()]

    def post(self, request: Request, pk: int) -> Response:
        comment = reportable_comment(pk)
        if comment is None:
            raise NotFound(NOT_FOUND)
        serializer = ReportSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        counted, wait = report_take(request)
        if wait is not None:
            self.throttled(request, wait)
        try:
            report_submit(comment=comment, reporter_key=request_reporter_key(request), **serializer.validated_data)
        except BaseException as exc:
            report_give_back(counted)  # not stored: it does not count
            if isinstance(exc, AlreadyReported):
                raise ApiError(
                    status_code=status.HTTP_409_CONFLICT,
                    detail="You have already reported this comment.",
                    code="already_reported",
                ) from exc
            if isinstance(exc, CommentNotReportable):
                raise NotFound(NOT_FOUND) from exc
            if isinstance(exc, DjangoValidationError):
                raise _validation_error(exc) from exc
            raise
        return Response(ReportReceivedSerializer({"status": "received"}).data, status=status.HTTP_201_CREATED)


# --- Moderators: the Reported queue and resolutions ------------------------------------------------


@extend_schema(
    tags=["moderation"],
    summary="Reported comments",
    description="Approved comments with open reader reports, most open reports first, then the oldest open "
    "report first: per comment the count, the reasons (open reports per guideline code) and the newest notes. "
    "Never who reported.",
    responses={200: ReportedCommentSerializer(many=True), **error_responses(400, *AUTH_ERRORS, 404)},
)
class ReportedQueueApi(ModeratorApi, generics.ListAPIView):
    """The Reported queue, in pages."""

    serializer_class = ReportedCommentSerializer
    filter_backends: list = []

    def get_queryset(self):
        return reported_queue()

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        if page is None:  # no page size configured: the whole queue, as DRF's list() answers then
            return Response(ReportedCommentSerializer(reported_entries(self.get_queryset()), many=True).data)
        entries = reported_entries(page)
        return self.get_paginated_response(ReportedCommentSerializer(entries, many=True).data)


RESOLVE_RESPONSES = {
    200: ReportResolutionSerializer,
    **error_responses(*BODY_ERRORS, *AUTH_ERRORS, 404),
    409: OpenApiResponse(
        ErrorSerializer,
        description="Nothing was written. `no_open_reports`: the comment has no open reports (another "
        "moderator resolved them first, or there were none). `already_decided` (uphold): the comment is no "
        "longer approved; `decided_by` and `status` say who changed it and how.",
    ),
}


class _ResolveReportsApi(ModeratorApi, APIView):
    input_serializer: type = DismissReportsSerializer

    def resolve(self, comment: Comment, moderator, data: dict):
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        comment = get_object_or_404(Comment.objects.select_related("article").defer("article__body"), pk=pk)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            resolution = self.resolve(comment, request.user, serializer.validated_data)
        except NoOpenReports as exc:
            raise ApiError(status_code=status.HTTP_409_CONFLICT, detail=str(exc), code="no_open_reports") from exc
        except AlreadyDecided as exc:
            raise ApiError(
                status_code=status.HTTP_409_CONFLICT,
                detail=f"{exc} Nothing was saved.",
                code="already_decided",
                decided_by=exc.decided_by,
                status=exc.current_status,
            ) from exc
        except DjangoValidationError as exc:
            raise _validation_error(exc) from exc
        return Response(ReportResolutionSerializer(resolution).data)


@extend_schema(
    tags=["moderation"],
    summary="Uphold the reports: reject the comment",
    description="Rejects the approved comment (a reversal logged in the decision log, previous status "
    "`approved`) for `reasons` (guideline codes; `other` needs a `note`) and closes every open report on it. "
    "Reports that arrive later open a new round.",
    request=UpholdReportsSerializer,
    responses=RESOLVE_RESPONSES,
)
class UpholdReportsApi(_ResolveReportsApi):
    input_serializer = UpholdReportsSerializer

    def resolve(self, comment, moderator, data):
        return reports_uphold(comment=comment, moderator=moderator, **data)


@extend_schema(
    tags=["moderation"],
    summary="Dismiss the reports",
    description="Closes every open report on the comment; the comment stays as it is. Logged with the note.",
    request=DismissReportsSerializer,
    responses=RESOLVE_RESPONSES,
)
class DismissReportsApi(_ResolveReportsApi):
    input_serializer = DismissReportsSerializer

    def resolve(self, comment, moderator, data):
        return reports_dismiss(comment=comment, moderator=moderator, **data)


@extend_schema(
    tags=["moderation"],
    summary="Reader report statistics",
    description="Reports per day, resolutions and the share upheld, and time to resolve over the last `days` "
    "days; the Reported queue's size now.",
    parameters=[ReportStatsQuerySerializer],
    responses={200: ReportStatsSerializer, **error_responses(400, *AUTH_ERRORS)},
)
class ReportStatsApi(ModeratorApi, APIView):
    def get(self, request: Request) -> Response:
        single_query_value(request.query_params, "days")  # blank or repeated: 400, not the default
        query = ReportStatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(ReportStatsSerializer(report_stats(days=query.validated_data["days"])).data)


urlpatterns = [
    path("comments/<id:pk>/reports/", CommentReportApi.as_view(), name="comment-reports"),
    path("moderation/reports/", ReportedQueueApi.as_view(), name="moderation-reports"),
    path("moderation/reports/stats/", ReportStatsApi.as_view(), name="moderation-reports-stats"),
    path("moderation/comments/<id:pk>/reports/uphold/", UpholdReportsApi.as_view(), name="moderation-reports-uphold"),
    path(
        "moderation/comments/<id:pk>/reports/dismiss/", DismissReportsApi.as_view(), name="moderation-reports-dismiss"
    ),
]
