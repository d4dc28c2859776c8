"""Checkpoints outlive releases: every state_dict saved by ferrosampler at commit b8619a5 (the code as released)
loads into the current code and resumes exactly as it did then.

``saved_states_b8619a5.json`` holds, per case, how to build the sampler (class path and arguments; a dataset is
``{"$range": n}``, a torch.Generator ``{"$generator": seed}``, an inner sampler ``{"$sampler": spec}``), the
state (saved by b8619a5, through JSON), the resume calls and the expected continuation: the rest of the saved
epoch and the whole next one, for each rank of each world it is resumed on (the sharded samplers resume
elastically, on another world size too). This module reads only that file; ``generate_saved_states.py`` wrote
it once with the b8619a5 code, checking each continuation against an uninterrupted run or, on another world
size, against docs/spec.md §14's serving rule, and is never run again.

Resume calls: ``plain`` is ``load_state_dict(state)`` then two ``list(sampler)``; ``set_epoch`` (the
DistributedSampler protocol) is ``load_state_dict(state)``, ``set_epoch(e)``, ``list``, ``set_epoch(e + 1)``,
``list``, with ``e = state["epoch"]``. A case with ``torch_manual_seed`` (an unseeded sampler on torch's global
generator) seeds torch with it just before ``load_state_dict``.

Boundary cases (``"boundary": true``): the state was saved after a whole epoch was handed out, the iterator
exhausted and no new one created: it records that epoch at its end, so its rest is empty and the epoch after
it follows (``b8619a5_yields``, what b8619a5 yields; ``expected`` records the two epochs after it). That is
what torchdata's StatefulDataLoader needs of a state saved after an epoch's last batch. A state saved after
``iter()`` opened the next epoch records that epoch's start instead (tests/resume/test_sampler_state.py). The
same place resumed with ``set_epoch`` calls is not a boundary case: ``set_epoch(e)`` asks for the saved epoch,
whose rest is empty, then ``set_epoch(e + 1)`` for the next, as the uninterrupted loop reads them.
"""

from __future__ import annotations

import copy
import importlib
import importlib.abc
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURE = Path(__file__).with_name("saved_states_b8619a5.json")

# Every family with a state_dict, as the fixture names them: each must have cases.
FAMILIES = {
    "torch.SequentialSampler", "torch.RandomSampler", "torch.SubsetRandomSampler", "torch.WeightedRandomSampler",
    "torch.BatchSampler", "DistributedSampler", "DistributedSamplerWrapper", "DistributedWeightedSampler",
    "PKBatchSampler", "MPerClassSampler", "mindspore.SequentialSampler", "mindspore.RandomSampler",
    "mindspore.SubsetRandomSampler", "mindspore.SubsetSampler", "mindspore.WeightedRandomSampler",
    "mindspore.DistributedSampler", "mindspore.PKSampler", "mindspore.chain",
}  # fmt: skip
# Where each family's states were taken (after how much of which epoch), as the fixture names them.
TAKEN = ("idle", "mid-epoch 0", "mid-epoch 2", "end of epoch 1", "after set_epoch(3)")


def load_fixture(path: Path = FIXTURE) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return fixture


def decode(value: Any) -> Any:
    """A constructor argument from its JSON form."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        if "$range" in value:
            return range(value["$range"])
        if "$generator" in value:
            import torch

            return torch.Generator().manual_seed(value["$generator"])
        if "$sampler" in value:
            return build(value["$sampler"])
        return {name: decode(item) for name, item in value.items()}
    return value


def build(spec: dict[str, Any], world: dict[str, int] | None = None) -> Any:
    """The sampler a spec describes: ``class(*args, **kwargs, **world)``, then ``add_child`` and
    ``set_dataset_size`` (MindSpore chains) if given."""
    module, name = spec["class"].rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    kwargs = decode(spec.get("kwargs", {}))
    if world is not None:
        kwargs.update(world)
    sampler = cls(*decode(spec.get("args", [])), **kwargs)
    if "add_child" in spec:
        sampler.add_child(build(spec["add_child"]))
    if "set_dataset_size" in spec:
        sampler.set_dataset_size(spec["set_dataset_size"])
    return sampler


def plain(values: Any) -> list[Any]:
    """Yielded values as JSON has them (ints, batches as lists)."""
    return [plain(value) if isinstance(value, (list, tuple)) else int(value) for value in values]


def resume(case: dict[str, Any], world: dict[str, int] | None) -> list[list[Any]]:
    """What a fresh sampler of ``world`` yields after loading the case's state: the two epochs the calls read."""
    sampler = build(case["build"], world)
    state = copy.deepcopy(case["state"])
    if case.get("torch_manual_seed") is not None:
        import torch

        torch.manual_seed(case["torch_manual_seed"])
    sampler.load_state_dict(state)
    epochs = []
    for step in range(2):
        if case["calls"] == "set_epoch":
            sampler.set_epoch(state["epoch"] + step)
        epochs.append(plain(sampler))
    return epochs


