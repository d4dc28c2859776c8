"""`verify`: known answers on both engines, then random cases, Rust engine against the reference."""

from __future__ import annotations

import inspect
import random
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import ferrosampler as fs
import ferrosampler.reference as ref

from . import environment
from .known_answers import KnownAnswer

# (family, sampler type, a builder taking a sampler module) for one random case.
Case = tuple[str, str, Callable[[Any], Any]]
Outcome = tuple[str, Any]
SHOWN_MISMATCHES = 5


def permutation_kinds() -> list[str | None]:
    """Engine v2's permutation= values when the samplers take the keyword, else the default only."""
    if "permutation" in inspect.signature(fs.RandomSampler).parameters:
        return ["feistel", "fisher-yates"]
    return [None]


def permuting_builders(n: int, seed: int, subset: list[int], extra: dict[str, Any]) -> dict[str, Callable[[Any], Any]]:
    """The samplers that permute, with one permutation= choice bound (a fresh scope per choice)."""
    return {
        "RandomSampler": lambda m: m.RandomSampler(range(n), seed=seed, **extra),
        "SubsetRandomSampler": lambda m: m.SubsetRandomSampler(subset, seed=seed, **extra),
        "DistributedSampler": lambda m: m.DistributedSampler(range(n), 3, 1, seed=seed, **extra),
    }


def torch_cases(rng: random.Random, n: int, seed: int, weights: list[float]) -> Iterator[Case]:
    subset = list(range(0, 3 * n, 3))
    for kind in permutation_kinds():
        extra: dict[str, Any] = {} if kind is None else {"permutation": kind}
        tag = "" if kind is None else f"[{kind}]"
        for name, build in permuting_builders(n, seed, subset, extra).items():
            yield "torch", f"{name}{tag}", build
    yield "torch", "RandomSampler(replacement)", lambda m: m.RandomSampler(range(n), True, 3 * n, seed=seed)
    yield "torch", "WeightedRandomSampler", lambda m: m.WeightedRandomSampler(weights, n, seed=seed)
    k = rng.randint(1, sum(w > 0 for w in weights))
    yield (
        "torch",
        "WeightedRandomSampler(no replacement)",
        lambda m: m.WeightedRandomSampler(weights, k, replacement=False, seed=seed),
    )


def mindspore_cases(rng: random.Random, n: int, seed: int, weights: list[float]) -> Iterator[Case]:
    labels = [rng.randrange(4) for _ in range(n)]
    shards = rng.randint(1, 4)
    shard = rng.randrange(shards)
    family = "mindspore"
    yield family, "RandomSampler", lambda m: m.RandomSampler(seed=seed, dataset_size=n)
    yield (
        family,
        "RandomSampler(replacement)",
        lambda m: m.RandomSampler(True, 2 * n, seed=seed, dataset_size=n),
    )
    yield family, "SubsetRandomSampler", lambda m: m.SubsetRandomSampler(list(range(n)), seed=seed, dataset_size=n)
    yield (
        family,
        "DistributedSampler",
        lambda m: m.DistributedSampler(shards, shard, seed=seed, dataset_size=n),
    )
    yield family, "WeightedRandomSampler", lambda m: m.WeightedRandomSampler(weights, n, seed=seed, dataset_size=n)
    yield family, "PKSampler", lambda m: m.PKSampler(2, shuffle=True, labels=labels, seed=seed)


def outcome(build: Callable[[Any], Any], module: Any, epoch: int, family: str) -> Outcome:
    """The epoch's indices, or the refusal: both engines must agree on either."""
    try:
        sampler = build(module)
        if family == "mindspore":
            return "indices", sampler.epoch_indices(epoch).tolist()
        sampler.set_epoch(epoch)
        return "indices", list(sampler)  # the iteration path, which is what a DataLoader uses
    except (ValueError, TypeError, RuntimeError, MemoryError) as error:
        return type(error).__name__, str(error)


def mindspore_modules() -> tuple[Any, Any] | None:
    try:
        import ferrosampler.mindspore as fast
        import ferrosampler.reference.mindspore as slow
    except ImportError:
        return None
    return fast, slow


def known_answer_mismatches(known_answers: list[KnownAnswer]) -> int:
    import ferrosampler._core as rust
    from ferrosampler.reference import _engine as reference

    mismatches = 0
    print(f"known answers of spec v{fs.SPEC_VERSION}: {len(known_answers)} per engine")
    for name, engine in (("Rust engine", rust), ("reference engine", reference)):
        wrong = [i for i, (call, expected) in enumerate(known_answers) if [int(v) for v in call(engine)] != expected]
        mismatches += len(wrong)
        detail = f" (wrong: #{', #'.join(str(i + 1) for i in wrong)})" if wrong else ""
        print(f"  {name:<17} {len(known_answers) - len(wrong)}/{len(known_answers)} match{detail}")
    return mismatches


def verify(examples: int, seed: int, known_answers: list[KnownAnswer]) -> int:
    """Prints the environment and every check; returns the exit code (1 on any mismatch)."""
    print("ferrosampler verify: the Rust engine against the pure-Python reference of docs/spec.md")
    print("environment:")
    for name, value in environment.versions():
        print(f"  {name:<12} {value}")
    mismatches = known_answer_mismatches(known_answers)
    pairs = [("torch", (fs, ref))]
    modules = mindspore_modules()
    if modules is not None:
        pairs.append(("mindspore", modules))
    compared: Counter[tuple[str, str]] = Counter()
    refused: Counter[tuple[str, str]] = Counter()
    wrong: Counter[tuple[str, str]] = Counter()
    shown: list[str] = []
    rng = random.Random(seed)
    for _ in range(examples):
        n, s, epoch = rng.randint(1, 200), rng.getrandbits(64), rng.randint(0, 1000)
        weights = [rng.choice([0.0, rng.random(), rng.random() * 1e6]) for _ in range(n)]
        weights[rng.randrange(n)] = 1.0
        cases = list(torch_cases(rng, n, s, weights))
        if modules is not None:
            cases += mindspore_cases(rng, n, s, weights)
        for family, name, build in cases:
            fast, slow = dict(pairs)[family]
            got, expected = outcome(build, fast, epoch, family), outcome(build, slow, epoch, family)
            compared[family, name] += 1
            refused[family, name] += got[0] != "indices" and got == expected
            if got != expected:
                wrong[family, name] += 1
                if len(shown) < SHOWN_MISMATCHES:
                    shown.append(f"{family} {name}: n={n} seed={s} epoch={epoch}: Rust {got} != reference {expected}")
    print(f"Rust vs reference: {examples} random cases from seed {seed}, each sampler type once per case")
    for family, name in compared:
        key = (family, name)
        note = f" ({refused[key]} refused by both engines alike)" if refused[key] else ""
        print(f"  {family:<9} {name:<40} {compared[key]:>6} comparisons, {wrong[key]} mismatches{note}")
    if modules is None:
        print("  mindspore-compatible samplers: not importable, not compared")
    for line in shown:
        print(f"  mismatch: {line}")
    mismatches += sum(wrong.values())
    total = sum(compared.values())
    print(f"total: {2 * len(known_answers)} known answers and {total} comparisons, {mismatches} mismatches")
    return 1 if mismatches else 0
