"""Moderator API URLs (under /api/), and the public guidelines."""

from django.urls import path

from moderation import apis

urlpatterns = [
    path("auth/token/", apis.TokenApi.as_view(), name="auth-token"),
    path("guidelines/", apis.GuidelineListApi.as_view(), name="guidelines"),
    path("moderation/comments/", apis.ModerationCommentListApi.as_view(), name="moderation-comments"),
    path("moderation/comments/bulk/", apis.BulkDecisionApi.as_view(), name="moderation-bulk"),
    path("moderation/comments/<id:pk>/", apis.ModerationCommentDetailApi.as_view(), name="moderation-comment"),
    path("moderation/comments/<id:pk>/approve/", apis.CommentApproveApi.as_view(), name="moderation-approve"),
    path("moderation/comments/<id:pk>/reject/", apis.CommentRejectApi.as_view(), name="moderation-reject"),
    path("moderation/decisions/", apis.DecisionLogApi.as_view(), name="moderation-decisions"),
    path("moderation/stats/", apis.ModerationStatsApi.as_view(), name="moderation-stats"),
]
