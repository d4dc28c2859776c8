"""Exact and elastic resume of sharded samplers (docs/spec.md §14): one epoch's global order, split among ranks.

An epoch has a global order of ``n`` positions. A world of ``R`` ranks that starts serving it at global
position ``start`` gives rank ``r`` the positions ``start + r + j·R`` (read mod ``n``: padding), for
``j < share_count(n − start, R, drop_last)``. After every rank has consumed ``c`` of its own, the epoch is
consumed up to ``start + c·R``; that global position is what a state records, so a world of any size can
serve the rest. ``Serving`` is that arithmetic, shared with the class-imbalance samplers (spec §21,
``_samplers/_progress.py``); ``_ShardedResume`` is DistributedSampler's and the wrapper's state on top of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from .state import check_epoch_seed, check_state, fingerprint, make_state


def share_count(remaining: int, num_replicas: int, drop_last: bool) -> int:
    """How many positions each rank reads from the ``remaining`` unconsumed ones (torch's rounding)."""
    if drop_last:
        return remaining // num_replicas
    return (remaining + num_replicas - 1) // num_replicas


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


def serve(n: int, start: int, num_replicas: int, rank: int, drop_last: bool) -> Serving:
    """Rank ``rank``'s share when a world of ``num_replicas`` serves the epoch from global position ``start``."""
    start = min(start, n)
    return Serving(n, start, num_replicas, rank, share_count(n - start, num_replicas, drop_last))


def check_order_fields(state: Any, kind: str, fields: Mapping[str, Any]) -> None:
    """A state of this kind whose recorded order parameters differ from ``fields``: ValueError naming one."""
    if isinstance(state, Mapping) and state.get("kind") == kind:
        for name, value in fields.items():
            if name in state and state[name] != value:
                raise ValueError(f"state[{name!r}] is {state[name]!r}, but this sampler has {name}={value!r}")


def saved_world(state: Mapping[str, Any]) -> int:
    """The saving world's ``num_replicas`` (checked, with ``rank``): informative except where a sampler
    resumes inside a unit (MPerClassSampler's offset, docs/spec.md §21)."""
    replicas, rank = state.get("num_replicas"), state.get("rank")
    if isinstance(replicas, bool) or not isinstance(replicas, int) or not 0 < replicas < 2**63:
        raise ValueError(f"state['num_replicas'] must be a positive int, got {replicas!r}")
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < replicas:
        raise ValueError(f"state['rank'] must be an int in [0, num_replicas={replicas}), got {rank!r}")
    return replicas


class _Progress:
    """One rank's iteration of one epoch: its share and how much of it the rank consumed."""

    __slots__ = ("consumed", "epoch", "extra", "serving")

    def __init__(self, epoch: int, serving: Serving, extra: dict[str, Any]) -> None:
        self.epoch, self.serving, self.extra = epoch, serving, extra
        self.consumed = 0

    @property
    def count(self) -> int:
        return self.serving.size

    def global_position(self) -> int:
        return self.serving.consumed(self.consumed)


class _ShardedResume:
    """state_dict / load_state_dict / set_epoch shared by DistributedSampler and DistributedSamplerWrapper.

    A loaded state waits as ``_pending`` until an iterator of that epoch starts (its first ``next()``);
    ``set_epoch`` with the state's epoch keeps it, any other epoch drops it. The iterator that started last
    is ``_live`` and is what ``state_dict()`` reports."""

    _kind: str
    num_replicas: int
    rank: int
    drop_last: bool
    epoch: int
    _pending: dict[str, Any] | None
    _live: _Progress | None

    def _order_fields(self) -> dict[str, Any]:
        """The parameters that fix an epoch's global order (not the world: that may change on resume)."""
        raise NotImplementedError

    def _start_resume(self) -> None:
        self._pending = None
        self._live = None

    def _fingerprint(self) -> str:
        return fingerprint(self._kind, sorted(self._order_fields().items()))

    def _drop_stale_resume(self, epoch: int) -> None:
        if self._pending is not None and self._pending["epoch"] != epoch:
            self._pending = None

    def _plan(self, epoch: int, n: int) -> tuple[_Progress, int]:
        """This rank's progress record for an epoch starting now, and its first global position."""
        pending = self._pending if self._pending is not None and self._pending["epoch"] == epoch else None
        start = 0 if pending is None else pending["position"]
        extra = {} if pending is None else pending["extra"]
        serving = serve(n, start, self.num_replicas, self.rank, self.drop_last)
        return _Progress(epoch, serving, extra), serving.first

    def _tracked(
        self, progress: _Progress, chunks: Iterable[np.ndarray], convert: Callable[[Any], Any] = np.ndarray.tolist
    ) -> Iterator[Any]:
        """Yields the chunks' values, counting each before it is handed out; starts the epoch at the first next()."""
        self._pending = None
        self._live = progress
        for chunk in chunks:
            for value in convert(chunk):
                progress.consumed += 1
                yield value

    def state_dict(self) -> dict[str, Any]:
        """A small JSON-serialisable dict: the epoch, the global position consumed, the world and the order's
        parameters. Any rank's state resumes a world of any size (docs/spec.md §14)."""
        live = self._live
        if self._pending is not None:
            epoch, position, extra = self._pending["epoch"], self._pending["position"], self._pending["extra"]
        elif live is not None and live.epoch == self.epoch:
            epoch, position, extra = live.epoch, live.global_position(), live.extra
        else:
            epoch, position, extra = self.epoch, 0, {}
        return make_state(
            self._kind,
            fingerprint=self._fingerprint(),
            epoch=epoch,
            position=position,
            num_replicas=self.num_replicas,
            rank=self.rank,
            drop_last=self.drop_last,
            **self._order_fields(),
            **extra,
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """The next iteration of the state's epoch yields this rank's share of what the saved world had not
        consumed; ``num_replicas`` and ``rank`` may differ from the saving rank's (elastic resume)."""
        check_order_fields(state, self._kind, self._order_fields())
        checked = check_state(state, self._kind, self._fingerprint(), length=self._order_fields()["n"])
        # An idle sampler's state has no drawn key yet: its extra fields are absent or None.
        extra = {
            name: check_epoch_seed(checked) if name == "epoch_seed" else checked.get(name)
            for name in self._extra_fields()
        }
        self.epoch = checked["epoch"]
        self._pending = {"epoch": checked["epoch"], "position": checked["position"], "extra": extra}
        self._live = None

    def _extra_fields(self) -> Sequence[str]:
        """Fields beyond the common ones an epoch's resume needs (the wrapper's inner key)."""
        return ()


def combine_states(states: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One state from every rank's ``state_dict()`` of one epoch: consumed means consumed by every rank, so
    the global position is the smallest (with MPerClassSampler's ``offset``, the smallest pair). Indices or
    batches some ranks consumed past it are served again. Accepts the states of DistributedSampler,
    DistributedSamplerWrapper, DistributedWeightedSampler, PKBatchSampler and MPerClassSampler.

    Examples:
        >>> import ferrosampler
        >>> ranks = [ferrosampler.DistributedSampler(range(12), num_replicas=2, rank=r, seed=1) for r in range(2)]
        >>> iterators = [iter(rank) for rank in ranks]
        >>> _ = [next(iterators[0]) for _ in range(4)], [next(iterators[1]) for _ in range(2)]
        >>> combined = ferrosampler.combine_states([rank.state_dict() for rank in ranks])
        >>> combined["epoch"], combined["position"]  # both ranks consumed 2: 2 * 2 global positions
        (0, 4)
        >>> labels = [0, 0, 1, 1, 2, 2, 3, 3]
        >>> make = lambda r: ferrosampler.PKBatchSampler(labels, 2, 2, num_batches=6, seed=3, num_replicas=3, rank=r)
        >>> pk = [make(r) for r in range(3)]
        >>> iterators = [iter(rank) for rank in pk]
        >>> _ = [next(iterators[0]), next(iterators[1]), next(iterators[1]), next(iterators[2])]
        >>> ferrosampler.combine_states([rank.state_dict() for rank in pk])["position"]  # one batch each: 3
        3
    """
    if isinstance(states, (Mapping, str, bytes)) or not isinstance(states, Sequence):
        raise TypeError(f"states must be a list of state_dict()s, one per rank, got {type(states).__name__}")
    states = list(states)
    if not states:
        raise ValueError("combine_states needs at least one state")
    for index, state in enumerate(states):
        if not isinstance(state, Mapping):
            raise TypeError(f"states[{index}] must be a state_dict() (a mapping), got {type(state).__name__}")
        for name in ("position", "offset"):
            value = state.get(name, 0 if name == "offset" else None)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"states[{index}][{name!r}] must be an int >= 0, got {value!r}")
    for name in ("kind", "fingerprint", "spec_version", "epoch", "num_replicas", "units"):
        values = {repr(state.get(name)) for state in states}
        if len(values) > 1:
            raise ValueError(f"states disagree on {name!r}: {sorted(values)}; pass the states of one run's epoch")
    least = min(states, key=lambda state: (state["position"], state.get("offset", 0)))
    combined = dict(states[0])
    combined["position"] = least["position"]
    if "offset" in least:
        combined["offset"] = least["offset"]
    return combined
