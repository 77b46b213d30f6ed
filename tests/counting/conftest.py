"""Paths to the Pabulib files the counting tests read."""

from __future__ import annotations

from pathlib import Path

import pytest

# A handful of small Pabulib files copied into the repository (see tests/data/pabulib/SOURCE.md).
LOCAL_PABULIB = Path(__file__).resolve().parents[1] / "data" / "pabulib"
# The full shared set lives next to the repository, outside it: ../shared/pabulib.
SHARED_PABULIB = Path(__file__).resolve().parents[2].parent / "shared" / "pabulib"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """This package's conformance tests (minutes of CPU over ../shared) run only with `-m conformance`."""
    if "conformance" in (config.getoption("markexpr") or ""):
        return
    here = Path(__file__).resolve().parent
    kept = [
        item
        for item in items
        if item.get_closest_marker("conformance") is None or here not in Path(str(item.path)).resolve().parents
    ]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
