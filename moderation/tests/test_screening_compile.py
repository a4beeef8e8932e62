"""A long new term list is compiled in the background: comments meanwhile are checked with the list the
process already had, never made to wait; short lists are seen on the very next comment as before."""

import threading

import pytest

from moderation import screening
from moderation.checks.rules import terms as terms_rule
from moderation.models import GuidelineTerm
from moderation.screening import bump_terms_version, screening_terms

pytestmark = pytest.mark.django_db(transaction=True)  # the compile thread reads the table on its own connection


@pytest.fixture
def frozen_clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(screening, "_clock", lambda: now[0])
    return now


@pytest.fixture
def slow_compile(monkeypatch):
    """compile_terms that waits for the test to let it finish (a 50,000-term list, in effect)."""
    release = threading.Event()
    real = terms_rule.compile_terms

    def compile_terms(terms):
        release.wait(10)
        return real(terms)

    monkeypatch.setattr(screening, "compile_terms", compile_terms)
    monkeypatch.setattr(screening, "BACKGROUND_COMPILE_TERMS", 3)
    return release


def add_terms(*words):
    GuidelineTerm.objects.bulk_create([GuidelineTerm(category="promotion", term=w, kind="suspect") for w in words])
    bump_terms_version()  # what the receivers do once the change commits


def test_a_long_new_list_is_compiled_in_the_background_while_the_old_one_serves(frozen_clock, slow_compile):
    add_terms("alpha")
    assert screening_terms().suspect["promotion"] == ("alpha",)  # short: compiled in the request

    add_terms("bravo", "charlie", "delta")  # now 4 terms: past the threshold
    served = screening_terms()  # returns at once, although the compile is held back
    assert served.suspect["promotion"] == ("alpha",)
    assert screening_terms().suspect["promotion"] == ("alpha",)  # still compiling: still the old list
    thread = screening._compiling["thread"]
    assert thread.is_alive()

    slow_compile.set()
    thread.join(10)

    assert screening_terms().suspect["promotion"] == ("alpha", "bravo", "charlie", "delta")
    assert screening._compiling["stamp"] is None


def test_a_process_with_no_list_yet_compiles_in_the_request(monkeypatch, frozen_clock):
    monkeypatch.setattr(screening, "BACKGROUND_COMPILE_TERMS", 1)
    monkeypatch.setattr(
        screening,
        "_copy",
        screening._TermsCopy(terms=screening.TermList(), stamp=None, token=None, checked_at=float("-inf"), ready=False),
    )
    add_terms("echo", "foxtrot")
    assert screening_terms().suspect["promotion"] == ("echo", "foxtrot")  # nothing older to serve with


def test_a_short_list_is_seen_on_the_next_comment(frozen_clock):
    screening_terms()
    add_terms("golf")
    assert "golf" in screening_terms().suspect["promotion"]
