"""`ferrosampler explain`: its answers equal a replay of every rank's epoch, for states saved mid-epoch by each
sampler it rebuilds; a state it cannot read, or options that disagree with it, exit 2 with one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ferrosampler
from ferrosampler import _cli

BATCH = 4


def save(sampler: Any, taken: int, path: Path) -> Path:
    """Hands out ``taken`` items of the sampler's next epoch, then saves its state as JSON."""
    iterator = iter(sampler)
    for _ in range(taken):
        next(iterator)
    path.write_text(json.dumps(sampler.state_dict()))
    return path


def ask(capsys, *argv: str) -> dict[str, Any]:
    assert _cli.main(["explain", *argv, "--json"], prog="ferrosampler") == 0
    return json.loads(capsys.readouterr().out)


def refused(capsys, *argv: str) -> str:
    assert _cli.main(["explain", *argv], prog="ferrosampler") == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("ferrosampler explain: error: ")
    return captured.err


def replay(world: list[Any], epoch: int) -> list[list[Any]]:
    """Every rank's epoch ``epoch``, iterated."""
    for sampler in world:
        sampler.set_epoch(epoch)
    return [list(sampler) for sampler in world]


def places_of(shares: list[list[Any]], index: int, sharded: bool) -> list[tuple[Any, int, Any]]:
    found = []
    for rank, share in enumerate(shares):
        for position, item in enumerate(share):
            if isinstance(item, list):
                found += [(rank if sharded else None, position, o) for o, value in enumerate(item) if value == index]
            elif item == index:
                found.append((rank if sharded else None, position, None))
    return sorted(found, key=lambda place: (place[1], place[0] or 0, place[2] or 0))


def answered(answer: dict[str, Any]) -> list[tuple[Any, int, Any]]:
    found = [(p["rank"], p["position"], p["offset"]) for p in answer["places"]]
    return sorted(found, key=lambda place: (place[1], place[0] or 0, place[2] or 0))


