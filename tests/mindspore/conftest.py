"""The MindSpore tests' fixture for MindSpore's global config seed."""

from __future__ import annotations

import pytest


@pytest.fixture
def mindspore_seed():
    """Sets mindspore.dataset.config's seed for one test, then restores the default."""
    ds = pytest.importorskip("mindspore.dataset")
    previous = ds.config.get_seed()
    yield ds.config.set_seed
    ds.config.set_seed(previous)