def check(case: dict[str, Any]) -> None:
    for target in case["resume"]:
        world = target["world"]
        if case.get("torch_manual_seed") is not None:
            import torch

            with torch.random.fork_rng(devices=[]):  # torch's global generator is left as it was
                got = resume(case, world)
        else:
            got = resume(case, world)
        # A boundary state's own epoch has an empty rest, then the next epoch follows.
        wanted = target["b8619a5_yields"] if case["boundary"] else target["expected"]
        assert got == wanted, f"resumed on world {world}"
        if case["boundary"]:
            assert got[0] == [] and got[1] == target["expected"][0], "the epoch after the saved one follows"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # At collection (not import), so the generator can import this module before the fixture exists.
    if "case_id" not in metafunc.fixturenames:
        return
    params = []
    for case_id, case in sorted(load_fixture()["cases"].items()):
        marks = []
        if case.get("torch_manual_seed") is not None:
            marks.append(pytest.mark.thread_unsafe)  # torch's global generator
        params.append(pytest.param(case_id, marks=marks, id=case_id))
    metafunc.parametrize("case_id", params)


@pytest.fixture(scope="module")
def fixture_cases() -> dict[str, Any]:
    cases: dict[str, Any] = load_fixture()["cases"]
    return cases


def test_saved_state_resumes_as_recorded(case_id: str, fixture_cases: dict[str, Any]) -> None:
    case = fixture_cases[case_id]
    if case["family"].startswith("mindspore."):
        pytest.importorskip("mindspore.dataset", reason="MindSpore is not installed: its samplers' states are skipped")
    check(case)


def test_fixture_covers_every_family_and_state() -> None:
    fixture = load_fixture()
    cases = fixture["cases"].values()
    assert fixture["saved_by"] == "b8619a5"
    assert {case["family"] for case in cases} == FAMILIES
    for family in FAMILIES:
        assert {case["taken"] for case in cases if case["family"] == family} == set(TAKEN), family
    elastic = [case for case in cases if case["resume"][0]["world"] is not None]
    assert all(len({target["world"]["num_replicas"] for target in case["resume"]}) == 2 for case in elastic)
    assert FIXTURE.stat().st_size < 1_000_000


class _Refuse(importlib.abc.MetaPathFinder):
    """Refuses to import the generator, so a test that needed it fails."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if "generate_saved_states" in name:
            raise ImportError(f"{name} must not be needed at test time")


@pytest.mark.thread_unsafe  # sys.meta_path
def test_the_generator_is_not_needed(tmp_path: Path) -> None:
    # This module and the JSON alone, in a folder without the generator, with the generator unimportable.
    copied = tmp_path / "test_saved_states_copy.py"
    shutil.copy(__file__, copied)
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    refuse = _Refuse()
    sys.meta_path.insert(0, refuse)
    try:
        spec = importlib.util.spec_from_file_location("test_saved_states_copy", copied)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert tmp_path / FIXTURE.name == module.FIXTURE
        cases = module.load_fixture()["cases"]
        for case in cases.values():
            if not case["boundary"] and not case["family"].startswith("mindspore."):
                module.check(case)
    finally:
        sys.meta_path.remove(refuse)
    assert not any("generate_saved_states" in name for name in sys.modules)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([copied.name, FIXTURE.name])
