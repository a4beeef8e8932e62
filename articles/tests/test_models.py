from datetime import timedelta

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import ArticleFactory
from comments.tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_open_article_without_close_date_accepts_comments():
    article = ArticleFactory(comments_open=True, comments_close_at=None)

    assert article.accepts_comments() is True


def test_switched_off_article_refuses_comments_even_with_future_close_date():
    article = ArticleFactory(comments_open=False, comments_close_at=timezone.now() + timedelta(days=3))

    assert article.accepts_comments() is False


def test_article_accepts_comments_until_close_date():
    close_at = timezone.now() + timedelta(hours=2)
    article = ArticleFactory(comments_close_at=close_at)

    assert article.accepts_comments() is True
    assert article.accepts_comments(close_at - timedelta(seconds=1)) is True


def test_article_refuses_comments_at_and_after_close_date():
    close_at = timezone.now() + timedelta(hours=2)
    article = ArticleFactory(comments_close_at=close_at)

    assert article.accepts_comments(close_at) is False
    assert article.accepts_comments(close_at + timedelta(seconds=1)) is False


def test_article_with_passed_close_date_refuses_comments_now():
    article = ArticleFactory(comments_close_at=timezone.now() - timedelta(minutes=1))

    assert article.accepts_comments() is False


def test_absolute_url_is_the_reader_page():
    article = ArticleFactory(slug="budget-vote")

    assert article.get_absolute_url() == "/articles/budget-vote/"


def test_str_is_the_title():
    assert str(ArticleFactory(title="Budget passes")) == "Budget passes"


def test_default_ordering_is_newest_first():
    now = timezone.now()
    old = ArticleFactory(published_at=now - timedelta(days=2))
    new = ArticleFactory(published_at=now - timedelta(hours=1))
    middle = ArticleFactory(published_at=now - timedelta(days=1))

    assert list(Article.objects.all()) == [new, middle, old]


def test_article_with_comments_cannot_be_deleted():
    comment = CommentFactory()

    with pytest.raises(ProtectedError):
        comment.article.delete()

    assert Article.objects.filter(pk=comment.article_id).exists()
