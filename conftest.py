"""Project-wide pytest set-up.

With REQUIRE_POSTGRES=1 (CI's PostgreSQL run) the session fails unless the
database really is PostgreSQL and no test was skipped: a PostgreSQL test
that silently skips would otherwise pass CI without running.
"""
import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("REQUIRE_POSTGRES") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if connection.vendor != "postgresql":
        print(f"\nREQUIRE_POSTGRES=1 but the database is {connection.vendor}")
        session.exitstatus = 1
    elif skipped:
        print(f"\nREQUIRE_POSTGRES=1 but {skipped} test(s) were skipped")
        session.exitstatus = 1
