"""The public comment lists in the shared cache, made stale at once by a per-article version.

Every cached list of an article is stored with the article's version token
it was built under, keyed by the slug the URL carries, so a cache hit needs
no database query at all (and one cache round trip). A decision that changes what the public sees (an approval, or
rejecting a comment that was approved) replaces the token after its
transaction commits, and so does saving or deleting the article
(comments/receivers.py): the next read misses and goes to the database, so no
reader is served a list from before the change. Old entries simply expire.

When the cache is unreachable every call here degrades to reading the database
(django-redis ignores and logs the connection error); nothing is refused.
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.response import Response

T = TypeVar("T")


def _version_key(slug: str) -> str:
    return f"public-comments:version:{slug}"


def _list_key(slug: str, variant: str) -> str:
    digest = hashlib.sha256(variant.encode()).hexdigest()[:32]
    return f"public-comments:list:{slug}:{digest}"


def _new_token() -> str:
    return uuid.uuid4().hex


def article_version(slug: str) -> str | None:
    """The article's current cache version token; None when the cache cannot be reached."""
    key = _version_key(slug)
    version = cache.get(key)
    if version is None:
        fresh = _new_token()
        # add() keeps a token another process set meanwhile; re-read to use the winner.
        if cache.add(key, fresh, timeout=None):
            return fresh
        version = cache.get(key)
    return version


def bump_article_version(slug: str) -> None:
    """Make every cached public list of the article unreachable."""
    cache.set(_version_key(slug), _new_token(), timeout=None)


def cached_public_list(*, slug: str, variant: str, build: Callable[[], T]) -> T:
    """`build()`'s result for this article and variant, from the cache when it is current.

    A list is stored with the version it was built under, and used only while
    that is still the article's version; one round trip fetches both.
    `build()` raising (unknown or unpublished article, bad query) caches nothing.
    """
    seconds = settings.PUBLIC_COMMENTS_CACHE_SECONDS
    if seconds <= 0:
        return build()
    version_key, list_key = _version_key(slug), _list_key(slug, variant)
    found = cache.get_many([version_key, list_key])
    version, entry = found.get(version_key), found.get(list_key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        version = article_version(slug)
        if version is None:
            return build()  # cache unreachable: the database answers
    # Read the version before the database: a decision committed meanwhile has
    # replaced it, so a list built from older rows is never used after that.
    value = build()
    cache.set(list_key, (version, value), timeout=seconds)
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
