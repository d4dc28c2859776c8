"""Writes tests/resume/saved_states_b8619a5.json: state_dicts saved by ferrosampler at commit b8619a5 and the
continuation each must resume, for tests/resume/test_saved_states.py (which reads only the JSON).

Run once, with the b8619a5 code built (it refuses to run if python/ or src/ differ from b8619a5):

    .venv/bin/python tests/resume/generate_saved_states.py

Every sampler with a state_dict, on small data, saves states at five places (idle; mid-epoch 0; mid-epoch 2;
the end of epoch 1, its iterator exhausted; after set_epoch(3)). For each, a fresh sampler loads the state
and the continuation is recorded, after it is checked against an independent expectation:

- on the saving world (or unsharded): the uninterrupted run of the sampler that saved the state (the rest of
  its live iterator, then its next epoch; after a whole epoch, its next two epochs under plain calls);
- on another world size (elastic resume, docs/spec.md §14): rank r reads global positions s + r + j·R′ of the
  epoch's global order from s = state["position"], the order read off a world-1 sampler, the inner sampler or
  ``reference._literal``; the next epoch is a fresh sampler's.

A continuation that differs from its expectation stops the script, except the known bug: a state saved at an
epoch's end, resumed with plain calls, yields an empty epoch first. Such a case records the expectation and
``"boundary": true`` (and what b8619a5 yielded instead).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

import ferrosampler  # noqa: E402
from ferrosampler.reference import _literal  # noqa: E402
from tests.resume import test_saved_states as replay  # noqa: E402

SAVED_BY = "b8619a5"
TAKEN = replay.TAKEN
SCENARIO_SEED = 2024  # torch's global generator before each scenario: unseeded samplers draw alike every run
LABELS = [0, 1, 2, 3, 0, 1, 2, 0, 1, 0, 3, 2, 1, 0, 2, 3]  # 16 rows; classes of 5, 4, 4, 3 rows
WEIGHTS = [0.5, 1.0, 2.0, 0.0, 3.0, 1.5, 1.0, 2.5, 0.25, 1.0, 2.0, 0.75]


def spec(cls: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"class": cls}
    if args:
        out["args"] = list(args)
    if kwargs:
        out["kwargs"] = kwargs
    return out


def rng(n: int) -> dict[str, int]:
    return {"$range": n}


def inner(value: dict[str, Any]) -> dict[str, Any]:
    return {"$sampler": value}


def generator(seed: int) -> dict[str, int]:
    return {"$generator": seed}


def share(remaining: int, world: int, drop_last: bool) -> int:
    return remaining // world if drop_last else -(-remaining // world)


@dataclass
class Config:
    """One sampler, built alike for saving and resuming; ``world``/``other``: the saving world and the other world
    size it is resumed on (sharded samplers); ``value(epoch)``: global position -> its outputs (docs/spec.md §14)."""

    name: str
    family: str
    spec: dict[str, Any]
    calls: tuple[str, ...] = ("plain",)
    taken: tuple[str, ...] = TAKEN
    world: int | None = None
    other: int | None = None
    torch_manual_seed: int | None = None
    seeded: bool = True  # a fixed seed: a fresh sampler's epoch e is the saved run's epoch e
    value: Callable[[int], Callable[[int], list[Any]]] | None = None
    length_field: str = "n"  # the state field holding the global length
    drop_last: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def order_of(make: Callable[[int], list[Any]]) -> Callable[[int], Callable[[int], list[Any]]]:
    """Position p of an epoch whose global order is the list ``make(epoch)``, padding read mod its length."""

    def value(epoch: int) -> Callable[[int], list[Any]]:
        order = make(epoch)
        return lambda p: [order[p % len(order)]]

    return value


def fresh_epoch(sampler_spec: dict[str, Any], epoch: int) -> list[Any]:
    sampler = replay.build(sampler_spec)
    sampler.set_epoch(epoch)
    return replay.plain(sampler)


def pk_value(p: int, k: int, num_batches: int, seed: int) -> Callable[[int], Callable[[int], list[Any]]]:
    # Padding positions (≥ num_batches) are further batches of the epoch, not repeats (spec §21).
    def value(epoch: int) -> Callable[[int], list[Any]]:
        batches = _literal.pk_epoch_literal(LABELS, p, k, num_batches + 8, seed, epoch)
        return lambda position: [batches[position]]

    return value


def m_value(m: int, batch_size: int | None, grain: int, seed: int) -> Callable[[int], Callable[[int], list[Any]]]:
    # Global unit u is the first unit of rank u in a world of u + 1 ranks; a length of one unit reads its E indices.
    def value(epoch: int) -> Callable[[int], list[Any]]:
        return lambda u: _literal.m_per_class_literal(
            LABELS, m, batch_size, grain, seed, epoch, num_replicas=u + 1, rank=u
        )

    return value


def torch_configs() -> list[Config]:
    t = "ferrosampler."
    random_spec = spec(t + "RandomSampler", rng(10), seed=61)
    batch_spec = spec(t + "BatchSampler", inner(spec(t + "RandomSampler", rng(11), seed=62)), 3, False)
    weighted_spec = spec(t + "WeightedRandomSampler", WEIGHTS, 13, seed=63)
    return [
        Config("sequential", "torch.SequentialSampler", spec(t + "SequentialSampler", rng(7)), ("plain", "set_epoch")),
        Config("random-feistel", "torch.RandomSampler", spec(t + "RandomSampler", rng(9), seed=11),
               ("plain", "set_epoch")),
        Config("random-fisher-yates", "torch.RandomSampler",
               spec(t + "RandomSampler", rng(9), seed=12, permutation="fisher-yates")),
        Config("random-blocks-feistel", "torch.RandomSampler",
               spec(t + "RandomSampler", rng(5), num_samples=13, seed=13)),
        Config("random-blocks-fisher-yates", "torch.RandomSampler",
               spec(t + "RandomSampler", rng(5), num_samples=13, seed=14, permutation="fisher-yates")),
        Config("random-replacement", "torch.RandomSampler",
               spec(t + "RandomSampler", rng(6), replacement=True, num_samples=10, seed=15)),
        Config("random-int-generator", "torch.RandomSampler", spec(t + "RandomSampler", rng(8), generator=16)),
        Config("random-torch-generator", "torch.RandomSampler",
               spec(t + "RandomSampler", rng(8), generator=generator(17)), seeded=False),
        Config("random-replacement-torch-generator", "torch.RandomSampler",
               spec(t + "RandomSampler", rng(6), replacement=True, num_samples=9, generator=generator(18)),
               seeded=False),
        Config("random-global", "torch.RandomSampler", spec(t + "RandomSampler", rng(8)), torch_manual_seed=19,
               seeded=False),
        Config("subset-feistel", "torch.SubsetRandomSampler",
               spec(t + "SubsetRandomSampler", [3, 14, 15, 92, 65, 35, 89, 79], seed=21)),
        Config("subset-fisher-yates", "torch.SubsetRandomSampler",
               spec(t + "SubsetRandomSampler", [3, 14, 15, 92, 65, 35, 89, 79], seed=22, permutation="fisher-yates")),
        Config("subset-torch-generator", "torch.SubsetRandomSampler",
               spec(t + "SubsetRandomSampler", [2, 7, 1, 8, 28, 18], generator=generator(23)), seeded=False),
        Config("weighted-replacement", "torch.WeightedRandomSampler",
               spec(t + "WeightedRandomSampler", WEIGHTS, 12, seed=31)),
        Config("weighted-without-replacement", "torch.WeightedRandomSampler",
               spec(t + "WeightedRandomSampler", WEIGHTS, 7, replacement=False, seed=32)),
        Config("weighted-torch-generator", "torch.WeightedRandomSampler",
               spec(t + "WeightedRandomSampler", WEIGHTS, 9, generator=generator(33)), seeded=False),
        Config("batch-random", "torch.BatchSampler",
               spec(t + "BatchSampler", inner(spec(t + "RandomSampler", rng(10), seed=41)), 3, False)),
        Config("batch-random-drop-last", "torch.BatchSampler",
               spec(t + "BatchSampler", inner(spec(t + "RandomSampler", rng(10), seed=42)), 3, True)),
        Config("distributed-shuffle", "DistributedSampler", spec(t + "DistributedSampler", rng(10), seed=51),
               ("set_epoch",), world=3, other=2,
               value=order_of(lambda e: fresh_epoch(spec(t + "DistributedSampler", rng(10), 1, 0, seed=51), e))),
        Config("distributed-shuffle-drop-last", "DistributedSampler",
               spec(t + "DistributedSampler", rng(10), seed=52, drop_last=True), ("set_epoch",), world=3, other=2,
               value=order_of(lambda e: fresh_epoch(spec(t + "DistributedSampler", rng(10), 1, 0, seed=52), e)),
               drop_last=True),
        Config("distributed-ordered", "DistributedSampler", spec(t + "DistributedSampler", rng(11), shuffle=False),
               ("set_epoch",), world=2, other=3, value=order_of(lambda e: list(range(11)))),
        Config("distributed-fisher-yates-drop-last", "DistributedSampler",
               spec(t + "DistributedSampler", rng(9), seed=53, drop_last=True, permutation="fisher-yates"),
               ("set_epoch",), world=2, other=3, drop_last=True,
               value=order_of(lambda e: fresh_epoch(
                   spec(t + "DistributedSampler", rng(9), 1, 0, seed=53, permutation="fisher-yates"), e))),
        Config("wrapper-random", "DistributedSamplerWrapper",
               spec(t + "DistributedSamplerWrapper", inner(random_spec)), ("set_epoch", "plain"), world=2, other=3,
               value=order_of(lambda e: fresh_epoch(random_spec, e))),
        Config("wrapper-batch", "DistributedSamplerWrapper", spec(t + "DistributedSamplerWrapper", inner(batch_spec)),
               ("set_epoch",), world=2, other=3, value=order_of(lambda e: fresh_epoch(batch_spec, e))),
        Config("wrapper-weighted-drop-last", "DistributedSamplerWrapper",
               spec(t + "DistributedSamplerWrapper", inner(weighted_spec), drop_last=True), ("set_epoch",),
               world=3, other=2, drop_last=True, value=order_of(lambda e: fresh_epoch(weighted_spec, e))),
        Config("dws-replacement", "DistributedWeightedSampler",
               spec(t + "DistributedWeightedSampler", WEIGHTS, 14, seed=71), ("set_epoch",), world=3, other=2,
               length_field="num_samples",
               value=order_of(lambda e: fresh_epoch(spec(t + "WeightedRandomSampler", WEIGHTS, 14, seed=71), e))),
        Config("dws-without-replacement-drop-last", "DistributedWeightedSampler",
               spec(t + "DistributedWeightedSampler", WEIGHTS, 9, replacement=False, seed=72, drop_last=True),
               ("set_epoch",), world=2, other=3, length_field="num_samples", drop_last=True,
               value=order_of(lambda e: fresh_epoch(
                   spec(t + "WeightedRandomSampler", WEIGHTS, 9, replacement=False, seed=72), e))),
        Config("pk", "PKBatchSampler", spec(t + "PKBatchSampler", LABELS, 2, 2, num_batches=7, seed=81),
               ("plain", "set_epoch"), world=2, other=3, length_field="num_batches", value=pk_value(2, 2, 7, 81)),
        Config("pk-one-rank", "PKBatchSampler", spec(t + "PKBatchSampler", LABELS, 3, 2, num_batches=5, seed=82),
               world=1, other=2, length_field="num_batches", value=pk_value(3, 2, 5, 82)),
        Config("m-per-class-batches", "MPerClassSampler",
               spec(t + "MPerClassSampler", LABELS, 2, 4, 12, seed=91), ("plain", "set_epoch"), world=2, other=3,
               length_field="units", value=m_value(2, 4, 4, 91)),
        Config("m-per-class-passes", "MPerClassSampler", spec(t + "MPerClassSampler", LABELS, 2, None, 20, seed=92),
               world=1, other=2, length_field="units", value=m_value(2, None, 8, 92)),
    ]  # fmt: skip


def mindspore_configs() -> list[Config]:
    m = "ferrosampler.mindspore."
    chain = spec(m + "RandomSampler", seed=110)
    chain["add_child"] = spec(m + "SubsetRandomSampler", [1, 3, 5, 7, 9, 3], seed=111)
    chain["set_dataset_size"] = 10
    after_first_use = ("mid-epoch 0", "mid-epoch 2", "end of epoch 1")  # an unseeded one's state has its seed then
    return [
        Config("ms-sequential", "mindspore.SequentialSampler", spec(m + "SequentialSampler", 1, dataset_size=8)),
        Config("ms-random", "mindspore.RandomSampler", spec(m + "RandomSampler", seed=101, dataset_size=9)),
        Config("ms-random-fisher-yates", "mindspore.RandomSampler",
               spec(m + "RandomSampler", seed=102, dataset_size=9, permutation="fisher-yates")),
        Config("ms-random-replacement", "mindspore.RandomSampler",
               spec(m + "RandomSampler", True, 12, seed=103, dataset_size=7)),
        Config("ms-random-unseeded", "mindspore.RandomSampler", spec(m + "RandomSampler", dataset_size=8),
               taken=after_first_use, seeded=False),
        Config("ms-subset-random", "mindspore.SubsetRandomSampler",
               spec(m + "SubsetRandomSampler", [0, 2, 4, 6, 8, 2, 4], seed=104, dataset_size=10)),
        Config("ms-subset", "mindspore.SubsetSampler", spec(m + "SubsetSampler", [5, 3, 1, 4], dataset_size=6)),
        Config("ms-weighted", "mindspore.WeightedRandomSampler",
               spec(m + "WeightedRandomSampler", [1.0, 2.0, 0.0, 3.0, 1.0], 8, True, seed=105, dataset_size=5)),
        Config("ms-weighted-without-replacement", "mindspore.WeightedRandomSampler",
               spec(m + "WeightedRandomSampler", [1.0, 2.0, 0.0, 3.0, 1.0, 2.0], 4, False, seed=106, dataset_size=6)),
        Config("ms-distributed", "mindspore.DistributedSampler",
               spec(m + "DistributedSampler", 3, 1, seed=107, dataset_size=10)),
        Config("ms-distributed-offset", "mindspore.DistributedSampler",
               spec(m + "DistributedSampler", 3, 2, offset=1, seed=108, dataset_size=10)),
        Config("ms-pk", "mindspore.PKSampler", spec(m + "PKSampler", 2, shuffle=True, labels=LABELS, seed=109)),
        Config("ms-chain", "mindspore.chain", chain),
    ]  # fmt: skip


def json_round_trip(value: Any) -> Any:
    return json.loads(json.dumps(value))


def world_of(replicas: int | None, rank: int) -> dict[str, int] | None:
    return None if replicas is None else {"num_replicas": replicas, "rank": rank}


def advance(sampler: Any, calls: str, taken: str) -> Any:
    """Runs the sampler to the place ``taken`` names; returns the live iterator (None if none was started)."""
    if taken == "idle":
        return None
    if taken == "after set_epoch(3)":
        sampler.set_epoch(3)
        return None
    epochs_done = {"mid-epoch 0": 0, "mid-epoch 2": 2, "end of epoch 1": 1}[taken]
    for epoch in range(epochs_done):
        if calls == "set_epoch":
            sampler.set_epoch(epoch)
        list(sampler)
    if calls == "set_epoch":
        sampler.set_epoch(epochs_done)
    length = len(sampler)
    iterator = iter(sampler)
    if taken == "end of epoch 1":
        list(iterator)  # exhausted: StopIteration raised
        return iterator
    count = length // 2 if taken == "mid-epoch 0" else length - 1
    assert 0 < count < length, (taken, length)
    list(itertools.islice(iterator, count))
    return iterator


def uninterrupted(sampler: Any, iterator: Any, calls: str, taken: str, epoch: int) -> list[list[Any]]:
    """What the saving sampler itself reads next under these calls: the rest of the saved epoch and the next."""
    if calls == "set_epoch":
        if iterator is None:
            sampler.set_epoch(epoch)
            first = replay.plain(sampler)
        else:
            first = replay.plain(iterator)
        sampler.set_epoch(epoch + 1)
        return [first, replay.plain(sampler)]
    if iterator is not None and taken != "end of epoch 1":
        return [replay.plain(iterator), replay.plain(sampler)]
    return [replay.plain(sampler), replay.plain(sampler)]  # after an epoch's end, plain calls read the next two


def elastic(config: Config, state: dict[str, Any], calls: str, taken: str, world: int, rank: int) -> list[list[Any]]:
    """docs/spec.md §14 on another world: rank ``rank`` reads global positions s + rank + j·world of the saved
    epoch's global order, from s = state["position"]; then a fresh sampler's next epoch."""
    assert config.value is not None
    epoch, start, n = state["epoch"], state["position"], state[config.length_field]

    def fresh(number: int) -> list[Any]:
        sampler = replay.build(config.spec, world_of(world, rank))
        sampler.set_epoch(number)
        return replay.plain(sampler)

    if calls == "plain" and taken == "end of epoch 1":
        return [fresh(epoch + 1), fresh(epoch + 2)]
    value = config.value(epoch)
    first: list[Any] = []
    for j in range(share(n - start, world, config.drop_last)):
        first += value(start + rank + j * world)
    return [replay.plain(first), fresh(epoch + 1)]


def judge(case: dict[str, Any], got: list[list[Any]], expected: list[list[Any]], where: str) -> dict[str, Any]:
    """The recorded target: b8619a5's continuation if it is the expected one; the expected one (and the bug) if
    b8619a5 yields an empty epoch first at an epoch's end; anything else stops the script."""
    target: dict[str, Any] = {"expected": expected}
    if got == expected:
        return target
    at_end = case["taken"] == "end of epoch 1" and case["calls"] == "plain"
    if at_end and got[0] == [] and got[1] == expected[0] and expected[0]:
        target["b8619a5_yields"] = got
        return target
    raise AssertionError(f"{where}: resumed {got}, expected {expected}")


