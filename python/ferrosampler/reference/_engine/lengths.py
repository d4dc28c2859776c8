"""Length-grouped batches (spec §24; Rust: src/lengths.rs): an epoch's plan — windows of a seeded order sorted
by length and cut into batches, the batches ranked by padded tokens and grouped into shuffled steps of G."""

from __future__ import annotations

from typing import Any

from .keystream import LENGTH_STEPS, MAIN
from .limits import POSITION_LIMIT, check_epoch, check_integers, check_strided_span, check_u64, integer_in
from .permutation import check_permutation, inverse_permutation, permutation_stream

LENGTH_LIMIT = 1 << 63  # lengths are int64
GROUP_LIMIT = 1 << 32  # batches per step: a world of fewer than 2**32 ranks


class LengthTable:
    """The lengths of a dataset's samples, validated once; ``plan`` computes an epoch's plan (§24.1)."""

    __slots__ = ("lengths", "total")

    def __init__(self, lengths: Any) -> None:
        values = check_integers("lengths", lengths)
        if not values:
            raise ValueError("lengths must not be empty")
        for index, value in enumerate(values):
            if not 0 <= value < LENGTH_LIMIT:
                raise ValueError(f"lengths[{index}] must be in [0, 2**63), got {value}")
        self.lengths = values
        self.total = sum(values)  # exact integers

    def __len__(self) -> int:
        return len(self.lengths)

    def __repr__(self) -> str:
        return f"LengthTable(n={len(self.lengths)})"

    def __reduce__(self) -> tuple[Any, tuple[list[int]]]:
        return (LengthTable, (self.lengths,))

    def plan(
        self,
        seed: int,
        epoch: int,
        batch_size: int | None,
        max_tokens: int | None,
        window: int,
        group: int,
        shuffle: Any,
        drop_last: Any,
        permutation: str = "feistel",
    ) -> LengthPlan:
        """§24.1's plan of epoch (seed, epoch); the checks in §24.2's order."""
        seed, epoch = check_u64("seed", seed), check_epoch(epoch)
        grouping = Grouping(batch_size, max_tokens, window, group, bool(shuffle), bool(drop_last), permutation)
        return LengthPlan.build(self.lengths, seed, epoch, grouping)


class Grouping:
    """A plan's validated parameters: exactly one of batch_size and max_tokens, the window, the group."""

    __slots__ = ("batch_size", "drop_last", "group", "max_tokens", "permutation", "shuffle", "window")

    def __init__(
        self,
        batch_size: Any,
        max_tokens: Any,
        window: Any,
        group: Any,
        shuffle: bool,
        drop_last: bool,
        permutation: Any,
    ) -> None:
        if (batch_size is None) == (max_tokens is None):
            raise ValueError(
                "exactly one of batch_size and max_tokens must be given, "
                f"got batch_size={batch_size!r}, max_tokens={max_tokens!r}"
            )
        if batch_size is not None:
            batch_size = integer_in("batch_size", batch_size, 1, POSITION_LIMIT, "2**64")
        else:
            max_tokens = integer_in("max_tokens", max_tokens, 1, POSITION_LIMIT, "2**64")
        window = integer_in("window", window, 1, POSITION_LIMIT, "2**64")
        if batch_size is not None and window % batch_size:
            raise ValueError(f"window must be a multiple of batch_size={batch_size}, got window={window}")
        self.batch_size: int | None = batch_size
        self.max_tokens: int | None = max_tokens
        self.window: int = window
        self.group: int = integer_in("group", group, 1, GROUP_LIMIT, "2**32")
        self.permutation: str = check_permutation(permutation)
        self.shuffle, self.drop_last = shuffle, drop_last


def epoch_order(seed: int, epoch: int, n: int, shuffle: bool, permutation: str) -> list[int]:
    """Step 1: position p of the epoch holds index o[p] (block 0 of the MAIN permutation, or the identity)."""
    if not shuffle:
        return list(range(n))
    return permutation_stream(seed, MAIN, epoch, n, 0, n, permutation)


def sort_window(lengths: list[int], entries: list[int]) -> list[int]:
    """Step 3: a window's indices (in position order) in ascending (length, position) order."""
    offsets = sorted(range(len(entries)), key=lambda offset: (lengths[entries[offset]], offset))
    return [entries[offset] for offset in offsets]


