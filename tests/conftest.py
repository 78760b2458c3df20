"""Shared fixtures of the browser tests (marker `browser`): one headless Chromium per session, and
the page-weight report printed at the end of the run."""

import pytest

import site_checks

PAGE_WEIGHTS = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Skipped where it is missing, except under CI."""
    reason = site_checks.missing_browser()
    if reason:
        if site_checks.under_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = site_checks.launch(playwright, site_checks.find_chromium())
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def page_weights(request):
    """Bytes transferred per page, filled by the tests and printed by pytest_terminal_summary."""
    return request.config.stash.setdefault(PAGE_WEIGHTS, {})


def pytest_terminal_summary(terminalreporter, config):
    weights = config.stash.get(PAGE_WEIGHTS, {})
    if not weights:
        return
    terminalreporter.write_sep(
        "-", "page weight: bytes transferred on a first visit (empty cache)"
    )
    for page, size in sorted(weights.items()):
        terminalreporter.write_line(f"{size:>12,} B  {size / 2**20:5.2f} MiB  {page}")
