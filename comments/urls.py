from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    # ?receipt=… (the API's receipt; redacted from the logs): see views.comment_status_url.
    path("comments/<id:pk>/status/", views.comment_status, name="comment-status"),
    path("favicon.ico", views.favicon, name="favicon"),
]
