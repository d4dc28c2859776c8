"""`explain`: where an index was served, or what a rank saw at a step, from a saved ``state_dict`` — no loader run.

The state names the sampler's kind and records its progress and a fingerprint of the parameters that fix its order;
DistributedSampler's also records those parameters. The sampler is rebuilt from what the state records and the
options (for what it does not), then ``load_state_dict`` checks the two agree (kind, spec version, fingerprint and
every recorded parameter). The answers come from the sampler's own reads: ``position_of``'s inverse permutation
(docs/spec.md §25) and the seeked read of one rank's step, each O(1) per index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

import ferrosampler
from ferrosampler._inputs.checks import Permutation
from ferrosampler._protocol.epoch import as_list, collect, open_epoch
from ferrosampler._protocol.provenance import Position, locate

SEQUENTIAL = "torch.SequentialSampler"
MIXTURE = "torch.MixtureSampler"
UNSHARDED = ("torch.RandomSampler", "torch.SubsetRandomSampler", SEQUENTIAL, MIXTURE)
SEED_DRAWING = ("torch.RandomSampler", "torch.SubsetRandomSampler", MIXTURE)  # unseeded, a seed per epoch
LENGTHS = "LengthGroupedBatchSampler"
SHARDED = ("DistributedSampler", "DistributedSamplerWrapper", LENGTHS)
KINDS = (*UNSHARDED, "torch.BatchSampler", *SHARDED)
# A DistributedSamplerWrapper's state names its inner sampler's class: the ones explain rebuilds.
INNER_CLASSES = {
    "RandomSampler": "torch.RandomSampler",
    "SubsetRandomSampler": "torch.SubsetRandomSampler",
    "SequentialSampler": "torch.SequentialSampler",
    "MixtureSampler": MIXTURE,
    "BatchSampler": "torch.BatchSampler",
}


class Refused(Exception):
    """A state explain cannot read or rebuild, or options that disagree with it: one line, exit status 2."""


class Sized:
    """A dataset of ``n`` rows that only has a length: rebuilding a sampler reads nothing else."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n


@dataclass(frozen=True)
class Options:
    """What the state may not record, as the command line gives it (None: not given)."""

    n: int | None = None
    num_samples: int | None = None
    replacement: bool = False
    permutation: Permutation | None = None
    indices: Path | None = None
    batch_size: int | None = None
    drop_last: bool = False
    sampler: str | None = None
    seed: int | None = None
    mixture: Path | None = None
    lengths: Path | None = None