def check(capsys, state: Path, world: list[Any], epoch: int, size: int, options: list[str], batches: bool) -> None:
    """Every index's places and every rank's steps, asked of explain, equal a replay of the world."""
    shares = replay(world, epoch)
    sharded = (
        len(world) > 1
        or hasattr(world[0], "num_replicas")
        or hasattr(getattr(world[0], "sampler", None), "num_replicas")
    )
    for index in range(size):
        answer = ask(capsys, str(state), "--index", str(index), "--epoch", str(epoch), *options)
        assert answered(answer) == places_of(shares, index, sharded), index
    per = 1 if batches or "--batch-size" not in options else int(options[options.index("--batch-size") + 1])
    for rank, share in enumerate(shares):
        for step in range(-(-len(share) // per)):
            rank_option = ["--rank", str(rank)] if sharded else []
            answer = ask(capsys, str(state), "--step", str(step), "--epoch", str(epoch), *rank_option, *options)
            expected = share[step] if batches else share[step * per : step * per + per]
            assert answer["indices"] == [int(value) for value in expected], (rank, step)


def test_distributed_sampler_needs_no_options(capsys, tmp_path) -> None:
    make = lambda rank: ferrosampler.DistributedSampler(range(30), 4, rank, seed=5)  # noqa: E731
    saver = make(1)
    saver.set_epoch(2)
    state = save(saver, 3, tmp_path / "state.json")
    check(capsys, state, [make(r) for r in range(4)], 2, 30, ["--batch-size", str(BATCH)], batches=False)
    check(capsys, state, [make(r) for r in range(4)], 7, 30, ["--batch-size", str(BATCH)], batches=False)
    answer = ask(capsys, str(state), "--index", "0", "--batch-size", str(BATCH))
    # Consumed: the state's global position 12 (3 items on each of 4 ranks).
    assert all(p["served_before_state"] == (p["global_position"] < 12) for p in answer["places"])
    assert all(p["step"] == p["position"] // BATCH for p in answer["places"])


def test_distributed_sampler_fisher_yates_drop_last(capsys, tmp_path) -> None:
    make = lambda rank: ferrosampler.DistributedSampler(  # noqa: E731
        range(23), 3, rank, seed=1, drop_last=True, permutation="fisher-yates"
    )
    state = save(make(0), 2, tmp_path / "state.json")
    check(capsys, state, [make(r) for r in range(3)], 0, 23, [], batches=False)


@pytest.mark.parametrize("num_samples", [None, 37])
def test_random_sampler_with_its_parameters(capsys, tmp_path, num_samples) -> None:
    make = lambda: ferrosampler.RandomSampler(range(15), num_samples=num_samples, seed=9)  # noqa: E731
    state = save(make(), 5, tmp_path / "state.json")
    options = ["--n", "15", "--batch-size", str(BATCH)] + (["--num-samples", str(num_samples)] if num_samples else [])
    check(capsys, state, [make()], 0, 15, options, batches=False)
    check(capsys, state, [make()], 4, 15, options, batches=False)


def test_unseeded_random_sampler_uses_the_state_epoch_seed(capsys, tmp_path) -> None:
    sampler = ferrosampler.RandomSampler(range(12))
    iterator = iter(sampler)
    taken = [next(iterator) for _ in range(5)]
    (tmp_path / "state.json").write_text(json.dumps(sampler.state_dict()))
    epoch = [*taken, *iterator]
    for index in range(12):
        answer = ask(capsys, str(tmp_path / "state.json"), "--index", str(index), "--n", "12")
        assert [p["position"] for p in answer["places"]] == [epoch.index(index)]
        assert answer["places"][0]["served_before_state"] == (epoch.index(index) < 5)
    answer = ask(capsys, str(tmp_path / "state.json"), "--step", "1", "--n", "12", "--batch-size", "5")
    assert answer["indices"] == epoch[5:10]
    assert "records only epoch 0's" in refused(
        capsys, str(tmp_path / "state.json"), "--index", "1", "--n", "12", "--epoch", "1"
    )


def test_random_sampler_with_replacement_answers_steps_only(capsys, tmp_path) -> None:
    make = lambda: ferrosampler.RandomSampler(range(10), replacement=True, num_samples=20, seed=4)  # noqa: E731
    state = save(make(), 3, tmp_path / "state.json")
    answer = ask(
        capsys, str(state), "--step", "2", "--n", "10", "--num-samples", "20", "--replacement", "--batch-size", "6"
    )
    assert answer["indices"] == make().epoch_indices(0)[12:18].tolist()
    error = refused(capsys, str(state), "--index", "2", "--n", "10", "--num-samples", "20", "--replacement")
    assert "independent uniform draw" in error


@pytest.mark.parametrize("suffix", [".txt", ".npy"])
def test_subset_random_sampler_reads_its_indices(capsys, tmp_path, suffix) -> None:
    values = [8, 3, 3, 11, 0, 5, 3]
    path = tmp_path / f"indices{suffix}"
    if suffix == ".npy":
        np.save(path, np.array(values))
    else:
        path.write_text("[8, 3, 3,\n11 0 5, 3]")
    make = lambda: ferrosampler.SubsetRandomSampler(values, seed=6, permutation="fisher-yates")  # noqa: E731
    state = save(make(), 2, tmp_path / "state.json")
    options = ["--indices", str(path), "--permutation", "fisher-yates"]
    check(capsys, state, [make()], 0, 12, options, batches=False)
    assert "fingerprint" in refused(capsys, str(state), "--index", "3", "--indices", str(path))


def test_sequential_sampler(capsys, tmp_path) -> None:
    state = save(ferrosampler.SequentialSampler(range(9)), 4, tmp_path / "state.json")
    check(capsys, state, [ferrosampler.SequentialSampler(range(9))], 0, 9, ["--n", "9"], batches=False)


def test_batch_sampler_over_random_and_distributed(capsys, tmp_path) -> None:
    make = lambda: ferrosampler.BatchSampler(ferrosampler.RandomSampler(range(14), seed=2), 3, True)  # noqa: E731
    state = save(make(), 2, tmp_path / "flat.json")
    check(capsys, state, [make()], 0, 14, ["--n", "14", "--batch-size", "3", "--drop-last"], batches=True)
    assert "fingerprint" in refused(capsys, str(state), "--index", "3", "--n", "14", "--batch-size", "4", "--drop-last")

    def shard(rank: int) -> Any:
        return ferrosampler.BatchSampler(ferrosampler.DistributedSampler(range(20), 3, rank, seed=8), 2, False)

    saver = shard(2)
    saver.set_epoch(1)
    state = save(saver, 1, tmp_path / "sharded.json")
    check(capsys, state, [shard(r) for r in range(3)], 1, 20, ["--batch-size", "2"], batches=True)


def test_not_even_states_are_rebuilt_without_padding(capsys, tmp_path) -> None:
    # even=False is recorded in the state: explain's ranks are as long as the saving world's, nothing padded.
    def sampler(rank: int) -> Any:
        return ferrosampler.DistributedSampler(range(10), 3, rank, seed=1, even=False)

    state = save(sampler(2), 1, tmp_path / "sampler.json")
    check(capsys, state, [sampler(r) for r in range(3)], 0, 10, ["--batch-size", "2"], batches=False)
    assert [len(ask(capsys, str(state), "--index", str(i))["places"]) for i in range(10)] == [1] * 10
    assert "got --step 2" in refused(capsys, str(state), "--step", "2", "--rank", "1", "--batch-size", "2")

    def wrapper(rank: int) -> Any:
        return ferrosampler.DistributedSamplerWrapper(
            ferrosampler.RandomSampler(range(11), seed=3), 3, rank, even=False
        )

    state = save(wrapper(1), 2, tmp_path / "wrapper.json")
    check(capsys, state, [wrapper(r) for r in range(3)], 0, 11, ["--n", "11"], batches=False)


def test_wrapper_over_random_and_over_batches(capsys, tmp_path) -> None:
    def wrapper(rank: int) -> Any:
        return ferrosampler.DistributedSamplerWrapper(ferrosampler.RandomSampler(range(11), seed=3), 3, rank)

    state = save(wrapper(0), 2, tmp_path / "flat.json")
    check(capsys, state, [wrapper(r) for r in range(3)], 0, 11, ["--n", "11"], batches=False)

    def batches(rank: int) -> Any:
        inner = ferrosampler.BatchSampler(ferrosampler.RandomSampler(range(13), seed=4), 3, False)
        return ferrosampler.DistributedSamplerWrapper(inner, 2, rank)

    state = save(batches(1), 1, tmp_path / "batches.json")
    options = ["--n", "13", "--batch-size", "3", "--sampler", "RandomSampler", "--seed", "4"]
    check(capsys, state, [batches(r) for r in range(2)], 0, 13, options, batches=True)
    assert "--sampler" in refused(capsys, str(state), "--index", "1", "--n", "13", "--batch-size", "3")
    assert "is not the seed" in refused(capsys, str(state), "--index", "1", *options[:-1], "5")


def test_text_answers(capsys, tmp_path) -> None:
    saver = ferrosampler.DistributedSampler(range(10), 4, 0, seed=2)
    state = save(saver, 1, tmp_path / "state.json")
    shares = replay([ferrosampler.DistributedSampler(range(10), 4, r, seed=2) for r in range(4)], 0)
    command = [sys.executable, "-m", "ferrosampler", "explain", str(state)]
    result = subprocess.run([*command, "--index", "7"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "DistributedSampler state: epoch 0, position 4"
    expected = [(rank, position) for position in range(3) for rank in range(4) if shares[rank][position] == 7]
    for line, (rank, position) in zip(lines[1:], expected, strict=True):
        assert line.startswith(f"index 7 is seen at epoch 0: rank {rank}, position {position}, global position ")
    assert _cli.main(["explain", str(state), "--step", "1", "--rank", "3"], prog="ferrosampler") == 0
    assert capsys.readouterr().out.splitlines()[1] == f"epoch 0, rank 3, step 1: [{shares[3][1]}]"
    result = subprocess.run([*command, "--rank", "9", "--step", "0"], capture_output=True, text=True, check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().endswith("--rank must be in [0, 4): the state was saved by a world of 4 ranks")


def test_unreadable_states_and_disagreeing_options(capsys, tmp_path) -> None:
    assert "cannot read" in refused(capsys, str(tmp_path / "missing.json"), "--index", "1")
    (tmp_path / "bad.json").write_text("{not json")
    assert "not a JSON state_dict()" in refused(capsys, str(tmp_path / "bad.json"), "--index", "1")
    (tmp_path / "list.json").write_text("[1, 2]")
    assert "not a state_dict()" in refused(capsys, str(tmp_path / "list.json"), "--index", "1")
    weighted = save(ferrosampler.WeightedRandomSampler([1.0, 2.0], 4, seed=1), 1, tmp_path / "weighted.json")
    assert "cannot rebuild a 'torch.WeightedRandomSampler'" in refused(capsys, str(weighted), "--index", "1")
    shard = save(ferrosampler.DistributedSampler(range(10), 2, 0, seed=1), 1, tmp_path / "shard.json")
    tampered = json.loads(shard.read_text())
    tampered["n"] = 11
    (tmp_path / "tampered.json").write_text(json.dumps(tampered))
    assert "does not match" in refused(capsys, str(tmp_path / "tampered.json"), "--index", "1")
    assert "index must be in [0, 10)" in refused(capsys, str(shard), "--index", "10")
    assert "has 5 steps on rank 1" in refused(capsys, str(shard), "--step", "5", "--rank", "1")
    assert "--rank goes with --step" in refused(capsys, str(shard), "--index", "1", "--rank", "1")
    random = save(ferrosampler.RandomSampler(range(10), seed=1), 1, tmp_path / "random.json")
    assert "not sharded" in refused(capsys, str(random), "--step", "0", "--rank", "1", "--n", "10")
    idle = ferrosampler.RandomSampler(range(10))
    (tmp_path / "idle.json").write_text(json.dumps(idle.state_dict()))
    assert "before epoch 0 drew its seed" in refused(capsys, str(tmp_path / "idle.json"), "--index", "1", "--n", "10")
    subset = save(ferrosampler.SubsetRandomSampler([1, 2], seed=1), 1, tmp_path / "subset.json")
    assert "pass --indices FILE" in refused(capsys, str(subset), "--index", "1")
    (tmp_path / "floats.txt").write_text("1.5 2")
    assert "must hold integers" in refused(
        capsys, str(subset), "--index", "1", "--indices", str(tmp_path / "floats.txt")
    )


def test_help_describes_the_command(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        _cli.main(["explain", "--help"], prog="ferrosampler")
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for option in ("--index", "--step", "--rank", "--epoch", "--batch-size", "--n", "--num-samples", "--indices",
                   "--permutation", "--drop-last", "--sampler", "--seed", "--json", "STATE.json"):  # fmt: skip
        assert option in text
    with pytest.raises(SystemExit) as exit_:
        _cli.main(["explain", "state.json"], prog="ferrosampler")
    assert exit_.value.code == 2
    assert "one of the arguments --index --step is required" in capsys.readouterr().err


MIXTURE = {"sources": [5, 300, 40], "weights": [[0, [3.0, 1.0, 2.0]], [500, [1.0, 1.0, 0.0]]], "num_samples": 900}


def mixture(seed: int | None = 3) -> ferrosampler.MixtureSampler:
    weights = [(start, row) for start, row in MIXTURE["weights"]]
    return ferrosampler.MixtureSampler(MIXTURE["sources"], weights, MIXTURE["num_samples"], seed=seed)


@pytest.mark.parametrize("index", [0, 2, 4, 5, 200, 304, 305, 344])
def test_a_mixture_state_answers_every_occurrence_as_a_replay(tmp_path, capsys, index):
    spec = tmp_path / "mixture.json"
    spec.write_text(json.dumps(MIXTURE))
    state = save(mixture(), 100, tmp_path / "state.json")
    answer = ask(capsys, str(state), "--index", str(index), "--mixture", str(spec))
    epoch = mixture().epoch_indices(0)
    expected = np.flatnonzero(epoch == index).tolist()
    assert [place["position"] for place in answer["places"]] == expected
    assert [place["served_before_state"] for place in answer["places"]] == [p < 100 for p in expected]


def test_a_wrapped_mixture_state_answers_index_and_step_as_a_replay(tmp_path, capsys):
    spec = tmp_path / "mixture.json"
    spec.write_text(json.dumps(MIXTURE))
    world = [ferrosampler.DistributedSamplerWrapper(mixture(), num_replicas=3, rank=rank) for rank in range(3)]
    state = save(world[1], 10, tmp_path / "state.json")
    shares = replay([ferrosampler.DistributedSamplerWrapper(mixture(), 3, rank) for rank in range(3)], 0)
    for index in (2, 7, 320):
        answer = ask(capsys, str(state), "--index", str(index), "--mixture", str(spec))
        got = sorted((place["rank"], place["position"]) for place in answer["places"])
        assert got == sorted((rank, position) for rank, position, _ in places_of(shares, index, True)), index
    answer = ask(capsys, str(state), "--rank", "2", "--step", "5", "--batch-size", "4", "--mixture", str(spec))
    assert answer["indices"] == shares[2][20:24]


def test_a_mixture_state_needs_its_parameters(tmp_path, capsys):
    state = save(mixture(), 5, tmp_path / "state.json")
    assert "pass --mixture FILE" in refused(capsys, str(state), "--index", "1")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**MIXTURE, "num_samples": 901}))
    assert "does not match" in refused(capsys, str(state), "--index", "1", "--mixture", str(other))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"sources": [5]}))
    assert "must hold a JSON object with 'sources' and 'weights'" in refused(
        capsys, str(state), "--index", "1", "--mixture", str(broken)
    )


@pytest.mark.parametrize("batching", [{"batch_size": 3, "window": 9}, {"max_tokens": 40, "drop_last": True}])
def test_length_grouped_batch_sampler_reads_its_lengths(capsys, tmp_path, batching) -> None:
    lengths = [int(v) for v in np.random.default_rng(4).integers(0, 20, 31)]
    (tmp_path / "lengths.txt").write_text(" ".join(map(str, lengths)))
    make = lambda rank: ferrosampler.LengthGroupedBatchSampler(  # noqa: E731
        lengths, num_replicas=3, rank=rank, seed=8, **batching
    )
    saver = make(2)
    saver.set_epoch(1)
    state = save(saver, 2, tmp_path / "state.json")
    options = ["--lengths", str(tmp_path / "lengths.txt")]
    check(capsys, state, [make(r) for r in range(3)], 1, 31, options, batches=True)
    check(capsys, state, [make(r) for r in range(3)], 4, 31, options, batches=True)
    answer = ask(capsys, str(state), "--index", "5", *options)
    assert all(p["served_before_state"] == (p["global_position"] < 6) for p in answer["places"])  # 2 steps of 3
    assert "pass --lengths FILE" in refused(capsys, str(state), "--index", "5")
    (tmp_path / "other.txt").write_text(" ".join(map(str, [*lengths[:-1], 99])))
    assert "does not match" in refused(capsys, str(state), "--index", "5", "--lengths", str(tmp_path / "other.txt"))


def test_unseeded_length_grouped_batch_sampler_uses_the_state_epoch_seed(capsys, tmp_path) -> None:
    lengths = list(range(20, 0, -1))
    np.save(tmp_path / "lengths.npy", np.asarray(lengths, dtype=np.int64))
    sampler = ferrosampler.LengthGroupedBatchSampler(lengths, 2)
    iterator = iter(sampler)
    taken = [next(iterator) for _ in range(3)]
    (tmp_path / "state.json").write_text(json.dumps(sampler.state_dict()))
    epoch = [*taken, *iterator]
    options = ["--lengths", str(tmp_path / "lengths.npy")]
    for index in range(20):
        (place,) = ask(capsys, str(tmp_path / "state.json"), "--index", str(index), *options)["places"]
        assert epoch[place["position"]][place["offset"]] == index
        assert place["served_before_state"] == (place["position"] < 3)
    assert "drew its seed" in refused(capsys, str(tmp_path / "state.json"), "--step", "0", *options)
