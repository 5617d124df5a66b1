"""The browser harness of Beffroi (tests/browser/conftest.py) for this plugin's browser
tests: its fixtures (``live``, ``chromium``, ``page``, ``axe``) and skip rule, loaded
from the checkout rather than copied."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[4] / "tests" / "browser" / "conftest.py"

if HARNESS.exists():
    _spec = importlib.util.spec_from_file_location("beffroi_browser_harness_budgets", HARNESS)
    harness = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(harness)
    live, chromium, page, axe = harness.live, harness.chromium, harness.page, harness.axe
    pytest_runtest_makereport = harness.pytest_runtest_makereport

    def pytest_collection_modifyitems(config, items):
        harness.pytest_collection_modifyitems(config, [i for i in items if "budgets" in str(i.fspath)])
else:                                   # the plugin tested outside a Beffroi checkout
    @pytest.fixture
    def live():
        pytest.skip("the Beffroi browser harness (tests/browser) is not here")
    chromium = page = axe = live
