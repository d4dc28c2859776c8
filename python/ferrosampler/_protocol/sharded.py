"""Exact and elastic resume of sharded samplers (docs/spec.md §14): one epoch's global order, split among ranks.

An epoch has a global order of ``n`` positions. A world of ``R`` ranks that starts serving it at global
position ``start`` gives rank ``r`` the positions ``start + r + j·R`` (read mod ``n``: padding), for
``j < share_count(n − start, R, drop_last)``. After every rank has consumed ``c`` of its own, the epoch is
consumed up to ``start + c·R``; that global position is what a state records, so a world of any size can
serve the rest (``progress.Place``, ``Serving``, ``Progress``). ``_ShardedResume`` is DistributedSampler's and the
wrapper's state on top of it, ``Resumable`` the class-imbalance samplers' (spec §21).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .._inputs import limits as _limits
from .iteration import items
from .progress import Place, Progress, Serving, serve
from .state import check_epoch_seed, check_state, fingerprint, make_state


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


class _ShardedResume:
    """state_dict / load_state_dict / set_epoch shared by DistributedSampler and DistributedSamplerWrapper.

    A loaded state waits as ``_pending`` until an iterator of that epoch starts (its first ``next()``);
    ``set_epoch`` with the state's epoch keeps it, any other epoch drops it. The iterator that started last
    is ``_live`` and is what ``state_dict()`` reports. ``_records_epoch_seed``: the state carries the epoch's
    seed (the wrapper's inner key)."""

    _kind: str
    _records_epoch_seed = False
    num_replicas: int
    rank: int
    drop_last: bool
    even = True  # False: every position of the epoch goes to exactly one rank, none padded (evaluation)
    epoch: int
    _pending: Place | None
    _live: Progress | None

    def _order_fields(self) -> dict[str, Any]:
        """The parameters that fix an epoch's global order (not the world: that may change on resume)."""
        raise NotImplementedError

    def _start_resume(self) -> None:
        self._pending = None
        self._live = None

    def _identity(self) -> dict[str, Any]:
        """The order's parameters and this rank's place in its world (describe.order_identity)."""
        world = {"num_replicas": self.num_replicas, "rank": self.rank, "drop_last": self.drop_last, "even": self.even}
        return {**self._order_fields(), **world}

    def _fingerprint(self) -> str:
        return fingerprint(self._kind, sorted(self._order_fields().items()))

    def _drop_stale_resume(self, epoch: int) -> None:
        if self._pending is not None and self._pending.epoch != epoch:
            self._pending = None

    def _plan(self, epoch: int, n: int, seed: int | None = None) -> Progress:
        """This rank's progress record for an epoch (with this seed) starting now."""
        pending = self._pending if self._pending is not None and self._pending.epoch == epoch else None
        start = 0 if pending is None else pending.position
        return Progress(seed, epoch, serve(n, start, self.num_replicas, self.rank, self.drop_last, self.even))

    def _served(self, progress: Progress, chunks: Iterable[Any]) -> Iterator[Iterator[Any]]:
        """The chunks (arrays or lists of this rank's outputs, in order) as the iterators ``flatten`` chains,
        counted by ``progress``; the epoch starts (the loaded state is used up) at the first next()."""
        self._pending = None
        self._live = progress
        yield from progress.chunks(_indexed(chunks))

    def state_dict(self) -> dict[str, Any]:
        """A small JSON-serialisable dict: the epoch, the global position consumed, the world and the order's
        parameters. Any rank's state resumes a world of any size (docs/spec.md §14)."""
        live, idle = self._live, False
        if self._pending is not None:
            place = self._pending
        elif live is not None and live.epoch == self.epoch:
            place = live.place()
        else:
            place, idle = Place(self.epoch, None, 0), True
        # An idle sampler has no drawn key yet: its state has no epoch_seed.
        extra = {"epoch_seed": place.seed} if self._records_epoch_seed and not idle else {}
        if not self.even:  # informative, like drop_last: a global position resumes either way
            extra["even"] = False
        return make_state(
            self._kind,
            fingerprint=self._fingerprint(),
            epoch=place.epoch,
            position=place.position,
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
        # An idle sampler's state has no drawn key yet: its epoch_seed is absent or None.
        seed = check_epoch_seed(checked) if self._records_epoch_seed else None
        if self._records_epoch_seed and checked["position"] > 0 and "epoch_seed" not in checked:
            # A started epoch's state always carries it: without it an unseeded inner sampler would draw anew.
            raise ValueError("state['epoch_seed'] is missing: a state saved inside an epoch records its seed")
        self.epoch = checked["epoch"]
        self._pending = Place(checked["epoch"], seed, checked["position"])
        self._live = None


def _indexed(chunks: Iterable[Any]) -> Iterator[tuple[int, Iterable[Any]]]:
    """(index of the chunk's first output, its outputs as ``iteration.items``) for consecutive chunks."""
    index = 0
    for chunk in chunks:
        values = items(chunk)
        size = operator.length_hint(values)  # exact: a list's length, or a fresh IndexIterator's
        yield index, values
        index += size


class Resumable:
    """state_dict / load_state_dict for a sampler defining ``_state_kind``, ``_fingerprint()`` (without the
    world), ``_order_fields()`` (its scalar order parameters, recorded and checked by name),
    ``_global_length()``, ``num_replicas``, ``rank`` and whose iterators are built with ``_begin``/``_take_place``
    and ``_serving``. ``_grain`` is how many outputs one global position holds (MPerClassSampler's units)."""

    _state_kind = ""
    _grain = 1
    _live: Progress | None = None
    _resume_place: Place | None = None
    num_replicas: int
    rank: int

    def _fingerprint(self) -> str:
        raise NotImplementedError

    def _order_fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def _global_length(self) -> int:
        """The global length of an epoch this world starts (spec §21's ``n``)."""
        raise NotImplementedError

    def _identity(self) -> dict[str, Any]:
        """The order's parameters, their fingerprint (labels and weights by digest) and this rank's world."""
        return {**self._order_fields(), "fingerprint": self._fingerprint(), **self._world_fields()}

    def _world_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"num_replicas": self.num_replicas, "rank": self.rank}
        if hasattr(self, "drop_last"):
            fields["drop_last"] = self.drop_last
        return fields

    def _place_fields(self, place: Place) -> dict[str, Any]:
        """Fields of a place beyond epoch, position and seed (MPerClassSampler: offset, units)."""
        return {}

    def _loaded_place(self, state: Mapping[str, Any], epoch: int, seed: int | None) -> Place:
        """The place a checked state resumes (MPerClassSampler overrides it for its offset and units)."""
        return Place(epoch, seed, state["position"])

    def _serving(self, place: Place | None) -> tuple[Serving, int]:
        """This rank's share of an epoch starting at ``place`` (None: a fresh one) and the outputs its first
        global position skips."""
        if place is None:
            return serve(self._global_length(), 0, self.num_replicas, self.rank, self._drop_last()), 0
        n = self._global_length() if place.length is None else place.length
        return serve(n, place.position, self.num_replicas, self.rank, self._drop_last()), place.offset

    def _drop_last(self) -> bool:
        return bool(getattr(self, "drop_last", False))

    def _live_place(self, idle: Place) -> Place:
        if self._resume_place is not None:
            return self._resume_place
        progress = self._live
        if progress is not None:
            return progress.place()
        return idle

    def _state(self, idle: Place) -> dict[str, Any]:
        place = self._live_place(idle)
        return make_state(
            self._state_kind, fingerprint=self._fingerprint(), epoch=place.epoch, position=place.position,
            epoch_seed=place.seed, **self._place_fields(place), **self._world_fields(), **self._order_fields(),
        )  # fmt: skip

    def _length_of(self, state: Mapping[str, Any]) -> int:
        """The saved epoch's global length (the bound of its position)."""
        return self._global_length()

    def _load(self, state: Mapping[str, Any], fixed_seed: int | None) -> Place:
        check_order_fields(state, self._state_kind, self._order_fields())
        check_state(state, self._state_kind, self._fingerprint())
        saved_world(state)
        length = self._length_of(state)
        if state["position"] > length:
            raise ValueError(f"state['position'] must be at most the epoch length {length}, got {state['position']}")
        seed = check_epoch_seed(state)
        if fixed_seed is not None and seed not in (None, fixed_seed):
            raise ValueError(f"state['epoch_seed'] is {seed}, but this sampler's seed is {fixed_seed}")
        if state["epoch"] >= _limits.EPOCH_LIMIT:
            raise ValueError(f"state['epoch'] must be below 2**56, got {state['epoch']}")
        place = self._loaded_place(state, state["epoch"], fixed_seed if fixed_seed is not None else seed)
        if place.seed is None and (place.position > 0 or place.offset > 0):
            raise ValueError("state['epoch_seed'] is needed to resume an unseeded sampler mid-epoch")
        self._resume_place, self._live = place, None
        return place

    def _keep_place_for(self, epoch: int) -> None:
        """set_epoch to another epoch than the loaded state's drops the loaded position."""
        if self._resume_place is not None and self._resume_place.epoch != epoch:
            self._resume_place = None

    def _open_iterator(self) -> None:
        """An iterator created now opens the next epoch, unless a loaded place waits for it: a state saved from
        now on resumes at that epoch's start, never in the epoch an earlier iterator finished."""
        if self._resume_place is None:
            self._live = None

    def _take_place(self) -> Place | None:
        place, self._resume_place = self._resume_place, None
        return place

    def _begin(self) -> Place:
        """Where the epoch that starts now begins: the loaded place, else position 0 of the next key.
        A fixed seed's counter moves past a resumed epoch, as it would have after an uninterrupted one."""
        place = self._take_place()
        if place is None:
            seed, epoch = self._next_key()  # type: ignore[attr-defined]  # from _SeededEpochs
            return Place(epoch, seed, 0)
        if self._seed is not None:  # type: ignore[attr-defined]
            self.epoch = (place.epoch + 1) % _limits.EPOCH_LIMIT
        return place


def combine_states(states: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One state from every rank's ``state_dict()`` of one epoch: consumed means consumed by every rank, so
    the global position is the smallest (with MPerClassSampler's ``offset``, the smallest pair). Indices or
    batches some ranks consumed past it are served again. Accepts the states of DistributedSampler,
    DistributedSamplerWrapper, DistributedWeightedSampler, PKBatchSampler and MPerClassSampler, and of
    InfiniteSampler over one of these (the ranks must be in the same epoch).

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
    if states[0].get("kind") == "InfiniteSampler":  # the ranks' inner states, combined; the epoch is agreed
        combined = dict(states[0])
        combined["sampler"] = combine_states([state.get("sampler") for state in states])  # type: ignore[misc]
        combined["position"] = combined["sampler"]["position"]
        return combined
    least = min(states, key=lambda state: (state["position"], state.get("offset", 0)))
    combined = dict(states[0])
    combined["position"] = least["position"]
    if "offset" in least:
        combined["offset"] = least["offset"]
    return combined