def cases_of(config: Config) -> dict[str, dict[str, Any]]:
    cases = {}
    for calls, taken in itertools.product(config.calls, config.taken):
        case_id = f"{config.name}.{taken.replace(' ', '-').replace('(', '').replace(')', '')}.{calls}"
        torch.manual_seed(SCENARIO_SEED)
        ranks = range(config.world) if config.world else [0]
        savers = [replay.build(config.spec, world_of(config.world, rank)) for rank in ranks]
        iterators = [advance(saver, calls, taken) for saver in savers]
        states = [json_round_trip(saver.state_dict()) for saver in savers]
        state = states[-1]  # in lockstep every rank saves the same state but its rank: the last rank's is kept
        assert all({**other, "rank": 0} == {**state, "rank": 0} for other in states), case_id
        kind = "mindspore.chain" if config.name == "ms-chain" else state["kind"]
        assert kind == config.family, (case_id, state["kind"])
        case: dict[str, Any] = {
            "family": config.family, "build": config.spec, "calls": calls, "taken": taken, "state": state,
        }  # fmt: skip
        if config.world:
            case["saved_on"] = world_of(config.world, config.world - 1)
        if config.torch_manual_seed is not None:
            case["torch_manual_seed"] = config.torch_manual_seed
            torch.manual_seed(config.torch_manual_seed)  # as the resume does, before its first draw
        same = [uninterrupted(s, it, calls, taken, state["epoch"]) for s, it in zip(savers, iterators, strict=True)]
        if config.seeded and calls == "plain" and taken == "end of epoch 1" and not config.world:
            # The next epochs are a fresh sampler's epochs e + 1 and e + 2 (spec §10: keyed by seed and epoch).
            fresh = replay.build(config.spec)
            fresh.set_epoch(state["epoch"] + 1)
            assert same[0] == [replay.plain(fresh), replay.plain(fresh)], case_id
            if config.family in ("torch.RandomSampler", "torch.SubsetRandomSampler", "torch.WeightedRandomSampler"):
                nexts = [fresh.epoch_indices(state["epoch"] + 1), fresh.epoch_indices(state["epoch"] + 2)]
                assert same[0] == [replay.plain(values) for values in nexts], case_id
        targets = []
        for rank in ranks:
            world = world_of(config.world, rank)
            got = run_resume(case, world)
            targets.append({"world": world, **judge(case, got, same[rank], f"{case_id} on {world}")})
        if config.other:
            for rank in range(config.other):
                world = world_of(config.other, rank)
                got = run_resume(case, world)
                expected = elastic(config, state, calls, taken, config.other, rank)
                targets.append({"world": world, **judge(case, got, expected, f"{case_id} on {world}")})
        case["resume"] = targets
        case["boundary"] = any("b8619a5_yields" in target for target in targets)
        assert not case["boundary"] or all("b8619a5_yields" in target for target in targets), case_id
        cases[case_id] = case
    return cases


