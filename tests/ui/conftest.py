"""Fixtures of the UI tests: a session's headless chromium and a page per test
(defined in tests/browser.py, which also starts Voila servers and saves screenshots)."""

from tests.browser import browser_context, browser_page  # noqa: F401
