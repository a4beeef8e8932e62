"""Browser-test fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Tests marked `browser` are skipped only when no `chromium` binary is on PATH; with
REQUIRE_BROWSER=1 (CI) a skipped browser test fails the run. Playwright never downloads a
browser here: it is pointed at the system package (`executable_path=shutil.which("chromium")`).
axe-core comes from the npm registry (`package.json`, installed by `make install`) and is
evaluated in the page, so it runs under the page's Content-Security-Policy untouched.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

_skipped_browser: list[str] = []


def chromium_path() -> str | None:
    return shutil.which("chromium")


def pytest_collection_modifyitems(config, items):
    if chromium_path():
        return
    skip = pytest.mark.skip(reason="needs Chromium: apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_runtest_logreport(report):
    if report.skipped and "browser" in report.keywords:
        _skipped_browser.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("REQUIRE_BROWSER") == "1" and _skipped_browser:
        print(f"\nREQUIRE_BROWSER=1 but {len(_skipped_browser)} browser test(s) were skipped")
        session.exitstatus = 1


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module (the Debian package, never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if not executable:
        pytest.skip("needs Chromium: apt-get install chromium")
    # Playwright's sync API keeps an event loop running in this thread while it is started; the
    # ORM calls the tests make between browser steps are still synchronous, so Django's async
    # guard is told so while this module's browser runs (and only then).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True)
            yield browser
            browser.close()


@pytest.fixture
def open_page(chromium, live_server) -> Iterator[Callable]:
    """open_page(path, viewport=DESKTOP) -> a Playwright page on the live server, closed afterwards."""
    contexts = []

    def _open(path: str = "/", viewport: dict | None = None, **context_options):
        context = chromium.new_context(viewport=viewport or DESKTOP, base_url=live_server.url, **context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(path)
        return page

    yield _open
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.x A and AA rules)."""
    if not AXE_SOURCE.exists():
        raise AssertionError(f"{AXE_SOURCE} is missing: run `make install` (npm ci) first")
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]
