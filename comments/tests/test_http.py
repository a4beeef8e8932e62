import pytest
from django.test import RequestFactory

from comments.http import client_ip, user_agent


def _request(remote_addr="192.0.2.10", forwarded=None, **extra):
    meta = {"REMOTE_ADDR": remote_addr, **extra}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_no_trusted_proxy_uses_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request("192.0.2.10")) == "192.0.2.10"


def test_no_trusted_proxy_ignores_forwarded_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request("192.0.2.10", forwarded="198.51.100.1")) == "192.0.2.10"


def test_one_trusted_proxy_uses_last_forwarded_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # A client may send its own (spoofed) X-Forwarded-For; the proxy appends the real address.
    request = _request("10.0.0.1", forwarded="6.6.6.6, 198.51.100.1")

    assert client_ip(request) == "198.51.100.1"


def test_two_trusted_proxies_use_second_to_last_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request("10.0.0.2", forwarded="6.6.6.6, 198.51.100.1, 10.0.0.1")

    assert client_ip(request) == "198.51.100.1"


def test_forwarded_entries_are_whitespace_tolerant(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request("10.0.0.1", forwarded="  198.51.100.1  ")) == "198.51.100.1"


def test_trusted_proxy_without_enough_forwarded_entries_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request("192.0.2.10", forwarded="198.51.100.1")) == "192.0.2.10"


def test_ipv6_address_is_normalised(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request("2001:DB8:0:0::1")) == "2001:db8::1"


@pytest.mark.parametrize("garbage", ["", "not-an-ip", "999.1.1.1", "1.2.3.4:8080", "<script>"])
def test_garbage_remote_addr_gives_none(settings, garbage):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(garbage)) is None


@pytest.mark.parametrize("garbage", ["unknown", "1.2.3", "::zz", "198.51.100.1;drop"])
def test_garbage_forwarded_entry_gives_none(settings, garbage):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request("10.0.0.1", forwarded=garbage)) is None


def test_missing_remote_addr_gives_none(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]

    assert client_ip(request) is None


def test_user_agent_header_is_returned_or_empty():
    assert user_agent(_request(HTTP_USER_AGENT="Firefox/130")) == "Firefox/130"
    assert user_agent(_request()) == ""
