"""Every history test gets private config and data folders (never the real ones)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_folders_for_every_test(private_folders: dict) -> dict:
    return private_folders
