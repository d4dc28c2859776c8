"""Imports the reference engine, by file path if the package is not importable (extension not built)."""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

_REFERENCE_DIR = Path(__file__).resolve().parents[2] / "python" / "ferrosampler" / "reference"


def load_reference():
    """(chacha, _engine) of the reference; by file path if the package is not importable yet."""
    try:
        from ferrosampler.reference import _engine
        from ferrosampler.reference._engine import chacha

        return chacha, _engine
    except ImportError:
        pass
    # An empty stand-in package: the real package __init__ imports the (maybe unbuilt) extension,
    # while _engine needs nothing but itself (chacha included).
    name = "_ferrosampler_reference_under_test"
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(_REFERENCE_DIR)]
        sys.modules[name] = package
    return importlib.import_module(f"{name}._engine.chacha"), importlib.import_module(f"{name}._engine")