def run_resume(case: dict[str, Any], world: dict[str, int] | None) -> list[list[Any]]:
    with torch.random.fork_rng(devices=[]):
        return replay.resume(case, world)


def check_code_is_b8619a5() -> None:
    changed = subprocess.run(
        ["git", "diff", "--name-only", SAVED_BY, "--", "python", "src", "Cargo.toml", "Cargo.lock"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    if changed:
        raise SystemExit(f"the code differs from {SAVED_BY} ({', '.join(changed)}): build {SAVED_BY} to regenerate")


def render(value: Any) -> str:
    """Compact JSON with sorted keys, one case per line (small, and a diff shows which case changed)."""
    if isinstance(value, dict) and all(isinstance(item, dict) for item in value.values()):
        lines = [f"  {json.dumps(key)}: {json.dumps(value[key], sort_keys=True)}" for key in sorted(value)]
        return "{\n" + ",\n".join(lines) + "\n}"
    return json.dumps(value, sort_keys=True)


def main() -> None:
    check_code_is_b8619a5()
    import mindspore.dataset

    assert mindspore.dataset.config.get_seed() == 5489, "an unseeded MindSpore sampler must draw its seed from torch"
    cases: dict[str, dict[str, Any]] = {}
    for config in torch_configs() + mindspore_configs():
        cases.update(cases_of(config))
    fixture = {
        "about": "state_dicts saved by ferrosampler at commit b8619a5 and their continuations; written by "
        "tests/resume/generate_saved_states.py, read by tests/resume/test_saved_states.py",
        "cases": cases,
        "saved_by": SAVED_BY,
        "spec_version": ferrosampler.SPEC_VERSION,
    }
    text = "{\n" + ",\n".join(f"{json.dumps(key)}: {render(fixture[key])}" for key in sorted(fixture)) + "\n}\n"
    assert json.loads(text) == fixture
    replay.FIXTURE.write_text(text, encoding="utf-8")
    boundary = sorted({case["family"] for case in cases.values() if case["boundary"]})
    print(f"{len(cases)} cases, {len(text)} bytes -> {replay.FIXTURE.relative_to(ROOT)}")
    print("empty epoch first at an epoch's end (plain calls):", ", ".join(boundary))


if __name__ == "__main__":
    main()
