"""Length-grouped batching measured: padding efficiency, per-step token imbalance across ranks, batch recurrence
between epochs, and the time to plan an epoch — for LengthGroupedBatchSampler, random batches and a
re-implementation of Hugging Face's mega-batch grouping (``LengthGroupedSampler``: a random permutation cut
into mega-batches of ``mega_batch_mult × batch_size`` samples, default ``min(n // (4·batch_size), 50)``
batches, each sorted by length, longest first, and the overall longest sample moved to the very first batch).

Every function is a pure function of its arguments (seeded); ``quality_rows`` and ``plan_speed`` are what the
``bench`` report prints. Quality figures are properties of the plans, not timings."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import ferrosampler as fs

Batches = list[npt.NDArray[np.int64]]

BATCH_SIZE = 32
REPLICAS = 8
QUALITY_N = 10**5
SPEED_N = 10**7
HF_MEGA_BATCHES = 50  # HF's default mega_batch_mult cap


def lognormal_lengths(n: int, seed: int = 0, mu: float = 5.0, sigma: float = 1.0) -> npt.NDArray[np.int64]:
    """``⌈exp(𝒩(mu, sigma))⌉`` token counts (median e^mu ≈ 148, mean ≈ 245, a long tail): the benchmark's
    stand-in for a tokenized text corpus."""
    rng = np.random.default_rng(seed)
    return np.ceil(np.exp(rng.normal(mu, sigma, n))).astype(np.int64)


def _cut(order: npt.NDArray[np.int64], batch_size: int) -> Batches:
    return [order[lo : lo + batch_size] for lo in range(0, len(order), batch_size)]


def random_batches(n: int, batch_size: int, seed: int) -> Batches:
    """Random batches: one random permutation cut into ``batch_size`` runs (RandomSampler + BatchSampler)."""
    return _cut(np.random.default_rng(seed).permutation(n).astype(np.int64), batch_size)


def hf_megabatch_order(
    lengths: Sequence[int], batch_size: int, seed: int, mega_batch_mult: int | None = None
) -> list[int]:
    """HF's length grouping as its documentation describes it, step by step with the tools it uses: a
    ``torch.randperm`` (numpy's permutation without torch) cut into mega-batches, each turned into a Python list
    and sorted by ``lambda i: lengths[i]``, longest first; the mega-batch holding the longest sample gives its
    head to the first one. Returns the index order."""
    n = len(lengths)
    if mega_batch_mult is None:
        mega_batch_mult = max(1, min(n // (batch_size * 4), HF_MEGA_BATCHES))
    size = mega_batch_mult * batch_size
    try:
        import torch

        permutation: Any = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    except ImportError:
        permutation = np.random.default_rng(seed).permutation(n)
    groups = [permutation[lo : lo + size].tolist() for lo in range(0, n, size)]
    groups = [sorted(group, key=lambda i: lengths[i], reverse=True) for group in groups]
    heads = [lengths[group[0]] for group in groups]
    longest = max(range(len(groups)), key=heads.__getitem__)
    groups[0][0], groups[longest][0] = groups[longest][0], groups[0][0]
    return [index for group in groups for index in group]


def hf_megabatch_batches(lengths: Sequence[int], batch_size: int, seed: int) -> Batches:
    """HF's grouping cut into batches, as its loader cuts them."""
    return _cut(np.asarray(hf_megabatch_order(lengths, batch_size, seed), dtype=np.int64), batch_size)


def ferrosampler_batches(
    lengths: npt.NDArray[np.int64],
    batch_size: int | None = BATCH_SIZE,
    *,
    max_tokens: int | None = None,
    seed: int = 0,
    epoch: int = 0,
    num_replicas: int = 1,
    window: int | None = None,
) -> Batches:
    """The global order of LengthGroupedBatchSampler's batches: step after step, rank 0's batch first (each
    rank's ``epoch_batches`` interleaved)."""
    ranks = [
        fs.LengthGroupedBatchSampler(
            lengths, batch_size, max_tokens=max_tokens, window=window, num_replicas=num_replicas, rank=rank,
            seed=seed,
        ).epoch_batches(epoch)
        for rank in range(num_replicas)
    ]  # fmt: skip
    return [np.asarray(batch, dtype=np.int64) for step in zip(*ranks, strict=True) for batch in step]


def padded_tokens(lengths: npt.NDArray[np.int64], batch: npt.NDArray[np.int64]) -> int:
    """``len(batch) × max(length in batch)``: what a padded batch costs."""
    return int(len(batch) * lengths[batch].max()) if len(batch) else 0


def padding_efficiency(lengths: npt.NDArray[np.int64], batches: Batches) -> float:
    """Real tokens / padded tokens over all batches (1.0: no padding at all)."""
    real = sum(int(lengths[batch].sum()) for batch in batches)
    padded = sum(padded_tokens(lengths, batch) for batch in batches)
    return real / padded if padded else 1.0


def step_imbalance(lengths: npt.NDArray[np.int64], batches: Batches, num_replicas: int) -> float:
    """The mean over whole steps (``num_replicas`` consecutive batches of the global order, one per rank) of
    max / min padded tokens: how long the slowest rank makes the others wait (1.0: perfectly balanced)."""
    ratios = []
    for lo in range(0, len(batches) - num_replicas + 1, num_replicas):
        tokens = [padded_tokens(lengths, batch) for batch in batches[lo : lo + num_replicas]]
        if min(tokens) > 0:
            ratios.append(max(tokens) / min(tokens))
    return float(np.mean(ratios)) if ratios else 1.0


def recurrence(first: Batches, second: Batches) -> float:
    """The share of ``first``'s batches (as sets of indices) that recur in ``second``."""
    later = {frozenset(batch.tolist()) for batch in second}
    return sum(frozenset(batch.tolist()) in later for batch in first) / len(first) if first else 0.0


def quality_rows(
    n: int = QUALITY_N, batch_size: int = BATCH_SIZE, num_replicas: int = REPLICAS, seed: int = 0
) -> list[dict[str, Any]]:
    """Efficiency, imbalance across ``num_replicas`` ranks and recurrence between epochs 0 and 1 of random
    batches, HF's mega-batch grouping and LengthGroupedBatchSampler (default window, and 128 batches) on
    ``lognormal_lengths(n, seed)``."""
    lengths = lognormal_lengths(n, seed)
    listed = lengths.tolist()
    methods: dict[str, Callable[[int], Batches]] = {
        "random batches": lambda epoch: random_batches(n, batch_size, seed * 1000 + epoch),
        "HF mega-batches (50 batches)": lambda epoch: hf_megabatch_batches(listed, batch_size, seed * 1000 + epoch),
        "ferrosampler, window 128 batches": lambda epoch: ferrosampler_batches(
            lengths, batch_size, seed=seed, epoch=epoch, num_replicas=num_replicas, window=128 * batch_size
        ),
        "ferrosampler (default window)": lambda epoch: ferrosampler_batches(
            lengths, batch_size, seed=seed, epoch=epoch, num_replicas=num_replicas
        ),
    }
    rows = []
    for name, make in methods.items():
        first, second = make(0), make(1)
        rows.append({
            "method": name,
            "efficiency": padding_efficiency(lengths, first),
            "imbalance": step_imbalance(lengths, first, num_replicas),
            "recurrence": recurrence(first, second),
        })  # fmt: skip
    return rows


def plan_speed(n: int = SPEED_N, batch_size: int = BATCH_SIZE, seed: int = 0, repeats: int = 3) -> dict[str, float]:
    """Seconds to plan one epoch of ``n`` log-normal lengths, best of ``repeats``: HF's grouping (its index order
    as a Python list) and LengthGroupedBatchSampler's plan (the engine's, as at an epoch's first batch), timed in
    turns in the same process on the same lengths (so a busy machine slows both alike); plus the sampler's
    whole epoch of batches as Python lists. ``speedup`` is the best HF time over the best plan time."""
    lengths = lognormal_lengths(n, seed)
    listed = lengths.tolist()
    sampler = fs.LengthGroupedBatchSampler(lengths, batch_size, seed=seed)

    def first_batch(epoch: int) -> list[int]:
        sampler.set_epoch(epoch)  # a new epoch: its plan is computed at the first batch
        return next(iter(sampler))

    def seconds(work: Callable[[], Any]) -> float:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start

    times: dict[str, list[float]] = {"hf": [], "plan": [], "lists": []}
    for repeat in range(repeats):
        times["hf"].append(seconds(lambda: hf_megabatch_order(listed, batch_size, seed + repeat)))  # noqa: B023
        times["plan"].append(seconds(lambda: first_batch(repeat)))  # noqa: B023
        times["lists"].append(seconds(lambda: sampler.epoch_batches(1000 + repeat)))  # noqa: B023
    best = {name: min(values) for name, values in times.items()}
    return {
        "hf_seconds": best["hf"], "plan_seconds": best["plan"], "epoch_lists_seconds": best["lists"],
        "speedup": best["hf"] / best["plan"],
    }  # fmt: skip


def training_throughput(
    n: int = 10_000, batch_size: int = BATCH_SIZE, steps: int = 30, max_length: int = 512, seed: int = 0
) -> dict[str, float]:
    """Real tokens per second of a small padded-text training loop on this machine (a 2-layer transformer
    encoder, d_model 64, trained on CPU with a padding mask): ``steps`` batches of random batching and of
    LengthGroupedBatchSampler over the same log-normal lengths, truncated at ``max_length`` tokens as a
    tokenizer would. Returns each method's tokens/s and the ratio (a timing: for the docs, never a test)."""
    import torch

    lengths = np.minimum(lognormal_lengths(n, seed), max_length)
    torch.manual_seed(seed)
    layer = torch.nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, batch_first=True)
    encoder = torch.nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
    model = torch.nn.Sequential(torch.nn.Embedding(1000, 64), encoder)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    plans = {
        "random batches": random_batches(n, batch_size, seed),
        "ferrosampler": ferrosampler_batches(lengths, batch_size, seed=seed),
    }
    out: dict[str, float] = {}
    for name, batches in plans.items():
        real, start = 0, time.perf_counter()
        for batch in batches[:steps]:
            width = int(lengths[batch].max())
            tokens = torch.randint(1, 1000, (len(batch), width))
            padding = torch.arange(width)[None, :] >= torch.as_tensor(lengths[batch])[:, None]
            hidden = model[1](model[0](tokens), src_key_padding_mask=padding)
            loss = hidden.masked_fill(padding[..., None], 0.0).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            real += int(lengths[batch].sum())
        out[f"{name} tokens/s"] = real / (time.perf_counter() - start)
    out["ratio"] = out["ferrosampler tokens/s"] / out["random batches tokens/s"]
    return out
