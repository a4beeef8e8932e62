import factory
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.models import Comment


class CommentFactory(factory.django.DjangoModelFactory):
    """A stored comment; pass status=... to set up an approved or rejected one directly."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@example.org")
    body = "The library funding deserves more debate before the council votes."
    status = Comment.Status.PENDING
    submitted_at = factory.LazyFunction(timezone.now)
    ip_address = "203.0.113.7"
    user_agent = "pytest"
