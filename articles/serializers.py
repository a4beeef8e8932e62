from rest_framework import serializers

from articles.models import Article


class ArticleListSerializer(serializers.ModelSerializer):
    """An article in a list: no body."""

    accepts_comments = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["slug", "title", "source", "published_at", "canonical_url", "accepts_comments"]

    def get_accepts_comments(self, article: Article) -> bool:
        return article.accepts_comments()


class ArticleDetailSerializer(ArticleListSerializer):
    """One article with its body."""

    class Meta(ArticleListSerializer.Meta):
        fields = ArticleListSerializer.Meta.fields + ["body", "comments_close_at"]