def cut_window(lengths: list[int], entries: list[int], grouping: Grouping) -> list[int]:
    """Step 4: the sizes of a sorted window's batches, from its first entry."""
    if grouping.batch_size is not None:
        size = grouping.batch_size
        return [min(size, len(entries) - lo) for lo in range(0, len(entries), size)]
    budget = grouping.max_tokens
    assert budget is not None
    sizes: list[int] = []
    count = 0
    for index in entries:
        # The entries ascend, so this one would be the batch's longest: (count + 1) of its length is the padding.
        if count and (count + 1) * lengths[index] > budget:
            sizes.append(count)
            count = 0
        count += 1
    sizes.append(count)
    return sizes


def sorted_windows(lengths: list[int], order: list[int], grouping: Grouping) -> tuple[list[int], list[int]]:
    """Steps 2–4: the plan order (the sorted windows back to back) and the batch bounds (batch b is
    plan[bounds[b]:bounds[b + 1]]); with drop_last and batch_size, the short last batch removed."""
    plan: list[int] = []
    bounds = [0]
    for lo in range(0, len(order), grouping.window):
        window = sort_window(lengths, order[lo : lo + grouping.window])
        for size in cut_window(lengths, window, grouping):
            bounds.append(bounds[-1] + size)
        plan.extend(window)
    if grouping.drop_last and grouping.batch_size is not None and len(order) % grouping.batch_size:
        bounds.pop()
    return plan, bounds


def ranking(lengths: list[int], plan: list[int], bounds: list[int]) -> list[int]:
    """Step 5: the batch numbers in ascending order of (padded tokens, batch number)."""
    tokens = [(bounds[b + 1] - bounds[b]) * lengths[plan[bounds[b + 1] - 1]] for b in range(len(bounds) - 1)]
    return sorted(range(len(tokens)), key=lambda b: (tokens[b], b))


class Slots:
    """Step 6: slot j holds ranks f_j … f_j + m_j − 1 of the ranking; the partial slot j* = σ[S − 1]."""

    __slots__ = ("group", "partial", "partial_size")

    def __init__(self, batches: int, group: int, steps: list[int]) -> None:
        self.group = group
        self.partial_size = batches % group
        self.partial = steps[-1] if self.partial_size else None

    def slot_of(self, r: int) -> tuple[int, int]:
        """The slot j holding rank r of the ranking, and r's place in it (r − f_j): ``run`` backwards."""
        g, k = self.group, self.partial_size
        if self.partial is not None and r >= self.partial * g + k:
            return divmod(r + (g - k), g)
        if self.partial is not None and r >= self.partial * g:
            return self.partial, r - self.partial * g
        return divmod(r, g)

    def run(self, j: int) -> tuple[int, int]:
        """(f_j, m_j)."""
        g, k = self.group, self.partial_size
        if self.partial is None:
            return j * g, g
        if j == self.partial:
            return j * g, k
        return (j * g if j < self.partial else j * g - (g - k)), g


