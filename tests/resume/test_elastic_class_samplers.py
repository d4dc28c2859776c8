"""Elastic resume of DistributedWeightedSampler, PKBatchSampler and MPerClassSampler (spec §14, §21): a state
saved at world size R resumes at R′ (1–4) with nothing lost and nothing repeated but padding.

Expected outputs come from the global orders of spec §21 read off independent oracles — WeightedRandomSampler's
epoch (§18: it is the global draw) and ``reference._literal``'s forwards definitions of §19–§20 — and the
serving rule of §14 (rank r of R′ reads global positions s + r + j·R′)."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler
import ferrosampler.reference
from ferrosampler.reference import _literal

LABELS = np.repeat(np.arange(5), [4, 1, 6, 3, 2])
WEIGHTS = np.concatenate([[0.0], np.linspace(0.5, 2.0, 26)])
EPOCH = 1


@dataclass(frozen=True)
class Case:
    """One sampler configuration and its spec §21 global order."""

    kind: str  # "weighted", "pk" or "m"
    size: int  # num_samples, num_batches or length_before_new_iter
    replacement: bool = True
    drop_last: bool = False
    batch_size: int | None = None

    def make(self, family: Any, world: int, rank: int) -> Any:
        if self.kind == "weighted":
            return family.DistributedWeightedSampler(
                WEIGHTS, self.size, world, rank, replacement=self.replacement, seed=7, drop_last=self.drop_last
            )
        if self.kind == "pk":
            return family.PKBatchSampler(
                LABELS, 2, 2, num_batches=self.size, drop_last=self.drop_last, seed=5, num_replicas=world, rank=rank
            )
        return family.MPerClassSampler(LABELS, 2, self.batch_size, self.size, seed=3, num_replicas=world, rank=rank)

    @property
    def grain(self) -> int:
        """Outputs per global position: MPerClassSampler's E, else 1."""
        if self.kind != "m":
            return 1
        unit = 2 * (5 if self.batch_size is None else self.batch_size // 2)
        length = self.size - self.size % unit if unit < self.size else self.size
        return min(unit, length)

    def length(self, world: int) -> int:
        """The global length n of an epoch a world of this size starts."""
        if self.kind == "m":
            length = self.size - self.size % self.grain
            return world * (length // self.grain)
        return self.size

    def value(self, position: int, epoch: int) -> list[Any]:
        """The outputs of a global position (padding included)."""
        if self.kind == "weighted":
            return [int(_draw(self.size, self.replacement, epoch)[position % self.size])]
        if self.kind == "pk":
            return [_pk_batches(self.size + 8, epoch)[position]]
        return list(_unit(self.batch_size, self.grain, position, epoch))


@functools.cache
def _draw(g: int, replacement: bool, epoch: int) -> tuple[int, ...]:
    return tuple(ferrosampler.WeightedRandomSampler(WEIGHTS, g, replacement, seed=7).epoch_indices(epoch).tolist())


@functools.cache
def _pk_batches(count: int, epoch: int) -> tuple[list[int], ...]:
    return tuple(_literal.pk_epoch_literal(LABELS, 2, 2, count, 5, epoch))


@functools.cache
def _unit(batch_size: int | None, grain: int, u: int, epoch: int) -> tuple[int, ...]:
    # Unit u is the first unit of rank u in a world of u + 1 ranks; a length of one unit reads its first E indices.
    return tuple(_literal.m_per_class_literal(LABELS, 2, batch_size, grain, 3, epoch, num_replicas=u + 1, rank=u))


def share(n: int, start: int, world: int, drop_last: bool) -> int:
    return (n - start) // world if drop_last else -(-(n - start) // world)


class Model:
    """Where the epoch stands by spec §21: the global position consumed, the offset, the saving world."""

    def __init__(self, case: Case, world: int) -> None:
        self.case, self.n, self.position, self.offset, self.world = case, case.length(world), 0, 0, world

    def serve(self, world: int, rank: int, stop: int | None) -> list[Any]:
        """What rank ``rank`` of a world of ``world`` yields of the rest (``stop`` outputs, or all)."""
        case = self.case
        skip = self.offset if world == self.world else 0
        count = share(self.n, self.position, world, case.drop_last)
        outputs = []
        for j in range(count):
            outputs += case.value(self.position + rank + j * world, EPOCH)
        outputs = outputs[skip:]
        return outputs if stop is None else outputs[:stop]

    def shares(self, world: int) -> int:
        """Outputs per rank of the rest on a world of this size."""
        skip = self.offset if world == self.world else 0
        return share(self.n, self.position, world, self.case.drop_last) * self.case.grain - skip

    def advance(self, world: int, stop: int, started: bool = True) -> None:
        """Every rank of ``world`` handed out ``stop`` outputs (DDP's lockstep); ``started``: next() was called."""
        skip = self.offset if world == self.world else 0
        count = share(self.n, self.position, world, self.case.drop_last)
        whole, offset = divmod(skip + stop, self.case.grain)
        if not started and self.case.kind != "weighted":
            # No next(): the class samplers' epoch has not started, the loaded place is saved as it was
            # loaded (DistributedWeightedSampler takes it at iter(), as its epoch).
            self.offset, self.world = skip, world
            return
        if whole >= count:
            self.position, self.offset = self.n, 0
        else:
            self.position, self.offset = min(self.position + whole * world, self.n), offset
        self.world = world


def start(sampler: Any, state: dict[str, Any] | None) -> None:
    """A fresh epoch EPOCH, or the saved one (through JSON, as a checkpoint brings it)."""
    if state is not None:
        sampler.load_state_dict(json.loads(json.dumps(state)))
    sampler.set_epoch(EPOCH)  # the state's epoch: kept


def without_rank(state: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in state.items() if name != "rank"}


def elastic_run(family: Any, case: Case, worlds: list[int], stops: list[int | None]) -> tuple[list, list, Any, list]:
    """Runs epoch EPOCH through the worlds (``stops[i]`` outputs per rank, None: the rest). Returns what the
    ranks yielded, what the model expects, the model at the end and the last world's samplers."""
    model = Model(case, worlds[0])
    seen: list[Any] = []
    expected: list[Any] = []
    state = None
    samplers: list[Any] = []
    for world, stop in zip(worlds, stops, strict=True):
        samplers = [case.make(family, world, rank) for rank in range(world)]
        states = []
        for rank, sampler in enumerate(samplers):
            start(sampler, state)
            iterator = iter(sampler)
            seen += list(iterator) if stop is None else [next(iterator) for _ in range(stop)]
            expected += model.serve(world, rank, stop)
            states.append(sampler.state_dict())
        # In lockstep every rank saves the same state (but its rank): any one of them is enough.
        assert all(without_rank(other) == without_rank(states[0]) for other in states)
        state = states[world - 1]
        assert ferrosampler.combine_states(states) == states[0]
        model.advance(world, model.shares(world) if stop is None else stop, stop != 0)
        assert (state["position"], state.get("offset", 0)) == (model.position, model.offset)
    return seen, expected, model, samplers


def global_epoch(case: Case, world: int, epoch: int) -> list[Any]:
    """The uninterrupted epoch's global positions 0 … n − 1, flattened."""
    return [out for p in range(case.length(world)) for out in case.value(p, epoch)]


CASES = st.one_of(
    st.builds(Case, st.just("weighted"), st.integers(1, 26), st.booleans(), st.booleans()),
    st.builds(Case, st.just("pk"), st.integers(4, 18), st.just(True), st.booleans()),
    st.builds(Case, st.just("m"), st.sampled_from([8, 12]), batch_size=st.just(4)),
    st.builds(Case, st.just("m"), st.sampled_from([7, 25]), batch_size=st.none()),
)


@settings(max_examples=120, deadline=None)
@given(case=CASES, worlds=st.lists(st.integers(1, 4), min_size=2, max_size=4), data=st.data())
def test_any_stop_at_any_world_resumes_the_rest(case, worlds, data):
    if case.drop_last and case.kind == "pk" and case.size < max(worlds):
        case = Case(case.kind, case.size, case.replacement, False, case.batch_size)  # drop_last would leave none
    model = Model(case, worlds[0])
    stops: list[int | None] = []
    for world in worlds[:-1]:
        stop = data.draw(st.integers(0, model.shares(world)), label=f"stop at world {world}")
        stops.append(stop)
        model.advance(world, stop, stop != 0)
    stops.append(None)
    seen, expected, end, last = elastic_run(ferrosampler, case, worlds, stops)
    assert seen == expected
    whole = global_epoch(case, worlds[0], EPOCH)
    counts = Counter(map(repr, seen))
    missing = sum((Counter(map(repr, whole)) - counts).values())
    # drop_last drops the tail (fewer than a world) of the world that ends the epoch; else nothing is lost.
    assert missing < max(worlds) if case.drop_last else missing == 0, "lost"
    assert end.position == end.n
    # Only padding (fewer than a world per world) and, for MPerClassSampler, units served again after a
    # world change mid-unit repeat: at most one unit per rank of the saving world.
    extra = sum((counts - Counter(map(repr, whole))).values())
    assert extra < sum(worlds) * case.grain
    if case.kind != "m" or all(stop % case.grain == 0 for stop in stops[:-1]):
        assert extra <= sum(world - 1 for world in worlds) * case.grain
    # Later epochs are the fresh epochs of the last world.
    for rank, sampler in enumerate(last):
        if isinstance(sampler, ferrosampler.DistributedWeightedSampler):
            sampler.set_epoch(EPOCH + 1)
        fresh = Model(case, worlds[-1])
        assert list(sampler) == _fresh(fresh, worlds[-1], rank), rank


def _fresh(model: Model, world: int, rank: int) -> list[Any]:
    count = share(model.n, 0, world, model.case.drop_last)
    return [out for j in range(count) for out in model.case.value(rank + j * world, EPOCH + 1)]


FIXED = [
    (Case("weighted", 23), [2, 3, 1], [4, 2, None]),
    (Case("weighted", 20, replacement=False, drop_last=True), [4, 2], [3, None]),
    (Case("pk", 11), [3, 2, 4], [2, 1, None]),
    (Case("pk", 12, drop_last=True), [2, 3], [4, None]),
    (Case("m", 12, batch_size=4), [2, 2, 3], [5, 2, None]),  # mid-unit on the same world: exact
    (Case("m", 25, batch_size=None), [3, 2, 4], [13, 4, None]),  # mid-unit, then another world
]


@pytest.mark.parametrize(("case", "worlds", "stops"), FIXED, ids=lambda value: repr(value)[:40])
def test_both_engines_resume_alike(family, case, worlds, stops):
    seen, expected, _, last = elastic_run(family, case, worlds, stops)
    assert seen == expected
    fast, _, _, _ = elastic_run(ferrosampler, case, worlds, stops)
    assert seen == fast
    # len() stays the fresh epoch's per-rank count of this world, as DistributedSampler's.
    assert [len(sampler) for sampler in last] == [len(case.make(family, worlds[-1], r)) for r in range(worlds[-1])]


@pytest.mark.parametrize("world", [2, 3])
@pytest.mark.parametrize("case", [Case("weighted", 13), Case("pk", 7), Case("m", 12, batch_size=4)], ids=repr)
def test_same_world_resume_is_exact_at_every_position(case, world):
    for rank in range(world):
        whole = list(case.make(ferrosampler, world, rank))
        for stop in range(len(whole) + 1):
            sampler = case.make(ferrosampler, world, rank)
            iterator = iter(sampler)
            head = [next(iterator) for _ in range(stop)]
            resumed = case.make(ferrosampler, world, rank)
            resumed.load_state_dict(sampler.state_dict())
            assert head + list(resumed) == whole, (rank, stop)


def test_combine_states_takes_the_least_consumed_rank():
    case = Case("m", 12, batch_size=4)  # 3 units of 4 per rank
    samplers = [case.make(ferrosampler, 3, rank) for rank in range(3)]
    for sampler, stop in zip(samplers, [9, 6, 7], strict=True):
        iterator = iter(sampler)
        for _ in range(stop):
            next(iterator)
    states = [sampler.state_dict() for sampler in samplers]
    assert [(state["position"], state["offset"]) for state in states] == [(6, 1), (3, 2), (3, 3)]
    assert (ferrosampler.combine_states(states)["position"], ferrosampler.combine_states(states)["offset"]) == (3, 2)
    pk = [Case("pk", 9).make(ferrosampler, 3, rank) for rank in range(3)]
    with pytest.raises(ValueError, match="kind"):
        ferrosampler.combine_states([states[0], pk[0].state_dict()])
    fresh = Case("m", 12, batch_size=4).make(ferrosampler, 2, 0).state_dict()
    with pytest.raises(ValueError, match="num_replicas"):
        ferrosampler.combine_states([states[0], fresh])


@pytest.mark.parametrize(
    ("case", "other", "field"),
    [
        (Case("weighted", 20), Case("weighted", 21), "num_samples"),
        (Case("weighted", 20), Case("weighted", 20, replacement=False), "replacement"),
        (Case("pk", 9), Case("pk", 10), "num_batches"),
        (Case("m", 12, batch_size=4), Case("m", 8, batch_size=4), "list_size"),
        (Case("m", 12, batch_size=4), Case("m", 12, batch_size=2), "batch_size"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_other_parameters_are_refused_by_name(case, other, field):
    state = case.make(ferrosampler, 2, 1).state_dict()
    with pytest.raises(ValueError, match=re.escape(f"state['{field}']")):
        other.make(ferrosampler, 3, 0).load_state_dict(state)


def test_other_weights_labels_or_seed_are_refused():
    state = Case("weighted", 20).make(ferrosampler, 2, 0).state_dict()
    other = ferrosampler.DistributedWeightedSampler(WEIGHTS[::-1], 20, 3, 0, seed=7)
    with pytest.raises(ValueError, match="fingerprint"):
        other.load_state_dict(state)
    with pytest.raises(ValueError, match=re.escape("state['seed']")):
        ferrosampler.DistributedWeightedSampler(WEIGHTS, 20, 3, 0, seed=8).load_state_dict(state)
    pk_state = Case("pk", 9).make(ferrosampler, 2, 0).state_dict()
    with pytest.raises(ValueError, match="fingerprint"):
        ferrosampler.PKBatchSampler(LABELS[::-1], 2, 2, num_batches=9, seed=5, num_replicas=1).load_state_dict(pk_state)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("num_replicas", 0),
        ("num_replicas", None),
        ("rank", 2),
        ("rank", True),
        ("offset", 4),
        ("offset", -1),
        ("units", 5),
        ("units", 0),
        ("units", None),
        ("position", 7),
    ],
)
def test_bad_state_values_name_the_field(field, value):
    case = Case("m", 12, batch_size=4)  # 3 units of 4 per rank; 6 units on 2 ranks
    state = {**case.make(ferrosampler, 2, 1).state_dict(), field: value}
    with pytest.raises(ValueError, match=re.escape(f"state['{field}']")):
        case.make(ferrosampler, 3, 0).load_state_dict(state)


def test_an_offset_at_the_end_of_the_epoch_is_refused():
    case = Case("m", 12, batch_size=4)
    state = {**case.make(ferrosampler, 2, 1).state_dict(), "position": 6, "offset": 1}
    with pytest.raises(ValueError, match=re.escape("state['offset']")):
        case.make(ferrosampler, 2, 0).load_state_dict(state)
