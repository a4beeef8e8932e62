"""The one-click unsubscribe page of the commenter emails (notifications/emails.py)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications.emails import address_key_from_token, email_unsubscribe


# Mail clients POST "List-Unsubscribe=One-Click" to the link itself (RFC 8058) without a CSRF token:
# the signed token in the URL is what authorises the request.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners must not unsubscribe anyone); POST unsubscribes."""
    key = address_key_from_token(token)
    if key is None:
        raise Http404("This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        email_unsubscribe(address_key=key)
        done = True
    response = render(request, "notifications/unsubscribe.html", {"done": done})
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store, private"
    return response
