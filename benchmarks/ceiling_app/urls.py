"""The project's URLs plus the benchmark-only ceiling endpoint."""

from django.urls import path

from benchmarks.ceiling_app.views import insert_one_row
from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/ceiling/", insert_one_row), *project_urlpatterns]
