"""Public comment API URLs (under /api/)."""

from django.urls import path

from comments import apis

urlpatterns = [
    path("articles/", apis.ArticleListApi.as_view(), name="article-list"),
    path("articles/<slug:slug>/", apis.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<slug:slug>/comments/", apis.ArticleCommentsApi.as_view(), name="article-comments"),
    path("comments/<id:pk>/status/", apis.CommentStatusApi.as_view(), name="comment-status"),
]
