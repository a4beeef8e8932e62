"""config.staff and config.sql: the small helpers that carry types from Django to the services."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject
from rest_framework.request import Request

from articles.models import Article
from comments.models import PublicCommentsVersion
from community.models import Sanction
from config.sql import column
from config.staff import staff_user
from moderation.tests.factories import ModeratorFactory


@pytest.mark.django_db
def test_staff_user_is_the_signed_in_account_also_behind_the_lazy_wrapper():
    moderator = ModeratorFactory()
    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(lambda: moderator)  # as AuthenticationMiddleware sets it
    assert staff_user(request) == moderator
    api_request = Request(request)
    api_request.user = moderator
    assert staff_user(api_request) is moderator


def test_staff_user_refuses_an_anonymous_visitor():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        staff_user(request)


def test_column_names_the_database_columns():
    assert column(Article, "slug") == "slug"
    assert column(PublicCommentsVersion, "article") == "article_id"
    assert column(Sanction, "ip_first") == Sanction._meta.get_field("ip_first").column


def test_column_refuses_a_reverse_relation():
    with pytest.raises(FieldDoesNotExist):
        column(Article, "comments")  # Comment.article's reverse side