def read_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise Refused(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Refused(f"{str(path)!r} is not a JSON state_dict(): {error}") from None
    if not isinstance(state, dict) or not isinstance(state.get("kind"), str):
        raise Refused(f"{str(path)!r} is not a state_dict(): a JSON object with a 'kind' field is expected")
    if state["kind"] not in KINDS:
        raise Refused(f"explain cannot rebuild a {state['kind']!r} state; it reads the states of {', '.join(KINDS)}")
    return state


def read_indices(path: Path, option: str = "--indices") -> np.ndarray:
    """SubsetRandomSampler's indices (or LengthGroupedBatchSampler's lengths): a .npy file, or integers separated by
    spaces, commas or brackets (JSON)."""
    values: np.ndarray
    try:
        if path.suffix == ".npy":
            values = np.load(path, allow_pickle=False)
        else:
            words = [word for word in re.split(r"[\s,\[\]]+", path.read_text(encoding="utf-8")) if word]
            values = np.array([int(word) for word in words], dtype=np.int64)
    except OSError as error:
        raise Refused(f"cannot read {option} {str(path)!r}: {error.strerror or error}") from None
    except ValueError as error:
        raise Refused(f"{option} {str(path)!r} must hold integers (a .npy array or text): {error}") from None
    if values.ndim != 1 or values.dtype.kind not in "iu":
        raise Refused(f"{option} {str(path)!r} must hold a 1-D array of integers, got {values.dtype} {values.shape}")
    return values


def read_mixture(path: Path) -> dict[str, Any]:
    """A MixtureSampler's parameters from a JSON object: ``sources`` (sizes), ``weights`` (one per source, or a
    schedule of ``[start, weights]`` pairs) and, optionally, ``num_samples``."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise Refused(f"cannot read --mixture {str(path)!r}: {error}") from None
    if not isinstance(spec, dict) or not {"sources", "weights"} <= set(spec) or not set(spec) <= MIXTURE_FIELDS:
        raise Refused(
            f"--mixture {str(path)!r} must hold a JSON object with 'sources' and 'weights' (and 'num_samples')"
        )
    weights = spec["weights"]
    if isinstance(weights, list) and weights and isinstance(weights[0], list):
        weights = [tuple(phase) if isinstance(phase, list) else phase for phase in weights]  # JSON has no tuples
    return {"sources": spec["sources"], "weights": weights, "num_samples": spec.get("num_samples")}


MIXTURE_FIELDS = {"sources", "weights", "num_samples"}


def need(value: Any, option: str, kind: str, what: str) -> Any:
    if value is None:
        raise Refused(f"a {kind} state does not record {what}: pass {option} (checked against the state)")
    return value


def seeding(state: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """The seed arguments of a torch-family random sampler as its state says it was seeded."""
    source = state.get("seed_source")
    if source == "fixed":
        return {"seed": state.get("seed")}
    if source == "generator":
        try:
            import torch
        except ImportError:
            raise Refused(f"this {kind} drew its seeds from a torch.Generator: rebuilding it needs torch") from None
        return {"generator": torch.Generator()}
    if source == "global":
        return {}
    raise Refused(f"the {kind} state's 'seed_source' must be 'fixed', 'generator' or 'global', got {source!r}")


def recorded(state: Mapping[str, Any], name: str) -> Any:
    if name not in state:
        raise Refused(f"the {state['kind']} state has no {name!r} field: it is not a complete state_dict()")
    return state[name]


def build_unsharded(kind: str, options: Options, seeds: dict[str, Any]) -> Any:
    """The torch-family sampler of ``kind`` from the options (``seeds``: its seed arguments)."""
    if kind == SEQUENTIAL:
        return ferrosampler.SequentialSampler(Sized(need(options.n, "--n", kind, "the dataset size")))
    if kind == MIXTURE:
        spec = read_mixture(need(options.mixture, "--mixture FILE", kind, "its sources, weights and num_samples"))
        return ferrosampler.MixtureSampler(spec["sources"], spec["weights"], spec["num_samples"], **seeds)
    permutation: Permutation = options.permutation or "feistel"
    if kind == "torch.SubsetRandomSampler":
        indices = read_indices(need(options.indices, "--indices FILE", kind, "its indices"))
        return ferrosampler.SubsetRandomSampler(cast("Sequence[int]", indices), permutation=permutation, **seeds)
    n = need(options.n, "--n", kind, "the dataset size")
    return ferrosampler.RandomSampler(
        Sized(n), options.replacement, options.num_samples, permutation=permutation, **seeds
    )


def build(state: Mapping[str, Any], options: Options, rank: int | None) -> Any:
    """The sampler that saved ``state`` (on rank ``rank`` when given), with the state loaded and checked."""
    kind = state["kind"]
    sampler = rebuild(kind, state, options, rank)
    try:
        sampler.load_state_dict(state)
    except (TypeError, ValueError) as error:
        raise Refused(f"the state does not match the sampler rebuilt from it and the options: {error}") from None
    return sampler


def rebuild(kind: str, state: Mapping[str, Any], options: Options, rank: int | None) -> Any:
    try:
        if kind in UNSHARDED:
            return build_unsharded(kind, options, seeding(state, kind) if kind != SEQUENTIAL else {})
        if kind == "torch.BatchSampler":
            inner = state.get("sampler")
            if not isinstance(inner, Mapping) or inner.get("kind") not in KINDS or inner.get("kind") == kind:
                raise Refused("the torch.BatchSampler state's 'sampler' is not the state of a sampler explain rebuilds")
            batch_size = need(options.batch_size, "--batch-size", kind, "its batch size")
            return ferrosampler.BatchSampler(
                rebuild(inner["kind"], inner, options, rank), batch_size, options.drop_last
            )
        world = world_of(state, rank)
        if kind == LENGTHS:
            return lengths_sampler(state, options, world)
        even = state.get("even", True)  # recorded only when False (evaluation: nothing padded)
        if kind == "DistributedSampler":
            n, shuffle, seed, permutation = (recorded(state, name) for name in ("n", "shuffle", "seed", "permutation"))
            drop_last = recorded(state, "drop_last")
            return ferrosampler.DistributedSampler(
                Sized(n), *world, shuffle, seed, drop_last, permutation=permutation, even=even
            )
        return ferrosampler.DistributedSamplerWrapper(
            wrapped(state, options), *world, recorded(state, "drop_last"), even=even
        )
    except (TypeError, ValueError) as error:
        raise Refused(f"cannot rebuild the {kind} the state describes: {error}") from None


def lengths_sampler(state: Mapping[str, Any], options: Options, world: tuple[int, int]) -> Any:
    """A LengthGroupedBatchSampler from its state's parameters and the lengths of --lengths (the state records only
    their fingerprint)."""
    lengths = read_indices(need(options.lengths, "--lengths FILE", LENGTHS, "the lengths"), "--lengths")
    fields = ("batch_size", "max_tokens", "window", "drop_last", "shuffle", "seed", "permutation")
    batch_size, max_tokens, window, drop_last, shuffle, seed, permutation = (recorded(state, f) for f in fields)
    seeds = seeding({"seed_source": "generator"}, LENGTHS) if state.get("generator_state") else {"seed": seed}
    return ferrosampler.LengthGroupedBatchSampler(
        lengths, batch_size, max_tokens=max_tokens, window=window, num_replicas=world[0], rank=world[1],
        drop_last=drop_last, shuffle=shuffle, permutation=permutation, **seeds,
    )  # fmt: skip


def world_of(state: Mapping[str, Any], rank: int | None) -> tuple[int, int]:
    """(num_replicas, rank) of a sharded state: the saving world, at ``rank`` when asked about another rank."""
    replicas = state.get("num_replicas")
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 1:
        raise Refused(f"the {state['kind']} state's 'num_replicas' must be a positive int, got {replicas!r}")
    if rank is not None and not 0 <= rank < replicas:
        raise Refused(f"--rank must be in [0, {replicas}): the state was saved by a world of {replicas} ranks")
    saved: int = recorded(state, "rank")
    return replicas, saved if rank is None else rank


def wrapped(state: Mapping[str, Any], options: Options) -> Any:
    """A DistributedSamplerWrapper's inner sampler: its class from the state, its parameters from the options."""
    name = state.get("inner")
    kind = INNER_CLASSES.get(name) if isinstance(name, str) else None
    if kind is None:
        raise Refused(
            f"explain rebuilds a DistributedSamplerWrapper over {', '.join(INNER_CLASSES)}, not over {name!r}"
        )
    inner_seed = state.get("inner_seed")
    fixed = {"seed": inner_seed} if inner_seed is not None else {}
    if kind != "torch.BatchSampler":
        generator = seeding({"seed_source": "generator"}, kind) if state.get("inner_generator_state") else {}
        return build_unsharded(kind, options, fixed or generator)
    # A batch sampler records no seed: the sampler it batches is named and seeded by the options.
    innermost = INNER_CLASSES.get(options.sampler or "")
    if innermost is None or innermost == kind:
        choices = ", ".join(name for name in INNER_CLASSES if name != "BatchSampler")
        raise Refused(f"a wrapped BatchSampler's state does not record what it batches: pass --sampler ({choices})")
    seeds = {"seed": options.seed} if options.seed is not None else {}
    batch_size = need(options.batch_size, "--batch-size", "torch.BatchSampler", "its batch size")
    inner = build_unsharded(innermost, options, seeds if innermost != SEQUENTIAL else {})
    return ferrosampler.BatchSampler(inner, batch_size, options.drop_last)


