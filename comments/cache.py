"""The public comment lists in the cache, keyed by a version number the database keeps.

Every change to what the public sees of an article's comments (an approval,
rejecting or otherwise un-approving an approved comment, an approved comment
created or deleted) increments the article's `PublicCommentsVersion` row in the
same transaction as the change (comments/receivers.py for comments,
moderation/receivers.py for decisions). A list is cached under the article's id
and that number, and every read first asks the database for the number: one
indexed statement that also finds the published article behind the slug. So:

- a list built before a change is never served once the change committed,
  whether or not the cache could be reached at that moment: nothing in the
  cache has to be invalidated, so there is no invalidation to lose;
- every process sees the change on its next read, with a shared cache (Redis)
  and with a per-process one (LocMem, several gunicorn workers) alike;
- an unknown, unpublished or renamed slug is a 404 before the cache is
  touched, so made-up slugs leave no keys behind.

A cache hit costs that one statement and one cache round trip. With the cache
unreachable every read is a miss and the database answers; nothing is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.http import Http404, HttpRequest
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from articles.models import Article
from comments.models import PublicCommentsVersion
from config.sql import column

T = TypeVar("T")

NOT_FOUND = "No Article matches the given query."  # as get_object_or_404 words it


def _list_key(article_id: int, version: int, variant: str) -> str:
    digest = hashlib.sha256(variant.encode()).hexdigest()[:32]
    return f"public-comments:list:{article_id}:{version}:{digest}"


def published_article_version(slug: str) -> tuple[int, int] | None:
    """(id, public comments version) of the published article behind `slug`; None when there is none."""
    alias = router.db_for_read(Article)
    now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
    with connections[alias].cursor() as cursor:
        cursor.execute(_version_sql(alias), [slug, now])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def article_version(slug: str) -> int | None:
    """The public comments version of the published article behind `slug` (None: no such article)."""
    found = published_article_version(slug)
    return found[1] if found else None


def bump_public_version(article_id: int, *, approved_delta: int = 0) -> None:
    """Count one more change to the article's public comments, in the caller's transaction, and move
    its approved count by `approved_delta` (+1 a comment became public, -1 one stopped being public).

    Every list cached under the previous number is never read again. Call it
    inside the transaction that makes the change, so both commit or neither does.
    """
    alias = router.db_for_write(PublicCommentsVersion)
    with connections[alias].cursor() as cursor:
        cursor.execute(_bump_sql(alias), [article_id, approved_delta, approved_delta])


def recount_approved(article_ids: list[int] | None = None) -> int:
    """Set the approved counts (and move the versions) from the comments themselves; returns the
    number of articles written. For rows created without signals (bulk loads) and for repairs."""
    from django.db import transaction
    from django.db.models import Count

    from comments.models import Comment

    articles = Article.objects.all() if article_ids is None else Article.objects.filter(pk__in=article_ids)
    ids = list(articles.values_list("pk", flat=True))
    counts = (
        dict(
            Comment.objects.approved()
            .filter(article_id__in=ids)
            .order_by()
            .values("article_id")
            .annotate(n=Count("pk"))
            .values_list("article_id", "n")
        )
        if ids
        else {}
    )
    with transaction.atomic():
        for article_id in ids:
            PublicCommentsVersion.objects.update_or_create(
                article_id=article_id, defaults={"approved_count": counts.get(article_id, 0)}
            )
            bump_public_version(article_id)
    return len(ids)


@lru_cache(maxsize=None)
def _version_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    article, version = Article._meta, PublicCommentsVersion._meta
    a_id, slug, published_at = (quote(column(Article, name)) for name in ("id", "slug", "published_at"))
    v_article, v_number = (quote(column(PublicCommentsVersion, name)) for name in ("article", "version"))
    return (
        f"SELECT a.{a_id}, COALESCE(v.{v_number}, 0) FROM {quote(article.db_table)} a "
        f"LEFT JOIN {quote(version.db_table)} v ON v.{v_article} = a.{a_id} "
        f"WHERE a.{slug} = %s AND a.{published_at} <= %s"
    )


@lru_cache(maxsize=None)
def _bump_sql(alias: str) -> str:
    # One statement on SQLite and PostgreSQL alike: the first change inserts the row.
    quote = connections[alias].ops.quote_name
    meta = PublicCommentsVersion._meta
    table = quote(meta.db_table)
    article, number, approved = (
        quote(column(PublicCommentsVersion, name)) for name in ("article", "version", "approved_count")
    )
    return (
        f"INSERT INTO {table} ({article}, {number}, {approved}) VALUES (%s, 1, %s) "
        f"ON CONFLICT ({article}) DO UPDATE SET {number} = {table}.{number} + 1, "
        f"{approved} = {table}.{approved} + %s"
    )


def cached_public_list(*, slug: str, variant: str, build: Callable[[], T]) -> T:
    """`build()`'s result for the published article behind `slug` and this variant, cached while current.

    Raises Http404 (before touching the cache) when no published article has
    this slug. `build()` raising caches nothing.
    """
    seconds = settings.PUBLIC_COMMENTS_CACHE_SECONDS
    if seconds <= 0:
        return build()
    found = published_article_version(slug)
    if found is None:
        raise Http404(NOT_FOUND)
    key = _list_key(*found, variant)
    value = cache.get(key)
    if value is None:
        # The number was read before the rows: a change committed meanwhile has
        # raised it, so a value built from older rows is never read after that.
        value = build()
        cache.set(key, value, timeout=seconds)
    return value


def request_variant(request: HttpRequest | Request) -> str:
    """What besides the article makes a response differ: scheme, host (links), path and query, format."""
    accept = request.META.get("HTTP_ACCEPT", "")
    return f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{accept}"


if TYPE_CHECKING:  # what the mixin is combined with, for the type checker only
    from rest_framework.generics import ListAPIView as _ListApiBase
else:
    _ListApiBase = object


class CachedPublicListMixin(_ListApiBase):
    """For a list API of one article's public comments: serve GET from the cache while it is current.

    The URL carries the article's `slug`. Only the response data is cached, so
    authentication, throttles and content negotiation still run per request.
    """

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = cached_public_list(
            slug=self.kwargs["slug"],
            variant=request_variant(request),
            build=lambda: super(CachedPublicListMixin, self).list(request, *args, **kwargs).data,
        )
        return Response(data)
