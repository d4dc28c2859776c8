"""MindSpore's failover reset with ferrosampler.mindspore samplers, against MindSpore's own RandomSampler.

MindSpore resets a running iterator to global step s with ``_reset_training_dataset(s, d)`` (what
``mindspore.train.Model``'s fault recovery calls); a new iterator starts at step s after
``Dataset.set_init_step(s)``. MindSpore's RandomSampler is the oracle: after either, the pipeline
yields the rows the uninterrupted run yields from step s on. A ferrosampler sampler must then serve
its own uninterrupted stream from step s on: its epochs ``epoch_indices(0), epoch_indices(1), …``
(tests/mindspore/test_mindspore_pipeline.py checks that an uninterrupted pipeline reads exactly those).

What MindSpore 2.10 lets a user sampler follow (see ``_PipelineView``): an in-process reset with
fast recovery to a step past the iterator's first epoch is exact; a slow-recovery reset is warned of;
``set_init_step`` on a new iterator is exact in both modes.
"""

from __future__ import annotations

import warnings

import pytest

ds = pytest.importorskip("mindspore.dataset")

from mindspore.dataset.engine import datasets as ms_datasets  # noqa: E402

from .common import SAMPLERS, N, RowIds  # noqa: E402

EPOCHS = 3
# GeneratorDataset workers: "0" one in-process worker; "2" two worker threads and a 2-thread map; "2p" two worker
# processes and a 2-thread map (MindSpore's default for 2 workers; the sampler runs in the pipeline's own thread
# either way, so every sampler runs with threads and the process case runs on two samplers, the slow part).
WORKERS = ("0", "2")


@pytest.fixture
def recovery_mode():
    """Sets the config seed (MindSpore's RandomSampler reads it) and fast_recovery for one test, then restores both."""
    seed, fast = ds.config.get_seed(), ds.config.get_fast_recovery()
    ds.config.set_seed(1)

    def set_mode(fast_recovery: bool) -> None:
        ds.config.set_fast_recovery(fast_recovery)

    yield set_mode
    ds.config.set_seed(seed)
    ds.config.set_fast_recovery(fast)


def pipeline(sampler, workers):
    if workers == "0":
        return ds.GeneratorDataset(RowIds(N), column_names=["data"], sampler=sampler, num_parallel_workers=1)
    processes = workers == "2p"
    dataset = ds.GeneratorDataset(
        RowIds(N), column_names=["data"], sampler=sampler, num_parallel_workers=2, python_multiprocessing=processes
    )
    return dataset.map(lambda row: row, input_columns=["data"], num_parallel_workers=2)


def uninterrupted(sampler, workers):
    iterator = pipeline(sampler, workers).create_tuple_iterator(num_epochs=EPOCHS, output_numpy=True)
    return [int(row[0]) for _ in range(EPOCHS) for row in iterator]


def reset_in_process(sampler, workers, failure, step):
    """Rows after ``_reset_training_dataset(step)``, called when the row at global step ``failure`` arrives."""
    dataset = pipeline(sampler, workers)
    steps_per_epoch = dataset.get_dataset_size()
    iterator = dataset.create_tuple_iterator(num_epochs=EPOCHS, output_numpy=True)
    ms_datasets._set_training_dataset(iterator)
    read = 0
    for _ in range(EPOCHS):
        for _ in iterator:
            if read == failure:
                ms_datasets._reset_training_dataset(step, steps_per_epoch)
                return [int(row[0]) for _ in range(step // steps_per_epoch, EPOCHS) for row in iterator]
            read += 1
    raise AssertionError("the failure step was never reached")


def start_at(sampler, workers, step):
    """Rows of a new iterator after ``Dataset.set_init_step(step)``."""
    dataset = pipeline(sampler, workers)
    dataset.set_init_step(step)
    iterator = dataset.create_tuple_iterator(num_epochs=EPOCHS, output_numpy=True)
    return [int(row[0]) for _ in range(step // dataset.get_dataset_size(), EPOCHS) for row in iterator]


def stream(name):
    """The sampler's uninterrupted rows, from its own epochs."""
    sampler = SAMPLERS[name](dataset_size=N) if name != "pk" else SAMPLERS[name]()
    return [row for epoch in range(EPOCHS) for row in sampler.epoch_indices(epoch).tolist()]


def steps_per_epoch(name):
    return len(stream(name)) // EPOCHS


# (failure step, reset step) in epochs of d steps: back to the start of the second epoch from inside it, back
# into the second from the third, and forward from the first into the third (two epochs replayed and skipped).
IN_PROCESS = [(lambda d: (d + 1, d)), (lambda d: (2 * d + 1, d + 1)), (lambda d: (1, 2 * d + 1))]


@pytest.mark.parametrize("workers", [*WORKERS, "2p"])
def test_mindspore_random_sampler_recovers_exactly(recovery_mode, workers):
    """The oracle: MindSpore's own sampler yields the uninterrupted rows from the reset step on, in both modes."""
    expected = uninterrupted(ds.RandomSampler(), workers)
    for fast in (True, False):
        recovery_mode(fast)
        for case in IN_PROCESS:
            failure, step = case(N)
            assert reset_in_process(ds.RandomSampler(), workers, failure, step) == expected[step:]
        for step in (3, N + 3):
            assert start_at(ds.RandomSampler(), workers, step) == expected[step:]


CASES = [(name, workers) for name in SAMPLERS for workers in WORKERS] + [("random", "2p"), ("pk", "2p")]


@pytest.mark.parametrize(("name", "workers"), CASES)
def test_fast_recovery_in_process_serves_the_epoch_in_progress_again(recovery_mode, name, workers):
    recovery_mode(True)
    expected, d = stream(name), steps_per_epoch(name)
    for case in IN_PROCESS:
        failure, step = case(d)
        assert reset_in_process(SAMPLERS[name](), workers, failure, step) == expected[step:], (failure, step)


@pytest.mark.parametrize(("name", "workers"), CASES)
def test_set_init_step_on_a_new_iterator_recovers_exactly(recovery_mode, name, workers):
    """The recovery that works in both modes, also into the first epoch, where an in-process reset is not followed."""
    expected, d = stream(name), steps_per_epoch(name)
    for fast, steps in ((True, (d // 2, 2 * d + 1)), (False, (d - 1, d + d // 2))):
        recovery_mode(fast)
        for step in steps:
            assert start_at(SAMPLERS[name](), workers, step) == expected[step:], (fast, step)


@pytest.mark.parametrize("workers", [*WORKERS, "2p"])
def test_slow_recovery_is_warned_of(recovery_mode, workers):
    """With fast_recovery off MindSpore replays epochs through the ordinary calls, which no sampler can tell
    from new epochs: the pipeline warns as soon as it runs, and the in-process reset is not exact."""
    recovery_mode(False)
    d = steps_per_epoch("random")
    with pytest.warns(RuntimeWarning, match=r"get_fast_recovery\(\) is False.*set_init_step"):
        after = reset_in_process(SAMPLERS["random"](), workers, d + 1, d)
    assert after != stream("random")[d:]  # the sampler served new epochs where MindSpore replayed old ones
    recovery_mode(True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        uninterrupted(SAMPLERS["random"](), workers)
    assert not [warning for warning in caught if "get_fast_recovery" in str(warning.message)]
