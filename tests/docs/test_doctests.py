"""The docstrings' examples, run as doctests against the installed package.

pytest's ``--doctest-modules`` collects from the source tree (python/, not on sys.path here, and
not what scripts/test.sh tests), so this module imports every module of the installed package and
runs the examples it defines, one test per module. A floor on the number of examples keeps the
test from passing vacuously.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ferrosampler

# The private engine's helpers have no examples of their own; the CLI's are tested in tests/cli.
_SKIPPED = ("ferrosampler._cli", "ferrosampler._core")
_MINIMUM_EXAMPLES = 200
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
_PENDING: dict[str, set[str]] = {}  # every public name has an example


def _module_names() -> list[str]:
    modules = pkgutil.walk_packages(ferrosampler.__path__, prefix="ferrosampler.")
    return sorted(["ferrosampler", *(module.name for module in modules if not module.name.startswith(_SKIPPED))])


def _tests(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [test for test in doctest.DocTestFinder().find(module, name) if test.examples]


@pytest.mark.parametrize("name", _module_names())
def test_module_examples(name):
    if name == "ferrosampler.grain":  # its examples build Grain adapters
        pytest.importorskip("grain")
    runner = doctest.DocTestRunner(optionflags=_FLAGS)
    for test in _tests(name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name} (output above)"


def test_the_examples_are_there():
    counted = sum(len(test.examples) for name in _module_names() for test in _tests(name))
    assert counted >= _MINIMUM_EXAMPLES, f"only {counted} doctest examples found; the docstrings lost theirs"


@pytest.mark.parametrize("public", ["ferrosampler", "ferrosampler.mindspore", "ferrosampler.reference"])
def test_every_public_name_has_an_example(public):
    """Each class and function in ``__all__`` carries a docstring with an Examples section."""
    module = importlib.import_module(public)
    missing = []
    for attribute in module.__all__:
        obj = getattr(module, attribute)
        if isinstance(obj, int) or attribute in _PENDING.get(public, ()):  # SPEC_VERSION: in the module docstring
            continue
        if attribute == "Shuffle" and not obj.__module__.startswith("ferrosampler"):
            continue  # MindSpore's own enum when it is installed
        if ">>>" not in (obj.__doc__ or ""):
            missing.append(attribute)
    assert not missing, f"{public}: no example in the docstring of {missing}"
