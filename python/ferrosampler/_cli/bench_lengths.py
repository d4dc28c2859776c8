"""Length-grouped batching measured: padding efficiency, per-step token imbalance across ranks, batch recurrence
between epochs, and the time to plan an epoch — for LengthGroupedBatchSampler, random batches and a
re-implementation of Hugging Face's mega-batch grouping (``LengthGroupedSampler``: a random permutation cut
into mega-batches of ``mega_batch_mult × batch_size`` samples, default ``min(n // (4·batch_size), 50)``
batches, each sorted by length, longest first, and the overall longest sample moved to the very first batch).

Every function is a pure function of its arguments (seeded); ``quality_rows`` and ``plan_speed`` are what the
``bench`` report prints. Quality figures are properties of the plans, not timings."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
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
TOKEN_BUDGET = 8192  # the token-budget row: 32 samples of the mean length (about 245) is about 7800 tokens
COMMAND = "python -m ferrosampler._cli.bench_lengths --docs docs/lengths.md --docs README.md --plot docs/lengths.png"


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
        f"ferrosampler, max_tokens={TOKEN_BUDGET}": lambda epoch: ferrosampler_batches(
            lengths, None, max_tokens=TOKEN_BUDGET, seed=seed, epoch=epoch, num_replicas=num_replicas
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


class PlannedEpoch:
    """What ``plan_work`` returns: the epoch's first batch and the number of samples its plan orders (``len``)."""

    def __init__(self, first: list[int], samples: int) -> None:
        self.first, self.samples = first, samples

    def __len__(self) -> int:
        return self.samples


def plan_work(n: int, batch_size: int = BATCH_SIZE, seed: int = 0) -> Callable[[], PlannedEpoch]:
    """``ferrosampler bench``'s lengths-plan cell: each call plans a new epoch of ``n`` log-normal lengths (the
    engine's plan, computed at the epoch's first batch) and returns that batch."""
    sampler = fs.LengthGroupedBatchSampler(lognormal_lengths(n, seed), batch_size, seed=seed)
    epochs = iter(range(1 << 40))

    def work() -> PlannedEpoch:
        sampler.set_epoch(next(epochs))
        return PlannedEpoch(next(iter(sampler)), n)

    return work


def hf_work(n: int, batch_size: int = BATCH_SIZE, seed: int = 0) -> Callable[[], list[int]]:
    """The baseline cell: HF's grouping of the same lengths (its whole index order, a Python list of ``n``)."""
    listed = lognormal_lengths(n, seed).tolist()
    seeds = iter(range(1 << 40))
    return lambda: hf_megabatch_order(listed, batch_size, seed + next(seeds))


def training_throughput(
    n: int = 20_000, batch_size: int = BATCH_SIZE, steps: int = 30, max_length: int = 256, seed: int = 0
) -> dict[str, float]:
    """Real tokens per second of a padded-text training loop on this machine: a DataLoader over synthetic token
    sequences of log-normal lengths (truncated at ``max_length``, as a tokenizer would), padded by the collate to
    each batch's longest, feeding an embedding and a 2-layer transformer encoder (d_model 64, a padding mask, a
    next-token loss over the real tokens only), trained on CPU (one torch thread: a shared machine's cores are
    not all ours) by SGD. Before: ``DataLoader(batch_size=...,
    shuffle=True)``; after: ``DataLoader(batch_sampler=LengthGroupedBatchSampler(...))``; ``steps`` timed steps
    each, after two untimed. Returns each loop's real tokens/s and their ratio (a timing: docs, never a test)."""
    import torch

    lengths = np.maximum(np.minimum(lognormal_lengths(n, seed), max_length), 2)
    vocabulary, width = 256, 64
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _train(torch, lengths, vocabulary, width, batch_size, steps, seed)
    finally:
        torch.set_num_threads(threads)


