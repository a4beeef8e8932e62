"""Public community pages: the reader's report form."""

from __future__ import annotations

from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("comments/<id:pk>/report/", views.comment_report, name="comment-report"),
    path("comments/<id:pk>/report/thanks/", views.comment_report_thanks, name="comment-report-thanks"),
]
