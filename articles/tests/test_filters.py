from datetime import UTC, datetime

import pytest

from articles.filters import ArticleFilter
from articles.models import Article
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def run(**params):
    filterset = ArticleFilter(params, queryset=Article.objects.order_by("published_at"))
    assert filterset.is_valid(), filterset.errors
    return [a.slug for a in filterset.qs]


def test_date_range_includes_whole_days_at_both_ends():
    ArticleFactory(slug="early", published_at=datetime(2024, 5, 1, 0, 0, tzinfo=UTC))
    ArticleFactory(slug="late", published_at=datetime(2024, 5, 1, 23, 59, 59, tzinfo=UTC))
    ArticleFactory(slug="next", published_at=datetime(2024, 5, 2, 0, 0, tzinfo=UTC))

    assert run(published_after="2024-05-01", published_before="2024-05-01") == ["early", "late"]
    assert run(published_after="2024-05-02") == ["next"]


def test_no_parameters_filter_nothing():
    ArticleFactory.create_batch(3)

    assert len(run()) == 3


def test_search_matches_part_of_the_title():
    ArticleFactory(slug="a", title="Water prices rise again")
    ArticleFactory(slug="b", title="Schools reopen")

    assert run(search="PRICES") == ["a"]


def test_invalid_dates_are_form_errors():
    filterset = ArticleFilter({"published_after": "2024-02-31"}, queryset=Article.objects.all())

    assert not filterset.is_valid()
    assert "published_after" in filterset.errors
