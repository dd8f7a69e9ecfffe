"""The register demo is tested here on its own: every app's demo data has its own tests
(tests/<app>/test_demo_*.py), and building all of them for each test here would cost minutes.
`test_demo_build.py` checks that the builder runs the apps' hooks, with stand-ins."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _register_demo_only(request, monkeypatch):
    if request.node.get_closest_marker("with_app_hooks"):
        return
    monkeypatch.setattr("senim.demo.builder.app_hooks", lambda: [])
