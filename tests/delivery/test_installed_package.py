"""Packaging facts: where the tests import ferrosampler from, and the wheel's metadata."""

from __future__ import annotations

import importlib.metadata
import json
import os
import pathlib
import sysconfig

import pytest

import ferrosampler
import ferrosampler._core


@pytest.mark.skipif(
    os.environ.get("FERROSAMPLER_EXPECT_INSTALLED") != "1",
    reason="only scripts/test.sh promises a wheel install (set FERROSAMPLER_EXPECT_INSTALLED=1)",
)
def test_the_suite_runs_against_the_installed_wheel() -> None:
    site = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
    for module in (ferrosampler, ferrosampler._core):
        assert site in pathlib.Path(module.__file__).resolve().parents, module.__file__
    # An editable install leaves a .pth or a direct_url.json pointing at the source tree.
    direct_url = importlib.metadata.distribution("ferrosampler").read_text("direct_url.json")
    assert direct_url is None or json.loads(direct_url).get("dir_info", {}).get("editable") is not True


def test_metadata_declares_the_licences_by_spdx_expression() -> None:
    dist = importlib.metadata.distribution("ferrosampler")
    assert dist.metadata["License-Expression"] == "MIT OR Apache-2.0"
    assert sorted(dist.metadata.get_all("License-File") or []) == ["LICENSE-APACHE", "LICENSE-MIT"]
    assert dist.version == ferrosampler.__version__


def test_classifiers_are_known_to_pypi() -> None:
    trove = pytest.importorskip("trove_classifiers")
    classifiers = importlib.metadata.distribution("ferrosampler").metadata.get_all("Classifier") or []
    assert classifiers
    assert [c for c in classifiers if c not in trove.classifiers] == []