def _train(
    torch: Any, lengths: npt.NDArray[np.int64], vocabulary: int, width: int, batch_size: int, steps: int, seed: int
) -> dict[str, float]:
    n = len(lengths)

    class Tokens:  # a map-style dataset: DataLoader needs only __len__ and __getitem__
        def __len__(self) -> int:
            return n

        def __getitem__(self, index: int) -> Any:
            generator = torch.Generator().manual_seed(index)
            return torch.randint(1, vocabulary, (int(lengths[index]),), generator=generator)

    def pad(samples: list[Any]) -> Any:
        return torch.nn.utils.rnn.pad_sequence(samples, batch_first=True, padding_value=0)

    torch.manual_seed(seed)
    layer = torch.nn.TransformerEncoderLayer(width, nhead=4, dim_feedforward=2 * width, batch_first=True)
    encoder = torch.nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
    embed, head = torch.nn.Embedding(vocabulary, width, padding_idx=0), torch.nn.Linear(width, vocabulary)
    parameters = [*embed.parameters(), *encoder.parameters(), *head.parameters()]
    optimizer = torch.optim.SGD(parameters, lr=0.01)
    loaders = {
        "random batches": torch.utils.data.DataLoader(
            Tokens(), batch_size=batch_size, shuffle=True, collate_fn=pad, generator=torch.Generator().manual_seed(seed)
        ),
        "LengthGroupedBatchSampler": torch.utils.data.DataLoader(
            Tokens(), batch_sampler=fs.LengthGroupedBatchSampler(lengths, batch_size, seed=seed), collate_fn=pad
        ),
    }
    out: dict[str, float] = {}
    for name, loader in loaders.items():
        real, start = 0, 0.0
        for step, tokens in enumerate(loader):
            if step == 2:  # two warm-up steps, untimed
                real, start = 0, time.perf_counter()
            if step == steps + 2:
                break
            padding = tokens == 0
            hidden = encoder(embed(tokens), src_key_padding_mask=padding)
            logits = head(hidden[:, :-1])
            target = tokens[:, 1:].masked_fill(padding[:, 1:], -100)  # the loss counts real tokens only
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocabulary), target.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            real += int((~padding).sum())
        out[f"{name} tokens/s"] = real / (time.perf_counter() - start)
    out["gain"] = out["LengthGroupedBatchSampler tokens/s"] / out["random batches tokens/s"]
    return out


# -- the generated parts of docs/lengths.md --------------------------------------------------------------------------


def quality_table(seeds: Sequence[int], n: int = QUALITY_N) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """The quality table (markdown: each figure the mean over ``seeds``, efficiency with its range) and the rows."""
    by_method: dict[str, list[dict[str, Any]]] = {}
    for seed in seeds:
        for row in quality_rows(n=n, seed=seed):
            by_method.setdefault(row["method"], []).append(row)
    lines = [
        "| batching | padding efficiency (real / padded tokens) | token imbalance per step (max / min) | "
        "batches recurring in the next epoch |",
        "|---|---|---|---|",
    ]
    for method, rows in by_method.items():
        efficiency = [row["efficiency"] for row in rows]
        imbalance = float(np.mean([row["imbalance"] for row in rows]))
        recurrence = float(np.mean([row["recurrence"] for row in rows]))
        lines.append(
            f"| {method} | {np.mean(efficiency):.3f} ({min(efficiency):.3f}–{max(efficiency):.3f}) | "
            f"{imbalance:.3f} | {100 * recurrence:.1f} % |"
        )
    return "\n".join(lines), by_method


def speed_text(n: int = SPEED_N) -> str:
    speed = plan_speed(n)
    return (
        f"At N = {n:,} (best of 3, timed in turns in one process): HF's grouping {speed['hf_seconds']:.2f} s, "
        f"LengthGroupedBatchSampler's plan {speed['plan_seconds']:.2f} s (**{speed['speedup']:.0f}×**); the whole "
        f"epoch as Python lists (`epoch_batches()`) {speed['epoch_lists_seconds']:.2f} s."
    )


