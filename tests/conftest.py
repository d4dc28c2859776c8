"""Fixtures that run one test against both engines: the Rust extension and the pure-Python reference."""

from __future__ import annotations

import types

import pytest

import ferrosampler
import ferrosampler._core
import ferrosampler.mindspore
import ferrosampler.reference
import ferrosampler.reference.mindspore
from ferrosampler.reference import _engine


@pytest.fixture(params=[ferrosampler._core, _engine], ids=["rust", "reference"])
def engine(request: pytest.FixtureRequest) -> types.ModuleType:
    """The engine functions: ``ferrosampler._core`` or ``ferrosampler.reference._engine``."""
    return request.param


@pytest.fixture(params=[ferrosampler, ferrosampler.reference], ids=["rust", "reference"])
def family(request: pytest.FixtureRequest) -> types.ModuleType:
    """The torch-compatible classes on either engine: ``ferrosampler`` or ``ferrosampler.reference``."""
    return request.param


@pytest.fixture(params=[ferrosampler.mindspore, ferrosampler.reference.mindspore], ids=["rust", "reference"])
def mindspore_family(request: pytest.FixtureRequest) -> types.ModuleType:
    """The MindSpore-compatible classes on either engine."""
    return request.param
