"""Settings for the test suite (pytest.ini names this module): the real settings, plus what tests need."""

from django.conf import global_settings

from config import settings as base
from config.settings import *  # noqa: F403
from config.settings import CACHES, MIDDLEWARE

# The production hasher costs a large fraction of a second per user; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collected static files: the finders serve them.
STORAGES = {
    **getattr(base, "STORAGES", global_settings.STORAGES),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# Celery tasks run inline unless a test points the app at a real broker
# (config/tests/test_degradation.celery_broker).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Test keys get a prefix of their own: clearing them never touches a running stack's keys.
CACHES = {**CACHES, "default": {**CACHES["default"], "KEY_PREFIX": f"test-{CACHES['default'].get('KEY_PREFIX', '')}"}}
