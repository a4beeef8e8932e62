"""Real concurrency on PostgreSQL (each thread its own connection): two moderators banning the same value at
once make one ban and one conflict; two lifting one ban at once make one lift."""

import threading

import pytest
from django.db import connection

from community.models import Sanction, SanctionLift
from community.sanctions import SanctionAlreadyLifted, SanctionExists, sanction_create, sanction_lift
from moderation.tests.factories import ModeratorFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 20


def run_at_once(*targets):
    """Start every target together, each on its own connection; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def wrap(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except BaseException as exc:  # returned to the test thread
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_moderators_banning_the_same_address_at_once_make_one_ban():
    first, second = ModeratorFactory(username="first"), ModeratorFactory(username="second")
    for n in range(ROUNDS):
        value = f"troll{n}@example.org"

        def banner(moderator, written):
            return lambda: sanction_create(actor=moderator, kind="email", value=written, reasons=["abuse"])

        # Two spellings of one address: the lock is taken on the normalised value.
        results = run_at_once(banner(first, value), banner(second, value.upper()))

        made = [r for r in results if isinstance(r, Sanction)]
        refused = [r for r in results if isinstance(r, SanctionExists)]
        assert (len(made), len(refused)) == (1, 1), results
        assert refused[0].existing.pk == made[0].pk
        assert Sanction.objects.filter(value=value).count() == 1


def test_bans_on_different_values_do_not_wait_for_each_other_s_conflict():
    moderators = [ModeratorFactory() for _ in range(4)]

    results = run_at_once(
        *[
            (lambda m=m, n=n: sanction_create(actor=m, kind="ip", value=f"192.0.{n}.0/24", reasons=["promotion"]))
            for n, m in enumerate(moderators)
        ]
    )

    assert all(isinstance(r, Sanction) for r in results), results
    assert Sanction.objects.count() == 4


def test_two_moderators_lifting_one_ban_at_once_make_one_lift():
    first, second = ModeratorFactory(username="first"), ModeratorFactory(username="second")
    for n in range(ROUNDS):
        ban = sanction_create(actor=first, kind="email", value=f"lift{n}@example.org", reasons=["abuse"])

        def lifter(moderator):
            seen = Sanction.objects.get(pk=ban.pk)  # what this moderator's page showed
            return lambda: sanction_lift(sanction=seen, actor=moderator, note=moderator.username)

        results = run_at_once(lifter(first), lifter(second))

        lifts = [r for r in results if isinstance(r, SanctionLift)]
        refused = [r for r in results if isinstance(r, SanctionAlreadyLifted)]
        assert (len(lifts), len(refused)) == (1, 1), results
        stored = SanctionLift.objects.get(sanction=ban)
        assert stored.pk == lifts[0].pk
        assert refused[0].lift is not None and refused[0].lift.lifted_by == stored.lifted_by
