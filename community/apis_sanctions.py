"""Moderator API for bans (under /api/): list, create, read and lift, and ban a comment's author.

Thin: reads through community.sanctions' selectors, writes through its services, exactly as the admin does.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comments.models import Comment
from community.models import Sanction
from community.sanctions import (
    SanctionExists,
    SanctionNotInForce,
    State,
    sanction_create,
    sanction_create_from_comment,
    sanction_detail,
    sanction_lift,
    sanctions_list,
    state_filter,
)
from community.serializers_sanctions import (
    CommentBanSerializer,
    SanctionConflictErrorSerializer,
    SanctionCreateSerializer,
    SanctionLiftInputSerializer,
    SanctionSerializer,
)
from config.api import BODY_ERRORS, ApiError, error_responses
from config.filters import StrictFilterSet
from config.staff import staff_user
from moderation.apis import AUTH_ERRORS, ModeratorApi

ALREADY_BANNED = OpenApiResponse(
    SanctionConflictErrorSerializer,
    description="Already banned (`code`: `already_banned`): a ban on the same kind and value is in force; "
    "`sanction` is its id. Nothing was written.",
)
NOT_IN_FORCE = OpenApiResponse(
    SanctionConflictErrorSerializer,
    description="Not in force (`code`: `already_lifted` or `already_expired`): someone lifted the ban first, or "
    "it expired. Nothing was written.",
)
CREATE_DESCRIPTION = (
    "The value is checked and normalised per kind (400 with `errors` otherwise): an email address in lower "
    "case; a domain with at least one dot (a bare top-level domain is refused; sub-domains are covered); an IP "
    "address or CIDR range, stored in CIDR form, no broader than IPv4 /16 or IPv6 /32. `reasons` may be empty "
    "only with a `note`; `expires_at` must be in the future. Existing comments are not changed: the banned "
    "commenter's pending comments stay in the queue; new ones are stored and rejected by the system."
)


class SanctionFilter(StrictFilterSet):
    """Bans by state, kind and a piece of the value."""

    state = django_filters.ChoiceFilter(
        choices=State.choices,
        method="filter_state",
        label="active (in force), lifted, or expired (ended by its expiry)",
    )
    kind = django_filters.ChoiceFilter(choices=Sanction.Kind.choices, label="What is banned")
    search = django_filters.CharFilter(
        method="filter_search", max_length=254, label="A piece of the banned value (case-insensitive)"
    )

    class Meta:
        model = Sanction
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(state_filter(value))

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if "\x00" in value:
            raise ValidationError({"search": ["The value contains a NUL character."]})
        return queryset.filter(value__icontains=value.strip().lower())


def _validation_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


def _already_banned(exc: SanctionExists) -> ApiError:
    return ApiError(
        status_code=status.HTTP_409_CONFLICT,
        detail=f"{exc} Nothing was saved.",
        code="already_banned",
        sanction=exc.existing.pk,
    )


def _created(sanction: Sanction) -> Response:
    shown = sanction_detail(pk=sanction.pk)  # with its maker loaded, as the list shows it
    return Response(SanctionSerializer(shown).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["moderation"],
    summary="Bans",
    description="Every ban, newest first (append-only: a lift is recorded beside the ban, never an edit). "
    "Includes banned email addresses and IP addresses.",
    responses={200: SanctionSerializer(many=True), **error_responses(400, *AUTH_ERRORS, 404)},
)
class SanctionListApi(ModeratorApi, generics.ListAPIView):
    """The bans with filters; POST bans a value."""

    serializer_class = SanctionSerializer
    filterset_class = SanctionFilter

    def get_queryset(self) -> QuerySet[Sanction]:
        return sanctions_list()

    @extend_schema(
        summary="Ban an email address, a domain or an IP range",
        description=CREATE_DESCRIPTION,
        request=SanctionCreateSerializer,
        responses={201: SanctionSerializer, **error_responses(*BODY_ERRORS, *AUTH_ERRORS), 409: ALREADY_BANNED},
    )
    def post(self, request: Request) -> Response:
        serializer = SanctionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            sanction = sanction_create(actor=staff_user(request), **serializer.validated_data)
        except SanctionExists as exc:
            raise _already_banned(exc) from exc
        except DjangoValidationError as exc:
            raise _validation_error(exc) from exc
        return _created(sanction)


def _sanction_or_404(pk: int) -> Sanction:
    sanction = sanction_detail(pk=pk)
    if sanction is None:
        raise Http404("No ban with this id.")
    return sanction


@extend_schema(
    tags=["moderation"],
    summary="One ban",
    responses={200: SanctionSerializer, **error_responses(*AUTH_ERRORS, 404)},
)
class SanctionDetailApi(ModeratorApi, APIView):
    """A ban, with its lift if it was lifted."""

    def get(self, request: Request, pk: int) -> Response:
        return Response(SanctionSerializer(_sanction_or_404(pk)).data)


@extend_schema(
    tags=["moderation"],
    summary="Lift a ban",
    description="Records the lift (who, when, `note`) beside the ban; the ban stops applying at once.",
    request=SanctionLiftInputSerializer,
    responses={200: SanctionSerializer, **error_responses(*BODY_ERRORS, *AUTH_ERRORS, 404), 409: NOT_IN_FORCE},
)
class SanctionLiftApi(ModeratorApi, APIView):
    """Lift one ban."""

    def post(self, request: Request, pk: int) -> Response:
        sanction = _sanction_or_404(pk)
        serializer = SanctionLiftInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            sanction_lift(sanction=sanction, actor=staff_user(request), **serializer.validated_data)
        except SanctionNotInForce as exc:
            raise ApiError(
                status_code=status.HTTP_409_CONFLICT,
                detail=f"{exc} Nothing was saved.",
                code=exc.code,
                sanction=sanction.pk,
            ) from exc
        except DjangoValidationError as exc:
            raise _validation_error(exc) from exc
        return Response(SanctionSerializer(sanction_detail(pk=sanction.pk)).data)


@extend_schema(
    tags=["moderation"],
    summary="Ban a comment's author",
    description="Bans the comment's email address, its email domain or its IP address (`target`); the value "
    "is taken from the comment (400 when it has none, e.g. no IP address). The comment is not decided by "
    "this: decide it as usual. " + CREATE_DESCRIPTION.split(". ", 1)[1],
    request=CommentBanSerializer,
    responses={201: SanctionSerializer, **error_responses(*BODY_ERRORS, *AUTH_ERRORS, 404), 409: ALREADY_BANNED},
)
class CommentBanApi(ModeratorApi, APIView):
    """Ban the author of one comment."""

    def post(self, request: Request, pk: int) -> Response:
        comment = get_object_or_404(Comment.objects.defer("findings"), pk=pk)
        serializer = CommentBanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            sanction = sanction_create_from_comment(
                actor=staff_user(request), comment=comment, **serializer.validated_data
            )
        except SanctionExists as exc:
            raise _already_banned(exc) from exc
        except DjangoValidationError as exc:
            raise _validation_error(exc) from exc
        return _created(sanction)


urlpatterns = [
    path("moderation/sanctions/", SanctionListApi.as_view(), name="moderation-sanctions"),
    path("moderation/sanctions/<id:pk>/", SanctionDetailApi.as_view(), name="moderation-sanction"),
    path("moderation/sanctions/<id:pk>/lift/", SanctionLiftApi.as_view(), name="moderation-sanction-lift"),
    path("moderation/comments/<id:pk>/ban/", CommentBanApi.as_view(), name="moderation-comment-ban"),
]
