import factory
from django.utils import timezone

from articles.models import Article


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article open for comments."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Council debates the city budget, part {n}")
    slug = factory.Sequence(lambda n: f"council-budget-{n}")
    source = "Newsroom"
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))
    body = (
        "The city council debated next year's budget on Tuesday. Members argued over funding "
        "for schools, roads and the new public library."
    )
    comments_open = True