class LengthPlan:
    """An epoch's plan: ``num_batches`` global positions, position p a batch of the plan order (§24.1 step 7)."""

    __slots__ = (
        "bounds", "distinct_batches", "group", "grouping", "key", "lengths", "num_batches", "num_steps", "plan",
        "ranked", "served", "slots", "steps",
    )  # fmt: skip

    def __init__(
        self,
        plan: list[int],
        bounds: list[int],
        ranked: list[int],
        steps: list[int],
        slots: Slots,
        served: int,
        key: tuple[int, int],
        grouping: Grouping,
        lengths: list[int],
    ) -> None:
        self.plan, self.bounds, self.ranked, self.steps, self.slots = plan, bounds, ranked, steps, slots
        self.served, self.key, self.grouping, self.lengths = served, key, grouping, lengths
        self.group = slots.group
        self.distinct_batches = len(ranked)
        self.num_steps = served
        self.num_batches = served * slots.group

    @classmethod
    def build(cls, lengths: list[int], seed: int, epoch: int, grouping: Grouping) -> LengthPlan:
        order = epoch_order(seed, epoch, len(lengths), grouping.shuffle, grouping.permutation)
        plan, bounds = sorted_windows(lengths, order, grouping)
        ranked = ranking(lengths, plan, bounds)
        full, partial = divmod(len(ranked), grouping.group)
        count = full + (1 if partial else 0)
        if grouping.shuffle:
            steps = permutation_stream(seed, LENGTH_STEPS, epoch, count, 0, count, grouping.permutation)
        else:
            steps = list(range(count))
        served = full if grouping.drop_last else count
        slots = Slots(len(ranked), grouping.group, steps)
        return cls(plan, bounds, ranked, steps, slots, served, (seed, epoch), grouping, lengths)

    def __repr__(self) -> str:
        return f"LengthPlan(num_batches={self.num_batches}, group={self.group})"

    def batch_at(self, position: int) -> int:
        """Step 7: the batch number at global position ``position`` (read mod num_batches)."""
        step, slot = divmod(position % self.num_batches, self.group)
        first, size = self.slots.run(self.steps[step])
        return self.ranked[first + slot % size]

    def locate(self, index: Any) -> tuple[int, int, int, int] | None:
        """§24.4: where ``index`` is served, as ``(g, offset, step, count)``: global positions g + c·step (c < count;
        more than one only in the partial step, whose repeats are every ``step``-th place), the index at ``offset``
        in each; None when no position serves it. The order's inverse gives the window, a scan of that sorted
        window the batch, a binary search of the ranking its rank, the step order's inverse its step."""
        index = check_u64("index", index)
        n = len(self.plan)
        if index >= n:
            raise ValueError(f"index must be in [0, {n}), got index={index}")
        (seed, epoch), grouping = self.key, self.grouping
        # Step 1 backwards: the position p of the index in the epoch's order, hence its window.
        p = index
        if grouping.shuffle:
            p = inverse_permutation(seed, MAIN, epoch, n, 0, [index], grouping.permutation)[0]
        lo = p // grouping.window * grouping.window
        window = self.plan[lo : min(lo + grouping.window, n)]
        if index not in window:
            return None
        q = lo + window.index(index)
        # Step 4: the batch holding plan position q (none: the short batch drop_last removed).
        b = _partition_point(len(self.bounds), lambda c: self.bounds[c] <= q) - 1
        if b >= self.distinct_batches:
            return None
        offset = q - self.bounds[b]

        def tokens(c: int) -> int:
            return (self.bounds[c + 1] - self.bounds[c]) * self.lengths[self.plan[self.bounds[c + 1] - 1]]

        # Step 5: its rank among (τ, batch number), by binary search of the ranking.
        key = (tokens(b), b)
        r = _partition_point(len(self.ranked), lambda c: (tokens(self.ranked[c]), self.ranked[c]) < key)
        # Step 6 backwards: the slot j holding rank r and the place i in it; σ's inverse gives the step.
        j, i = self.slots.slot_of(r)
        t = j
        if grouping.shuffle:
            t = inverse_permutation(seed, LENGTH_STEPS, epoch, len(self.steps), 0, [j], grouping.permutation)[0]
        # Step 7: served positions t·G + i, and in the partial step the repeats i + c·k < G.
        if t >= self.served:
            return None
        g = self.slots.group
        size = self.slots.run(j)[1]
        return t * g + i, offset, size, 1 + (g - 1 - i) // size

    def batches(self, start: int, count: int, stride: int = 1) -> tuple[list[int], list[int]]:
        """Global positions start + c·stride (c < count): the batches' indices back to back and count + 1 offsets."""
        start, count, stride = check_strided_span(start, count, stride)
        if count and not self.num_batches:
            raise ValueError(f"the plan has no batch (num_batches=0), got count={count}")
        indices: list[int] = []
        offsets = [0]
        for c in range(count):
            b = self.batch_at(start + c * stride)
            indices.extend(self.plan[self.bounds[b] : self.bounds[b + 1]])
            offsets.append(len(indices))
        return indices, offsets


def _partition_point(count: int, below: Any) -> int:
    """The first c < count for which ``below(c)`` is false (``below`` true then false): a binary search."""
    lo, hi = 0, count
    while lo < hi:
        mid = (lo + hi) // 2
        if below(mid):
            lo = mid + 1
        else:
            hi = mid
    return lo
