import factory
from django.contrib.auth.models import Permission

from moderation.tests.factories import ModeratorFactory, UserFactory


def erase_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="privacy", codename="erase_personal_data")


class PrivacyOfficerFactory(UserFactory):
    """Staff with privacy.erase_personal_data only (no moderation rights)."""

    is_staff = True

    @factory.post_generation
    def erase_personal_data(obj, create, extracted, **kwargs):
        if create:
            obj.user_permissions.add(erase_permission())


class ModeratingPrivacyOfficerFactory(ModeratorFactory):
    """A moderator also granted privacy.erase_personal_data (sees the comment admin and its erase action)."""

    @factory.post_generation
    def erase_personal_data(obj, create, extracted, **kwargs):
        if create:
            obj.user_permissions.add(erase_permission())
