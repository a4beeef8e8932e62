"""Password guessing: lockout per username + client IP (admin login and the token API), per-IP login limit.

Before: 40 wrong passwords at /admin/login/ and then the right one logged in.
"""

from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.utils import timezone

from config.lockout import lockout_username
from config.ratelimit import AtomicRateThrottle
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
IP = "198.51.100.20"
TOKEN_URL = "/api/auth/token/"
LOGIN_URL = "/admin/login/"


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    # The per-IP limits are tested on their own below; here they would answer 429 first.
    settings.AUTH_TOKEN_RATE = ""
    settings.ADMIN_LOGIN_RATE = ""


@pytest.fixture
def moderator():
    return ModeratorFactory(username="mod-erin")


def admin_login(client, username, password, *, ip=IP):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip)


def token(client, username, password, *, ip=IP):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json", REMOTE_ADDR=ip
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def later(minutes):
    """Every attempt from now on is seen as made `minutes` from now (axes reads its clock here)."""
    return mock.patch("axes.handlers.proxy.now", return_value=timezone.now() + timedelta(minutes=minutes))


# --- Admin login ------------------------------------------------------------------------------------


def test_admin_login_refuses_the_right_password_after_40_wrong_ones(client, moderator):
    statuses = [admin_login(client, "mod-erin", f"guess-{n}").status_code for n in range(40)]

    response = admin_login(client, "mod-erin", PASSWORD)

    assert statuses[:4] == [200] * 4  # the login form again, with its error
    assert set(statuses[4:]) == {429}  # from the 5th failure on
    assert response.status_code == 429
    assert not logged_in(client)
    assert int(response["Retry-After"]) == 15 * 60
    page = response.content.decode()
    assert "locked" in page and "5 failed login attempts" in page and "15 minutes" in page
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_admin_lockout_is_per_username_and_ip(client, moderator):
    ModeratorFactory(username="mod-fay")
    for n in range(10):
        admin_login(client, "mod-erin", f"guess-{n}")

    assert admin_login(client, "mod-erin", PASSWORD, ip="203.0.113.5").status_code == 302  # same user, other IP
    client.logout()
    assert admin_login(client, "mod-fay", PASSWORD).status_code == 302  # other user, same IP
    client.logout()
    assert admin_login(client, "mod-erin", PASSWORD).status_code == 429


def test_admin_lockout_ends_after_the_cool_off(client, moderator, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=2)
    for n in range(5):
        admin_login(client, "mod-erin", f"guess-{n}")
    assert admin_login(client, "mod-erin", PASSWORD).status_code == 429  # this attempt restarts the cool-off

    with later(minutes=1):
        assert admin_login(client, "mod-erin", PASSWORD).status_code == 429
    with later(minutes=1 + 2 + 1):
        response = admin_login(client, "mod-erin", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_successful_admin_login_clears_the_failures(client, moderator):
    for n in range(4):
        admin_login(client, "mod-erin", f"guess-{n}")
    assert admin_login(client, "mod-erin", PASSWORD).status_code == 302
    client.logout()

    statuses = [admin_login(client, "mod-erin", f"again-{n}").status_code for n in range(4)]

    assert statuses == [200] * 4
    assert admin_login(client, "mod-erin", PASSWORD).status_code == 302


# --- Token API ------------------------------------------------------------------------------------


def test_token_api_refuses_the_right_password_after_40_wrong_ones(client, moderator):
    statuses = [token(client, "mod-erin", f"guess-{n}").status_code for n in range(40)]

    response = token(client, "mod-erin", PASSWORD)

    assert statuses[:4] == [400] * 4
    assert set(statuses[4:]) == {429}
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed logins for this username from your address; try again later.",
        "code": "locked_out",
        "errors": {},
    }
    assert int(response["Retry-After"]) == 15 * 60
    assert "no-store" in response["Cache-Control"]


def test_token_lockout_is_per_username_and_ip(client, moderator):
    ModeratorFactory(username="mod-fay")
    for n in range(10):
        token(client, "mod-erin", f"guess-{n}")

    assert token(client, "mod-erin", PASSWORD, ip="203.0.113.5").status_code == 200
    assert token(client, "mod-fay", PASSWORD).status_code == 200
    assert token(client, "mod-erin", PASSWORD).status_code == 429


def test_token_lockout_ends_after_the_cool_off(client, moderator, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=2)
    for n in range(5):
        token(client, "mod-erin", f"guess-{n}")

    with later(minutes=3):
        response = token(client, "mod-erin", PASSWORD)

    assert response.status_code == 200
    assert response.json()["token"]


def test_a_token_with_the_right_password_clears_the_failures(client, moderator):
    for n in range(4):
        token(client, "mod-erin", f"guess-{n}")
    assert token(client, "mod-erin", PASSWORD).status_code == 200

    statuses = [token(client, "mod-erin", f"again-{n}").status_code for n in range(4)]

    assert statuses == [400] * 4


def test_failures_through_the_api_lock_the_admin_login_too(client, moderator):
    for n in range(5):
        token(client, "mod-erin", f"guess-{n}")

    assert admin_login(client, "mod-erin", PASSWORD).status_code == 429


def test_usernames_are_counted_as_typed_within_the_column():
    """axes keeps usernames in a 255-character column: a longer one must never fail the insert (PostgreSQL)."""
    assert lockout_username(None, {"username": "u" * 400}) == "u" * 255
    assert lockout_username(None, {"username": "Mod-Erin"}) == "Mod-Erin"
    assert lockout_username(None, {"username": None}) is None


def test_a_failure_is_one_row_per_username_and_ip(client, moderator):
    for n in range(2):
        token(client, "mod-erin", f"guess-{n}")
    admin_login(client, "mod-erin", "guess-2")

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("mod-erin", IP, 3)
    assert "guess" not in attempt.post_data  # no password is stored


def test_authenticate_without_a_request_still_works(moderator):
    """The shell and management commands have no client to lock out."""
    assert authenticate(username="mod-erin", password=PASSWORD) == moderator
    assert authenticate(username="mod-erin", password="guess") is None


# --- Admin login POSTs per client IP ---------------------------------------------------------------


def test_admin_login_posts_are_limited_per_ip(client, moderator, settings, monkeypatch):
    settings.ADMIN_LOGIN_RATE = "10/minute"
    monkeypatch.setattr(AtomicRateThrottle, "timer", staticmethod(lambda: 1_700_000_000.0))

    statuses = [admin_login(client, f"someone-{n}", "guess").status_code for n in range(10)]
    refused = admin_login(client, "mod-erin", PASSWORD)

    assert statuses == [200] * 10  # different usernames: no lockout, only the per-IP count
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many login attempts" in refused.content.decode()
    assert not logged_in(client)
    assert admin_login(client, "mod-erin", PASSWORD, ip="203.0.113.5").status_code == 302
    assert client.get(LOGIN_URL, REMOTE_ADDR=IP).status_code in (200, 302)  # the page itself is not limited
