"""Privacy API for staff with `privacy.erase_personal_data` (token or session, like the moderator API).

Thin: the erasure through privacy.services, the export through privacy.selectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comments.models import Comment
from config.api import BODY_ERRORS, error_responses
from config.filters import single_query_value
from config.staff import staff_user
from moderation.apis import ModeratorApi
from privacy.selectors import personal_data_export
from privacy.serializers import (
    ErasureRequestSerializer,
    ErasureSerializer,
    ExportQuerySerializer,
    PersonalDataExportSerializer,
)
from privacy.services import can_erase_personal_data, comment_erase_personal_data

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass

AUTH_ERRORS = (401, 403)


class CanErasePersonalData(BasePermission):
    """Active users with `privacy.erase_personal_data` (not part of the Moderators group)."""

    message = "You do not have permission to erase or export personal data."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_erase_personal_data(request.user)


class PrivacyApi(ModeratorApi):
    permission_classes: Sequence[_PermissionClass] = [CanErasePersonalData]


@extend_schema(
    tags=["privacy"],
    summary="Erase a commenter's personal data",
    description="On every comment of the commenter (by `email`, or the author of `comment_id`: exactly one of "
    "them, else 400): the name becomes a placeholder, the address a placeholder unique to this erasure, the "
    "IP address, user agent and notification opt-in are cleared; with `erase_rejected_bodies` the texts of "
    "rejected comments are replaced too. Decisions and statuses stay. 404 when no comment carries the address "
    "or `comment_id` does not exist. An address Django's validator refuses is a 400. Needs the permission "
    "`privacy.erase_personal_data`.",
    request=ErasureRequestSerializer,
    responses={201: ErasureSerializer, **error_responses(*BODY_ERRORS, *AUTH_ERRORS, 404)},
)
class ErasureApi(PrivacyApi, APIView):
    """Erase one commenter's personal data (the audit row comes back)."""

    def post(self, request: Request) -> Response:
        serializer = ErasureRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = data.get("email")
        if "comment_id" in data:
            target = Comment.objects.filter(pk=data["comment_id"]).first()
            if target is None:
                raise NotFound("No comment with this id.")
        try:
            erasure = comment_erase_personal_data(
                comment_or_email=target,
                actor=staff_user(request),
                reason=data["reason"],
                erase_rejected_bodies=data["erase_rejected_bodies"],
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        except ObjectDoesNotExist as exc:
            raise NotFound(str(exc)) from exc
        return Response(ErasureSerializer(erasure).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["privacy"],
    summary="Export everything stored about an email address",
    description="For an access request: the comments carrying the address (with IP address, user agent and "
    "name), the decisions on them (who decided only as `moderator` or `system`), bans naming the address or "
    "made from those comments, trust changes and earlier erasures. An unknown address gives empty lists. "
    "Needs the permission `privacy.erase_personal_data`.",
    parameters=[OpenApiParameter("email", str, required=True, description="The address.")],
    responses={200: PersonalDataExportSerializer, **error_responses(400, *AUTH_ERRORS)},
)
class ExportApi(PrivacyApi, APIView):
    """Everything stored about one address, as JSON."""

    def get(self, request: Request) -> Response:
        single_query_value(request.query_params, "email")  # repeated or blank: 400
        query = ExportQuerySerializer(data={"email": request.query_params.get("email", "")})
        query.is_valid(raise_exception=True)
        return Response(PersonalDataExportSerializer(personal_data_export(email=query.validated_data["email"])).data)
