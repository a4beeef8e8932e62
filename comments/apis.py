"""Public comment API: approved comments of an article, and submission."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from articles.selectors import published_articles
from comments.http import client_ip, user_agent
from comments.selectors import approved_comments_for
from comments.serializers import (
    CommentReceiptSerializer,
    CommentSubmitSerializer,
    PublicCommentSerializer,
)
from comments.services import CommentsClosed, comment_submit


class CommentsClosedError(PermissionDenied):
    """403: the article does not accept comments."""

    default_detail = "Comments are closed for this article."
    default_code = "comments_closed"


class ArticleCommentsApi(generics.ListCreateAPIView):
    """GET: the article's approved comments, newest first. POST: submit a comment (202, pending)."""

    serializer_class = PublicCommentSerializer

    def get_article(self):
        return get_object_or_404(published_articles(), slug=self.kwargs["slug"])

    def get_queryset(self):
        return approved_comments_for(self.get_article())

    def get_serializer_class(self):
        return CommentSubmitSerializer if self.request.method == "POST" else PublicCommentSerializer

    def create(self, request: Request, *args, **kwargs) -> Response:
        article = self.get_article()
        if not article.accepts_comments():
            raise CommentsClosedError(
                {"detail": CommentsClosedError.default_detail, "code": CommentsClosedError.default_code}
            )
        serializer = CommentSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            comment = comment_submit(
                article=article,
                ip_address=client_ip(request),
                user_agent=user_agent(request),
                user=request.user,
                **serializer.validated_data,
            )
        except CommentsClosed as exc:
            raise CommentsClosedError({"detail": str(exc), "code": CommentsClosedError.default_code}) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        receipt = CommentReceiptSerializer({"id": comment.pk, "status": comment.status})
        return Response(receipt.data, status=status.HTTP_202_ACCEPTED)
