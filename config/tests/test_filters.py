from datetime import UTC, date, datetime

import pytest

from articles.models import Article
from articles.tests.factories import ArticleFactory
from config.filters import DateAfterFilter, DateBeforeFilter

pytestmark = pytest.mark.django_db


def slugs(qs):
    return sorted(qs.values_list("slug", flat=True))


@pytest.fixture
def articles():
    ArticleFactory(slug="start", published_at=datetime(2024, 5, 1, 0, 0, tzinfo=UTC))
    ArticleFactory(slug="end", published_at=datetime(2024, 5, 1, 23, 59, 59, 999999, tzinfo=UTC))
    ArticleFactory(slug="next", published_at=datetime(2024, 5, 2, 0, 0, tzinfo=UTC))


def test_after_and_before_are_inclusive_whole_days(articles):
    after = DateAfterFilter(field_name="published_at")
    before = DateBeforeFilter(field_name="published_at")

    assert slugs(after.filter(Article.objects.all(), date(2024, 5, 2))) == ["next"]
    assert slugs(before.filter(Article.objects.all(), date(2024, 5, 1))) == ["end", "start"]


def test_calendar_edges_do_not_overflow(articles):
    after = DateAfterFilter(field_name="published_at")
    before = DateBeforeFilter(field_name="published_at")

    assert len(slugs(after.filter(Article.objects.all(), date.min))) == 3
    assert len(slugs(before.filter(Article.objects.all(), date.max))) == 3
    assert slugs(before.filter(Article.objects.all(), date.min)) == []
    assert slugs(after.filter(Article.objects.all(), date.max)) == []


def test_time_zone_decides_where_a_day_starts(articles, settings):
    settings.TIME_ZONE = "Asia/Baghdad"  # UTC+3: 2024-05-02 starts at 2024-05-01 21:00 UTC

    after = DateAfterFilter(field_name="published_at")

    assert slugs(after.filter(Article.objects.all(), date(2024, 5, 2))) == ["end", "next"]
