"""`demo`: the class-imbalance use case, without and with balancing, then a split and a Rust == reference line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

import ferrosampler as fs
import ferrosampler.reference as ref

CLASS_SIZES = (900, 90, 10)
SEED = 2024
SPLIT_ITEMS, SPLIT_RANKS, SPLIT_SEED = 10, 4, 7


def balanced_weights(labels: np.ndarray) -> tuple[np.ndarray, str]:
    """The toolkit's class_balanced_weights when this build has it, else the seeds' 1/count[labels]."""
    helper = getattr(fs, "class_balanced_weights", None)
    if helper is not None:
        return np.asarray(helper(labels), dtype=np.float64), "ferrosampler.class_balanced_weights(labels)"
    return 1.0 / np.bincount(labels)[labels], "1 / np.bincount(labels)[labels]"


def shares(labels: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return np.bincount(labels[rows], minlength=len(CLASS_SIZES)) / len(rows)


def epochs_of(sampler: Any, epochs: int) -> list[list[int]]:
    """Each epoch as a DataLoader sees it: set_epoch, then iterate."""
    drawn = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        drawn.append(list(sampler))
    return drawn


def demo(epochs: int, plot: Path | None) -> int:
    """Prints the walk-through; exit status 1 if the engines disagree on anything shown, 2 without matplotlib."""
    if plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("demo: --plot needs matplotlib, which is not installed: pip install matplotlib", file=sys.stderr)
            return 2
    labels = np.repeat(np.arange(len(CLASS_SIZES)), CLASS_SIZES)
    n = len(labels)
    weights, how = balanced_weights(labels)
    print("ferrosampler demo: an imbalanced label set, sampled without and with balancing")
    print()
    print(f"data set: {n} rows; " + ", ".join(f"class {c}: {k} rows" for c, k in enumerate(CLASS_SIZES)))
    print(f"weights:  inverse class frequency, w = {how}")
    print()

    samplers = {
        "without balancing: RandomSampler (a shuffle)": (
            fs.RandomSampler(range(n), seed=SEED),
            ref.RandomSampler(range(n), seed=SEED),
        ),
        f"with balancing: WeightedRandomSampler(w, {n})": (
            fs.WeightedRandomSampler(weights, n, seed=SEED),
            ref.WeightedRandomSampler(weights, n, seed=SEED),
        ),
    }
    header = "".join(f"{'class ' + str(c):>10}" for c in range(len(CLASS_SIZES)))
    print(f"{'class frequency per epoch':<48}{header}")
    table: dict[str, list[np.ndarray]] = {}
    same = True
    for title, (fast, slow) in samplers.items():
        drawn = epochs_of(fast, epochs)
        same &= drawn == epochs_of(slow, epochs)
        table[title] = [shares(labels, np.asarray(rows)) for rows in drawn]
        print(title)
        for epoch, row in enumerate(table[title]):
            print(f"{'  epoch ' + str(epoch):<48}" + "".join(f"{share:>10.1%}" for share in row))
    balanced_epoch0 = set(drawn[0])  # the loop ends on the balanced sampler
    distinct = len(balanced_epoch0 & set(np.flatnonzero(labels == 2).tolist()))
    print(
        f"(balanced, epoch 0: the {CLASS_SIZES[2]} rows of class 2 appear about {n // 3 // CLASS_SIZES[2]} times each; "
        f"{distinct} of them were drawn at least once)"
    )
    print()

    print(f"DistributedSampler(range({SPLIT_ITEMS}), num_replicas={SPLIT_RANKS}, seed={SPLIT_SEED}), epoch 0:")
    shards = []
    for rank in range(SPLIT_RANKS):
        shard = list(fs.DistributedSampler(range(SPLIT_ITEMS), SPLIT_RANKS, rank, seed=SPLIT_SEED))
        same &= shard == list(ref.DistributedSampler(range(SPLIT_ITEMS), SPLIT_RANKS, rank, seed=SPLIT_SEED))
        shards.append(shard)
        print(f"  rank {rank}: {shard}")
    padded = sum(map(len, shards)) - SPLIT_ITEMS
    print(f"  disjoint shards of one shared permutation, padded with {padded} repeated rows to equal lengths")
    print()
    print(f"Rust engine == pure-Python reference on every epoch and shard above: {same}")
    if plot is not None:
        draw(table, plot)
        print(f"wrote {plot}")
    return 0 if same else 1


def draw(table: dict[str, list[np.ndarray]], path: Path) -> None:
    """Bars of class frequency per epoch, one panel without and one with balancing."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed: the figure only goes to a file
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(table), figsize=(11, 4), sharey=True)
    classes = np.arange(len(CLASS_SIZES))
    for panel, (title, rows) in zip(axes, table.items(), strict=True):
        width = 0.8 / len(rows)
        for epoch, row in enumerate(rows):
            panel.bar(classes + epoch * width - 0.4 + width / 2, row, width, label=f"epoch {epoch}")
        panel.set(
            title=title, xticks=classes, xticklabels=[f"class {c}\n({k} rows)" for c, k in enumerate(CLASS_SIZES)]
        )
        panel.axhline(1 / len(CLASS_SIZES), color="grey", linestyle="--", linewidth=1)
        panel.legend(fontsize=8)
    axes[0].set_ylabel("share of the epoch's draws")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
