import importlib
from functools import lru_cache

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from moderation.checks.model import LinearModel
from moderation.models import CheckModelVersion


class UserFactory(factory.django.DjangoModelFactory):
    """A plain user with no moderation rights."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


_GROUP_MIGRATION = importlib.import_module("moderation.migrations.0002_moderators_group")


def moderators_group() -> Group:
    """The Moderators group the data migration makes, made again as it does when a transactional
    test's flush dropped it (the flush re-creates permissions, not groups)."""
    group, created = Group.objects.get_or_create(name=_GROUP_MIGRATION.GROUP)
    if created:
        for app_label, codename in _GROUP_MIGRATION.PERMISSIONS:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


class ModeratorFactory(UserFactory):
    """A staff user in the Moderators group (created by the data migration)."""

    is_staff = True

    @factory.post_generation
    def moderators_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(moderators_group())


class CheckModelManagerFactory(ModeratorFactory):
    """A moderator also granted moderation.manage_check_models (train and activate check models)."""

    @factory.post_generation
    def manage_check_models(obj, create, extracted, **kwargs):
        if create:
            obj.user_permissions.add(Permission.objects.get(codename="manage_check_models"))


# --- Learned check models --------------------------------------------------------------------------

_CLEAN = [
    "The council should publish the budget before the vote on {}.",
    "Thanks for the clear reporting on the {} plans.",
    "I disagree with the mayor about the {} but the article is fair.",
    "Where can I read the full report on {}?",
    "The {} figures in the third paragraph look wrong to me.",
]
_TOPICS = ["library", "bus routes", "school meals", "housing", "parks", "water rates", "bridge", "harbour"]


@lru_cache(maxsize=None)
def tiny_model(trigger: str = "zorblax", category: str = "threat") -> LinearModel:
    """A small trained model (2^12 buckets, well under a second) that flags `trigger` as `category`."""
    from moderation.checks.model import training

    clean = [template.format(topic) for template in _CLEAN for topic in _TOPICS]
    positive = [f"{trigger} {topic}, {trigger} them all" for topic in _TOPICS] * 4
    rows = [training.Row(text, frozenset(), "tests") for text in clean]
    rows += [training.Row(f"{text} {n}", frozenset({category}), "tests") for n, text in enumerate(positive)]
    # One made-up source: let its heads flag (the shipped model needs two sources for that).
    return training.train(rows, bits=12, maxiter=50, min_sources_to_flag=1, meta={"trigger": trigger})


class CheckModelVersionFactory(factory.django.DjangoModelFactory):
    """A stored model version; pass model=LinearModel (default: tiny_model()) or data=b"..." to break it."""

    class Meta:
        model = CheckModelVersion

    class Params:
        model = factory.LazyFunction(tiny_model)

    version = factory.LazyAttribute(lambda o: o.model.version)
    data = factory.LazyAttribute(lambda o: o.model.to_bytes())
    origin = CheckModelVersion.Origin.DECISIONS
    meta = factory.LazyAttribute(lambda o: o.model.meta)
    created_at = factory.LazyFunction(timezone.now)
