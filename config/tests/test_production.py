"""The production configuration: cache, queue, static files and gunicorn come from the environment."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]

_SHOW = (
    "import json; from django.conf import settings; from config.celery import app; "
    "print('SETTINGS' + json.dumps({'cache': settings.CACHES['default'], 'eager': app.conf.task_always_eager, "
    "'broker': app.conf.broker_url, 'middleware': settings.MIDDLEWARE, "
    "'static': settings.STORAGES['staticfiles']['BACKEND']}))"
)


def settings_with(**env: str) -> dict:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "REDIS_URL", "CELERY_BROKER_URL", "STATIC_MANIFEST", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _SHOW],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "SETTINGS" in result.stdout, result.stderr
    return json.loads(result.stdout.split("SETTINGS", 1)[1])


def test_without_redis_the_cache_is_local_and_tasks_run_inline():
    shown = settings_with(DEBUG="true")
    assert shown["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["eager"] is True
    assert "whitenoise.middleware.WhiteNoiseMiddleware" not in shown["middleware"]


def test_with_redis_the_cache_degrades_and_the_broker_is_redis():
    shown = settings_with(REDIS_URL="redis://127.0.0.1:6379/9", DEBUG="true")
    cache = shown["cache"]
    assert cache["BACKEND"] == "config.cache.RedisCache"  # django-redis with a per-process back-off
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/9"
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert cache["OPTIONS"]["SOCKET_TIMEOUT"] <= 1
    assert (shown["eager"], shown["broker"]) == (False, "redis://127.0.0.1:6379/9")


def test_production_serves_hashed_static_files_through_whitenoise():
    shown = settings_with(DEBUG="false")
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    middleware = shown["middleware"]
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )
    assert middleware[-1] == "config.middleware.DatabaseUnavailableMiddleware"


def test_gunicorn_binds_loopback_by_default_and_reads_the_environment():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    with mock.patch.dict(os.environ, clean, clear=True):
        defaults = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert defaults["bind"].startswith("127.0.0.1:")
    assert defaults["wsgi_app"] == "config.wsgi:application"
    with mock.patch.dict(os.environ, {**clean, "GUNICORN_WORKERS": "7", "GUNICORN_BIND": "127.0.0.1:9001"}, clear=True):
        configured = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (configured["workers"], configured["bind"]) == (7, "127.0.0.1:9001")


def test_each_gunicorn_instance_gets_its_own_control_socket(tmp_path):
    from gunicorn.config import Config

    clean = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    sockets = {}
    for bind in ("127.0.0.1:8000", "127.0.0.1:9001", "unix:/run/newsroom/a.sock"):
        with mock.patch.dict(
            os.environ, {**clean, "GUNICORN_BIND": bind, "XDG_RUNTIME_DIR": str(tmp_path)}, clear=True
        ):
            sockets[bind] = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["control_socket"]
    assert len(set(sockets.values())) == 3
    assert all(os.path.dirname(path) == str(tmp_path) for path in sockets.values())
    # gunicorn accepts what the file sets.
    config = Config()
    config.set("control_socket", sockets["127.0.0.1:8000"])
    assert config.control_socket == sockets["127.0.0.1:8000"]

    with mock.patch.dict(os.environ, {**clean, "GUNICORN_CONTROL_SOCKET": "off"}, clear=True):
        assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["control_socket_disable"] is True


def test_the_benchmark_ceiling_endpoint_is_not_in_the_project_urls():
    with pytest.raises(Resolver404):
        resolve("/bench/ceiling/")
