from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, include, path, register_converter
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.api import IdConverter, json_error

register_converter(IdConverter, "id")


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI: a page to GET, nothing else (OPTIONS rendered its HTML template without a name: a 500).

    The split view serves Swagger UI's start-up script as a file (`?script`), not inline, so the
    page works under the Content-Security-Policy without 'unsafe-inline'.
    """

    http_method_names = ["get", "head"]


api_patterns: list[URLPattern | URLResolver] = [
    path("", include("comments.api_urls")),
    path("", include("moderation.urls")),
    path("", include("community.api_urls")),
    path("", include("privacy.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("", include("comments.urls")),
    path("", include("community.urls")),
    path("", include("notifications.urls")),
]


def handler404(request: HttpRequest, exception: Exception):
    """JSON in the API's error format under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error(status_code=404, detail="Not found.", code="not_found")
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest):
    if request.path.startswith("/api/"):
        return json_error(status_code=500, detail="Server error.", code="server_error")
    return defaults.server_error(request)