def drawn_seed(state: Mapping[str, Any], options: Options) -> tuple[bool, int | None]:
    """(whether the sampler draws a seed per epoch, the seed the state's epoch drew, if recorded)."""
    kind = state["kind"]
    if kind == "torch.BatchSampler":
        inner = state.get("sampler")
        return drawn_seed(inner, options) if isinstance(inner, Mapping) else (False, None)
    if kind in SEED_DRAWING:
        return state.get("seed_source") != "fixed", state.get("epoch_seed")
    if kind == LENGTHS:
        return state.get("seed") is None and state.get("shuffle") is not False, state.get("epoch_seed")
    if kind == "DistributedSamplerWrapper":
        inner = state.get("inner")
        if inner == "BatchSampler":
            draws = options.seed is None and options.sampler != "SequentialSampler"
        else:
            draws = state.get("inner_seed") is None and inner != "SequentialSampler"
        seed = state.get("epoch_seed")
        if options.seed is not None and seed not in (None, options.seed):
            raise Refused(f"--seed {options.seed} is not the seed the state's epoch used ({seed})")
        return draws, seed
    return False, None


def epoch_key(state: Mapping[str, Any], options: Options, epoch: int) -> int | None:
    """The seed to read epoch ``epoch`` with: None for a sampler with a fixed key, else the state's drawn seed."""
    draws, seed = drawn_seed(state, options)
    if not draws:
        return None
    if epoch != state["epoch"]:
        raise Refused(
            f"this sampler draws a new seed every epoch and the state records only epoch {state['epoch']}'s: "
            f"ask about --epoch {state['epoch']}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise Refused(f"the state was saved before epoch {state['epoch']} drew its seed: nothing was served yet")
    return seed


def per_step(state: Mapping[str, Any], options: Options) -> tuple[int, bool]:
    """(indices per step, whether a step is one item of the sampler: a batch sampler's batch)."""
    batches = state["kind"] in ("torch.BatchSampler", LENGTHS) or (
        state["kind"] == "DistributedSamplerWrapper" and state.get("inner") == "BatchSampler"
    )
    return (options.batch_size or 1), batches


def served_before(state: Mapping[str, Any], place: Position, epoch: int, batch_size: int) -> bool:
    """Whether the run had served this place when it saved the state (its epochs in order, each from its start)."""
    if epoch != state["epoch"]:
        return bool(epoch < state["epoch"])
    if place.global_position is not None:
        consumed = place.global_position  # sharded: the state's position is the global position consumed
    elif place.offset is not None:
        consumed = place.position * batch_size + place.offset  # a batch sampler's state counts indices
    else:
        consumed = place.position
    return bool(consumed < state["position"])


def where(state: Mapping[str, Any], options: Options, index: int, epoch: int) -> dict[str, Any]:
    sampler = build(state, options, None)
    size, batches = per_step(state, options)
    try:
        places = list(locate(sampler, index, epoch, epoch_key(state, options, epoch), world=True))
    except (TypeError, ValueError) as error:
        raise Refused(str(error)) from None
    found = []
    for place in places:
        step = place.position if batches else (place.position // size if options.batch_size else None)
        served = served_before(state, place, epoch, size)
        found.append({**place._asdict(), "step": step, "served_before_state": served})
    return {"index": index, "epoch": epoch, "places": found}


def step_items(state: Mapping[str, Any], options: Options, rank: int | None, step: int, epoch: int) -> dict[str, Any]:
    sharded = state["kind"] in SHARDED or (
        state["kind"] == "torch.BatchSampler" and isinstance(state.get("sampler"), Mapping)
        and state["sampler"].get("kind") in SHARDED
    )  # fmt: skip
    if not sharded and rank not in (None, 0):
        raise Refused(f"a {state['kind']} is not sharded: its only rank is 0, got --rank {rank}")
    sampler = build(state, options, rank if sharded else None)
    size, batches = per_step(state, options)
    seed = epoch_key(state, options, epoch)
    if state["kind"] == LENGTHS:
        return length_step(sampler, seed, rank or 0, step, epoch)
    try:
        opened = open_epoch(sampler, seed, epoch)
    except (TypeError, ValueError) as error:
        raise Refused(str(error)) from None
    steps = opened.length if batches else -(-opened.length // size)
    if step >= steps:
        raise Refused(f"epoch {epoch} has {steps} steps on rank {rank or 0} ({opened.length} items), got --step {step}")
    first, count = (step, 1) if batches else (step * size, min(size, opened.length - step * size))
    items = as_list(collect(opened.read(first, 1, count)))
    indices = [int(value) for value in (items[0] if batches else items)]
    return {
        "epoch": epoch,
        "rank": rank or 0,
        "step": step,
        "positions": [first, first + count - 1],
        "indices": indices,
    }


def length_step(sampler: Any, seed: int | None, rank: int, step: int, epoch: int) -> dict[str, Any]:
    """A LengthGroupedBatchSampler's batch at ``step`` on ``rank``: its epoch's batches, from the start."""
    if seed is not None:
        raise Refused("--step reads a seeded LengthGroupedBatchSampler (this one drew its seed); --index answers")
    batches = sampler.epoch_batches(epoch)
    if step >= len(batches):
        raise Refused(f"epoch {epoch} has {len(batches)} steps on rank {rank}, got --step {step}")
    return {"epoch": epoch, "rank": rank, "step": step, "positions": [step, step], "indices": batches[step]}


def explain(
    state_path: Path, index: int | None, rank: int | None, step: int | None, epoch: int | None, options: Options,
    as_json: bool,
) -> int:  # fmt: skip
    """Prints the answer; raises Refused for a state it cannot read, or options that disagree with it."""
    state = read_state(state_path)
    if not isinstance(state.get("epoch"), int) or not isinstance(state.get("position"), int):
        raise Refused("the state's 'epoch' and 'position' must be integers")
    asked = state["epoch"] if epoch is None else epoch
    if index is not None:
        if rank is not None:
            raise Refused("--rank goes with --step; --index answers for every rank")
        answer = where(state, options, index, asked)
    else:
        answer = step_items(state, options, rank, step or 0, asked)
    answer = {"state": {"kind": state["kind"], "epoch": state["epoch"], "position": state["position"]}, **answer}
    print(json.dumps(answer) if as_json else text(answer, options))
    return 0


def text(answer: dict[str, Any], options: Options) -> str:
    saved = answer["state"]
    head = f"{saved['kind']} state: epoch {saved['epoch']}, position {saved['position']}"
    if "indices" in answer:
        where = f"rank {answer['rank']}, step {answer['step']}"
        return f"{head}\nepoch {answer['epoch']}, {where}: {answer['indices']}"
    lines = [head]
    if not answer["places"]:
        lines.append(f"index {answer['index']} is not served in epoch {answer['epoch']}")
    for place in answer["places"]:
        parts = []
        if place["rank"] is not None:
            parts.append(f"rank {place['rank']}")
        if place["offset"] is not None:
            parts.append(f"batch {place['position']}, offset {place['offset']}")
        else:
            parts.append(f"position {place['position']}")
        if place["step"] is not None and place["offset"] is None:
            parts.append(f"step {place['step']}")
        if place["global_position"] is not None:
            parts.append(f"global position {place['global_position']}")
        when = "served before the state was saved" if place["served_before_state"] else "not yet served then"
        lines.append(f"index {answer['index']} is seen at epoch {answer['epoch']}: {', '.join(parts)} ({when})")
    return "\n".join(lines)
