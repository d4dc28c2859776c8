"""The thread contract (docs/threads.md), 16 threads over every sampler type, against serial twins.

Safe under pytest-run-parallel (`--parallel-threads=N` runs each test in N threads at once): every test
builds its own samplers; the engine's thread setting is process-wide, and outputs never depend on it."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ferrosampler._core as core
from ferrosampler._protocol import iteration as _iteration
from ferrosampler.reference import _engine as reference

from .samplers import RECIPES, epoch_list, normal

THREADS = 16


def in_threads(work: Callable[[int], Any], count: int = THREADS) -> list[Any]:
    """``work(i)`` for i < count, all started at once behind a barrier; re-raises the first error."""
    barrier, results, errors = threading.Barrier(count), [None] * count, []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def shared_iterations(name: str, rounds: int = 1) -> None:
    build, counts_epochs = RECIPES[name]
    sampler, twin = build(), build()
    for round_ in range(rounds):
        got = in_threads(lambda i: normal(sampler))
        first = round_ * THREADS
        if counts_epochs:
            # Each concurrent iteration claimed its own epoch: together, exactly epochs first … first + 15.
            expected = [epoch_list(twin, first + e) for e in range(THREADS)]
            assert sorted(map(tuple, got)) == sorted(map(tuple, expected))
            assert not hasattr(sampler, "epoch") or sampler.epoch == first + THREADS
        else:
            assert all(result == epoch_list(twin, 0) for result in got)


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_sixteen_threads_iterating_one_sampler_each_get_their_own_epoch(name: str) -> None:
    shared_iterations(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RECIPES))
def test_many_rounds_of_sixteen_threads(name: str) -> None:
    shared_iterations(name, rounds=25)


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_epoch_indices_of_an_epoch_is_free_of_side_effects(name: str) -> None:
    build, _ = RECIPES[name]
    sampler, twin = build(), build()
    if not hasattr(sampler, "epoch_indices"):
        pytest.skip("no epoch_indices")
    before = getattr(sampler, "epoch", None)
    got = in_threads(lambda i: sampler.epoch_indices(i % 4).tolist())
    assert getattr(sampler, "epoch", None) == before
    expected = [twin.epoch_indices(e).tolist() for e in range(4)]
    assert all(result == expected[i % 4] for i, result in enumerate(got))


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_one_iterator_shared_by_threads_is_serialised_or_refused(name: str) -> None:
    """Threads sharing one iterator either all finish the epoch (each value exactly as often as the
    epoch has it) or are told so: a RuntimeError naming the misuse, never an epoch silently cut short;
    and never a crash (a segfault before _iteration._Flat) or a value outside the epoch."""
    build, _ = RECIPES[name]
    sampler, twin = build(), build()
    iterator = iter(sampler)
    refused = Counter()

    def drain(i: int) -> list[Any]:
        taken = []
        while True:
            try:
                taken.append(next(iterator))
            except StopIteration:  # noqa: PERF203 - the refusals below are what is tested
                return taken
            except ValueError as error:  # a generator-based iterator refuses and carries on
                if "generator already executing" not in str(error):
                    raise
                refused[i] += 1
            except RuntimeError as error:
                if str(error) != _iteration.SHARED_ITERATOR:
                    raise
                refused[i] += 1
                return taken

    got = Counter(map(repr, (value for part in in_threads(drain) for value in normal(part))))
    expected = Counter(map(repr, epoch_list(twin, 0)))
    assert not got - expected  # nothing outside the epoch, nothing repeated beyond its counts
    assert got == expected or refused  # a shortened epoch is always reported


def test_engine_functions_from_many_threads_match_the_serial_output() -> None:
    n = 1 << 18  # large enough that the engine releases the GIL and uses its own threads
    serial = [core.permutation_stream(s, 0, s % 3, n, 0, n).tolist() for s in range(4)]
    got = in_threads(lambda i: core.permutation_stream(i % 4, 0, (i % 4) % 3, n, 0, n).tolist())
    assert all(result == serial[i % 4] for i, result in enumerate(got))
    small = [core.uniform_draws(s, 1, 1000, 5, 300, stride=3).tolist() for s in range(4)]
    assert small[1] == reference.uniform_draws(1, 1, 1000, 5, 300, stride=3)
    got = in_threads(lambda i: core.uniform_draws(i % 4, 1, 1000, 5, 300, stride=3).tolist())
    assert all(result == small[i % 4] for i, result in enumerate(got))


def test_a_weight_table_builds_its_alias_table_once_under_contention() -> None:
    weights = np.arange(5000, dtype=np.float64) % 13
    table, twin = core.WeightTable(weights), core.WeightTable(weights)
    expected = twin.alias_draws(3, 2, 0, 4000).tolist()
    got = in_threads(lambda i: table.alias_draws(3, 2, 0, 4000).tolist())
    assert all(result == expected for result in got)
    tables = in_threads(lambda i: [a.tolist() for a in table.alias_table()])
    assert all(result == tables[0] for result in tables)
    assert expected[:50] == reference.WeightTable(weights.tolist()).alias_draws(3, 2, 0, 50)


def test_changing_the_thread_count_while_others_draw_changes_no_output() -> None:
    n = 1 << 17
    expected = core.permutation_stream(9, 0, 0, n, 0, n).tolist()
    before = core.get_num_threads()
    try:

        def work(i: int) -> bool:
            if i % 4 == 0:
                core.set_num_threads(1 + i % 3)
            return core.permutation_stream(9, 0, 0, n, 0, n).tolist() == expected

        assert all(in_threads(work))
    finally:
        core.set_num_threads(before)
