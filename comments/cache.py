"""The public comment lists in the shared cache, made stale at once by a per-article version.

Every cached list of an article is stored with the article's version token
it was built under, keyed by the slug the URL carries, so a cache hit needs
no database query at all (and one cache round trip). A decision that changes what the public sees (an approval, or
rejecting a comment that was approved) replaces the token after its
transaction commits, and so does saving or deleting the article
(comments/receivers.py, moderation/receivers.py): the next read misses and goes to the database, so no
reader is served a list from before the change. Old entries simply expire.

The same version guards the copy of the article a submission reads
(`cached_article`): closing, unpublishing or renaming the article replaces
the token when it commits, so the next submission reads the database again.
That copy is used only when the cache is shared by every process (Redis); with
a per-process cache (LocMem) a change made by another process could not reach
it at once, so submissions then read the article from the database each time.

When the cache is unreachable every call here degrades to reading the database
(django-redis ignores and logs the connection error); nothing is refused.
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.response import Response

from articles.models import Article

T = TypeVar("T")

# How long a submission may use a cached copy of an article. Saving the article
# replaces its version at once; this bounds the copy's life only when that
# replacement was lost (the cache unreachable at that moment).
ARTICLE_COPY_SECONDS = 30
_ARTICLE_FIELDS = tuple(f.attname for f in Article._meta.concrete_fields)
# The key names the stored columns: a copy made before a schema change is never read after it.
_ARTICLE_SCHEMA = hashlib.sha256("|".join(_ARTICLE_FIELDS).encode()).hexdigest()[:12]


def _version_key(slug: str) -> str:
    return f"public-comments:version:{slug}"


def _list_key(slug: str, variant: str) -> str:
    digest = hashlib.sha256(variant.encode()).hexdigest()[:32]
    return f"public-comments:list:{slug}:{digest}"


def _new_token() -> str:
    return uuid.uuid4().hex


# Version tokens expire too: any slug a client asks for (even an unknown one) gets a token,
# so they must not pile up forever. An expired token only means the next read rebuilds.
VERSION_SECONDS = 24 * 60 * 60


def article_version(slug: str) -> str | None:
    """The article's current cache version token; None when the cache cannot be reached."""
    key = _version_key(slug)
    version = cache.get(key)
    if version is None:
        fresh = _new_token()
        # add() keeps a token another process set meanwhile; re-read to use the winner.
        if cache.add(key, fresh, timeout=VERSION_SECONDS):
            return fresh
        version = cache.get(key)
    return version


def bump_article_version(slug: str) -> None:
    """Make every cached public list of the article unreachable."""
    cache.set(_version_key(slug), _new_token(), timeout=VERSION_SECONDS)


def cached_public_list(*, slug: str, variant: str, build: Callable[[], T]) -> T:
    """`build()`'s result for this article and variant, from the cache when it is current.

    A list is stored with the version it was built under, and used only while
    that is still the article's version; one round trip fetches both.
    `build()` raising (unknown or unpublished article, bad query) caches nothing.
    """
    seconds = settings.PUBLIC_COMMENTS_CACHE_SECONDS
    if seconds <= 0:
        return build()
    return _cached_under_version(slug=slug, key=_list_key(slug, variant), build=build, seconds=seconds)


def cache_is_shared() -> bool:
    """Whether every app process sees the same cache (Redis), so a version bump reaches them all at once."""
    return not isinstance(caches["default"], (LocMemCache, DummyCache))


def cached_article(*, slug: str, load: Callable[[], Article]) -> Article:
    """The article behind `slug` for a submission: from the shared cache while its version is current.

    `load()` reads it from the database (raising for an unknown or
    unpublished slug, which caches nothing). The caller still checks
    `accepts_comments()` and the publication time on the copy, so a close
    date or publication time passing needs no invalidation.
    """
    if not cache_is_shared():
        return load()

    def column_values() -> tuple:
        article = load()
        return tuple(getattr(article, name) for name in _ARTICLE_FIELDS)

    key = f"article-copy:{_ARTICLE_SCHEMA}:{slug}"
    values = _cached_under_version(slug=slug, key=key, build=column_values, seconds=ARTICLE_COPY_SECONDS)
    return Article.from_db(DEFAULT_DB_ALIAS, _ARTICLE_FIELDS, values)


def _cached_under_version(*, slug: str, key: str, build: Callable[[], T], seconds: int) -> T:
    version_key = _version_key(slug)
    found = cache.get_many([version_key, key])
    version, entry = found.get(version_key), found.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        version = article_version(slug)
        if version is None:
            return build()  # cache unreachable: the database answers
    # Read the version before the database: a change committed meanwhile has
    # replaced it, so a value built from older rows is never used after that.
    value = build()
    cache.set(key, (version, value), timeout=seconds)
    return value


def request_variant(request: HttpRequest | Request) -> str:
    """What besides the article makes a response differ: scheme, host (links), path and query, format."""
    accept = request.META.get("HTTP_ACCEPT", "")
    return f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{accept}"


class CachedPublicListMixin:
    """For a list API of one article's public comments: serve GET from the shared cache.

    The URL carries the article's `slug`; a hit is served without a database
    query. Only the response data is cached, so authentication, throttles and
    content negotiation still run per request.
    """

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = cached_public_list(
            slug=self.kwargs["slug"],  # type: ignore[attr-defined]
            variant=request_variant(request),
            build=lambda: super(CachedPublicListMixin, self).list(request, *args, **kwargs).data,
        )
        return Response(data)
