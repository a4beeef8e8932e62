"""Moderator API for trust (under /api/): the trust log, marking and unmarking, one commenter's trust.

Thin: reads through community.trust's selectors, writes through trust_grant() / trust_revoke().
Email addresses travel in a query parameter or the body, never in the path.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.models import TrustChange
from community.serializers_trust import (
    EMAIL_MAX_LENGTH,
    CommenterTrustQuerySerializer,
    CommenterTrustSerializer,
    NoTrustChangeErrorSerializer,
    TrustChangeRequestSerializer,
    TrustChangeSerializer,
)
from community.standing import normalised_email
from community.trust import (
    NoTrustChange,
    trust_grant,
    trust_log,
    trust_revoke,
    trust_state,
    trust_suggestion,
    trusted_commenters,
)
from config.api import BODY_ERRORS, ApiError, error_responses
from config.filters import StrictFilterSet, single_query_value
from config.staff import staff_user
from moderation.apis import AUTH_ERRORS, ModeratorApi

NO_CHANGE = OpenApiResponse(
    NoTrustChangeErrorSerializer,
    description="No change (`code`: `no_change`): the address is already trusted (or already not trusted); "
    "`trusted`, `changed_by` and `since` describe the change in force. Nothing was written.",
)


class TrustLogFilter(StrictFilterSet):
    """The trust log: by address and by kind of change."""

    email = django_filters.CharFilter(
        method="filter_email",
        max_length=EMAIL_MAX_LENGTH,
        label="The commenter's email address (compared trimmed and in lower case)",
    )
    trusted = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_trusted",
        label="true: changes that marked an address trusted; false: changes that took trust back",
    )

    class Meta:
        model = TrustChange
        fields: list[str] = []

    def filter_email(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(email=normalised_email(value))

    def filter_trusted(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(trusted=value == "true")


class TrustLogApi(ModeratorApi, generics.ListAPIView):
    """GET the trust log; POST a trust change."""

    serializer_class = TrustChangeSerializer
    filterset_class = TrustLogFilter

    def get_queryset(self) -> QuerySet[TrustChange]:
        return trust_log()

    @extend_schema(
        tags=["moderation"],
        summary="Trust log",
        description="Every trust change, newest first (append-only: marking trusted and taking trust back are both "
        "new rows; the latest row per address counts). Filter by `email` and by `trusted`.",
        responses={200: TrustChangeSerializer(many=True), **error_responses(400, *AUTH_ERRORS, 404)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["moderation"],
        summary="Mark a commenter trusted, or take trust back",
        description="Appends one change to the trust log. Trust never publishes anything: a trusted commenter's "
        "comments are still moderated, only placed lower in the queue (COMMUNITY_TRUSTED_PRIORITY_FACTOR). "
        "`email` must be an email address Django's validator accepts (else 400); a change that changes nothing "
        "is refused with 409 `no_change`.",
        request=TrustChangeRequestSerializer,
        responses={201: TrustChangeSerializer, **error_responses(*BODY_ERRORS, *AUTH_ERRORS), 409: NO_CHANGE},
    )
    def post(self, request: Request) -> Response:
        serializer = TrustChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        change_trust = trust_grant if data["trusted"] else trust_revoke
        try:
            change = change_trust(email=data["email"], actor=staff_user(request), note=data["note"])
        except NoTrustChange as exc:
            raise ApiError(
                status_code=status.HTTP_409_CONFLICT,
                detail=f"{exc} Nothing was changed.",
                code="no_change",
                trusted=exc.state.trusted,
                changed_by=exc.state.changed_by,
                since=exc.state.since.isoformat() if exc.state.since else None,
            ) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(TrustChangeSerializer(change).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["moderation"],
    summary="Trusted commenters",
    description="The addresses trusted now, each with the change that made it trusted, most recently trusted first.",
    responses={200: TrustChangeSerializer(many=True), **error_responses(400, *AUTH_ERRORS, 404)},
)
class TrustedCommentersApi(ModeratorApi, generics.ListAPIView):
    """Who is trusted now."""

    serializer_class = TrustChangeSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[TrustChange]:
        return trusted_commenters()


@extend_schema(
    tags=["moderation"],
    summary="One commenter's trust",
    description="Whether the address (`?email=`) is trusted, since when and by whom, and whether the system "
    "suggests trusting it (COMMUNITY_TRUST_SUGGEST_APPROVED approved comments, none rejected). An address "
    "never seen is simply not trusted.",
    parameters=[CommenterTrustQuerySerializer],
    responses={200: CommenterTrustSerializer, **error_responses(400, *AUTH_ERRORS)},
)
class CommenterTrustApi(ModeratorApi, APIView):
    """Trust state and suggestion for one address."""

    def get(self, request: Request) -> Response:
        single_query_value(request.query_params, "email")  # blank or repeated: 400
        query = CommenterTrustQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        state = trust_state(email=query.validated_data["email"])
        suggestion = trust_suggestion(email=state.email, trusted=state.trusted)
        return Response(CommenterTrustSerializer({**vars(state), "suggestion": vars(suggestion)}).data)


urlpatterns = [
    path("moderation/trust/", TrustLogApi.as_view(), name="moderation-trust"),
    path("moderation/trust/trusted/", TrustedCommentersApi.as_view(), name="moderation-trusted"),
    path("moderation/trust/commenter/", CommenterTrustApi.as_view(), name="moderation-trust-commenter"),
]
