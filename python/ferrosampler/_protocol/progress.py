"""Where an epoch stands: the one progress type every sampler uses (docs/spec.md §13, §14, §21).

An epoch has a global order of ``n`` positions. A world of ``R`` ranks that starts serving it at global
position ``start`` gives rank ``r`` the positions ``start + r + j·R`` (read mod ``n``: padding), for
``j < share_count(n − start, R, drop_last)``. After every rank has handed out ``c`` of its own, the epoch is
consumed up to ``start + c·R``: that global position is what a state records (a ``Place``), so a world of any
size serves the rest. A single iterator is the world of one rank (``R = 1``). An uneven world (``even=False``,
evaluation) reads no padding: rank ``r`` reads only the positions ``start + r + j·R < n`` (``own_count``), so
ranks differ by one; a rank that has read all of them reports ``n``, the others ``start + c·R`` as above.

- ``Place``: an epoch's resume point — what ``state_dict`` records and ``load_state_dict`` leaves pending.
- ``Serving``: one rank's share of an epoch served from a place.
- ``Progress``: a live iterator's count of what it handed out, kept at C level, turned into a ``Place``.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple


class Place(NamedTuple):
    """An epoch's resume point: the epoch, its seed (None: not drawn yet, or drawn as usual), the global position
    consumed and, for a sampler whose global positions are units of several outputs (MPerClassSampler), the
    outputs of each rank's first unit already handed out and the epoch's global length (None: the sampler's
    own)."""

    epoch: int
    seed: int | None
    position: int
    offset: int = 0
    length: int | None = None


def share_count(remaining: int, num_replicas: int, drop_last: bool) -> int:
    """How many positions each rank reads from the ``remaining`` unconsumed ones (torch's rounding)."""
    if drop_last:
        return remaining // num_replicas
    return (remaining + num_replicas - 1) // num_replicas


def own_count(remaining: int, num_replicas: int, rank: int) -> int:
    """How many of the ``remaining`` unconsumed positions rank ``rank`` reads when nothing is padded (uneven)."""
    return max(0, (remaining - rank + num_replicas - 1) // num_replicas)


class Serving(NamedTuple):
    """One rank's share of an epoch of ``n`` global positions that a world of ``num_replicas`` serves from
    ``start``: positions ``first + j·num_replicas`` for ``j < size`` (positions ``≥ n`` are padding)."""

    n: int
    start: int
    num_replicas: int
    rank: int
    size: int

    @property
    def first(self) -> int:
        return self.start + self.rank

    def consumed(self, handed_out: int) -> int:
        """The global position a rank records after handing out ``handed_out`` of its positions."""
        # A rank done with its share has consumed the epoch: the tail drop_last leaves out counts as consumed.
        if handed_out >= self.size:
            return self.n
        return min(self.start + handed_out * self.num_replicas, self.n)


def serve(
    n: int, start: int, num_replicas: int = 1, rank: int = 0, drop_last: bool = False, even: bool = True
) -> Serving:
    """Rank ``rank``'s share when a world of ``num_replicas`` serves the epoch from global position ``start``
    (``even=False``: its own positions only, no padding)."""
    start = min(start, n)
    if not even:
        return Serving(n, start, num_replicas, rank, own_count(n - start, num_replicas, rank))
    return Serving(n, start, num_replicas, rank, share_count(n - start, num_replicas, drop_last))


class Progress:
    """What one iterator of one epoch has handed out, counted at C level: its items come from list iterators, so
    the count is the current chunk's first index in the share plus what that chunk's iterator has yielded
    (``operator.length_hint`` is exact for list iterators). ``grain`` outputs make one global position
    (MPerClassSampler's units), the first ``skip`` of which were handed out before a resume."""

    __slots__ = ("_chunk", "done", "epoch", "grain", "seed", "serving", "skip")

    def __init__(self, seed: int | None, epoch: int, serving: Serving, grain: int = 1, skip: int = 0) -> None:
        self.seed, self.epoch, self.serving, self.grain, self.skip = seed, epoch, serving, grain, skip
        self._chunk: tuple[int, int, Iterator[Any]] = (0, 0, iter(()))
        self.done = False  # set when the iterator has raised StopIteration

    def enter(self, index: int, values: Iterable[Any]) -> Iterator[Any]:
        """Makes ``values`` (the share's outputs index, index + 1, …; a list, a range or a fresh
        ``_core.IndexIterator``, whose iterators report an exact length_hint) the current chunk; returns its
        iterator."""
        chunk = iter(values)
        self._chunk = (index, operator.length_hint(chunk), chunk)  # one assignment: a concurrent read never sees a mix
        return chunk

    def chunks(self, pieces: Iterable[tuple[int, Iterable[Any]]]) -> Iterator[Iterator[Any]]:
        """The iterators of ``pieces`` ((index of the first output in the share, outputs)), entered in turn."""
        for index, values in pieces:
            yield self.enter(index, values)
        self.done = True

    def handed_out(self) -> int:
        index, size, chunk = self._chunk
        return int(index + size - operator.length_hint(chunk))

    def place(self) -> Place:
        """Where the epoch stands now: the global position (and offset) every rank has consumed up to."""
        whole, offset = divmod(self.skip + self.handed_out(), self.grain)
        position = self.serving.consumed(whole)
        # whole < size implies position < n (spec §14), so an offset never outlives its epoch.
        return Place(self.epoch, self.seed, position, offset if whole < self.serving.size else 0, self.serving.n)
