from django.contrib import admin
from django.urls import include, path

from articles.apis import ArticleDetailApi, ArticleListApi
from comments.apis import ArticleCommentsApi

api_patterns = [
    path("articles/", ArticleListApi.as_view(), name="article-list"),
    path("articles/<slug:slug>/", ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<slug:slug>/comments/", ArticleCommentsApi.as_view(), name="article-comments"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("", include("comments.urls")),
]
