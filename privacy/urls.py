"""Privacy API URLs (under /api/)."""

from django.urls import path

from privacy import apis

urlpatterns = [
    path("privacy/erasures/", apis.ErasureApi.as_view(), name="privacy-erasures"),
    path("privacy/export/", apis.ExportApi.as_view(), name="privacy-export"),
]