def training_text(**kwargs: Any) -> str:
    figures = training_throughput(**kwargs)
    return (
        f"Random batches: {figures['random batches tokens/s']:,.0f} real tokens/s; LengthGroupedBatchSampler: "
        f"{figures['LengthGroupedBatchSampler tokens/s']:,.0f} real tokens/s: **{figures['gain']:.1f}× more real "
        f"tokens per second**."
    )


def plot(by_method: dict[str, list[dict[str, Any]]], path: Path) -> None:
    """Padding efficiency and per-step imbalance of each batching (bars: mean over the seeds; whiskers: range)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(by_method)
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), constrained_layout=True)
    for axis, key, title in ((left, "efficiency", "padding efficiency (real / padded tokens)"),
                             (right, "imbalance", "token imbalance per step, 8 ranks (max / min)")):  # fmt: skip
        values = [[row[key] for row in by_method[name]] for name in names]
        means = [float(np.mean(v)) for v in values]
        low = [m - min(v) for m, v in zip(means, values, strict=True)]
        high = [max(v) - m for m, v in zip(means, values, strict=True)]
        axis.barh(range(len(names)), means, xerr=[low, high], color=["#999", "#d98", "#8ad", "#37b", "#159"])
        axis.set_yticks(range(len(names)), names if axis is left else [""] * len(names))
        axis.invert_yaxis()
        axis.set_title(title, fontsize=10)
        if key == "imbalance":
            axis.set_xscale("log")
        else:
            axis.set_xlim(0, 1)
    figure.suptitle(f"{QUALITY_N:,} log-normal lengths, batch {BATCH_SIZE}", fontsize=11)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the block between ``<!-- bench_lengths:NAME -->`` and ``<!-- /bench_lengths:NAME -->``
    replaced by ``body``; ValueError if the markers are missing."""
    begin, end = f"<!-- bench_lengths:{name} -->", f"<!-- /bench_lengths:{name} -->"
    if begin not in text or end not in text:
        raise ValueError(f"the page has no {begin} … {end} block")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Measures the quality table, the plan speed and the training loop; prints them, or writes them into the
    marked blocks of ``--docs`` (and the plot to ``--plot``)."""
    parser = argparse.ArgumentParser(prog="python -m ferrosampler._cli.bench_lengths", description=__doc__)
    parser.add_argument("--seeds", type=int, default=10, help="samples of lengths for the quality table")
    parser.add_argument("--n", type=int, default=QUALITY_N, help="lengths per sample (quality)")
    parser.add_argument("--speed-n", type=int, default=SPEED_N, help="lengths for the plan speed")
    parser.add_argument("--train-n", type=int, default=20_000, help="samples of the training loop's dataset")
    parser.add_argument("--train-steps", type=int, default=30, help="timed steps of each training loop")
    parser.add_argument("--max-length", type=int, default=256, help="the training loop's truncation")
    parser.add_argument(
        "--docs", type=Path, action="append", default=[], help="a page whose bench_lengths blocks to fill (repeatable)"
    )
    parser.add_argument("--plot", type=Path, help="write the quality plot here (PNG)")
    args = parser.parse_args(argv)
    table, by_method = quality_table(range(args.seeds), args.n)
    speed = speed_text(args.speed_n)
    training = training_text(n=args.train_n, steps=args.train_steps, max_length=args.max_length)
    print(f"{table}\n\n{speed}\n\n{training}")
    if args.plot is not None:
        plot(by_method, args.plot)
    blocks = {"quality": table, "speed": speed, "training": training}
    for page in args.docs:
        text = page.read_text(encoding="utf-8")
        present = [name for name in blocks if f"<!-- bench_lengths:{name} -->" in text]
        if not present:
            raise SystemExit(f"{page} has no <!-- bench_lengths:... --> block")
        for name in present:
            text = replace_block(text, name, blocks[name])
        page.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
