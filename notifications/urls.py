"""Public pages of the notifications: the commenter emails' unsubscribe link."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
