"""Settings for load-test servers only: the project's settings plus the ceiling app."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.ceiling_app"]
ROOT_URLCONF = "benchmarks.ceiling_app.urls"
