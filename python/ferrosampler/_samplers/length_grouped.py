"""LengthGroupedBatchSampler: batches of samples of similar length — a fixed batch size or a token budget —,
balanced across ranks step by step, exactly and elastically resumable (spec §24)."""

from __future__ import annotations

import operator
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .. import _core
from .._inputs import limits as _limits
from .._inputs.checks import (
    ArgumentTypeError,
    boolean,
    dataset_index,
    epoch_value,
    is_integer,
    permutation_value,
    positive_integer,
)
from .._inputs.seeding import draw_seed, split_seed_and_generator
from .._inputs.world import world
from .._protocol.describe import describe
from .._protocol.iteration import flatten
from .._protocol.progress import Progress, Serving, serve
from .._protocol.provenance import Locatable, Position
from .._protocol.sharded import check_order_fields, saved_world
from .._protocol.state import (
    check_epoch_seed,
    check_state,
    encode_generator,
    fingerprint,
    make_state,
    restore_generator,
)
from .._protocol.torch_compat import BatchSamplerBase

if TYPE_CHECKING:
    import torch

_BATCH_CHUNK = 256  # batches per engine call while iterating
WINDOW_BATCHES = 256  # the default window: about this many batches (spec §24.3)
GROUP_LIMIT = 1 << 32  # batches per step (the world size) below 2**32 (spec §24.2)

_LIGHTNING_HINT = (
    "lengths must be the samples' lengths, got a {name}: a trainer is rebuilding this batch sampler around its "
    "own sampler (Lightning does so when use_distributed_sampler=True). LengthGroupedBatchSampler already "
    "shards by num_replicas/rank: pass Trainer(use_distributed_sampler=False) (Fabric: "
    "setup_dataloaders(..., use_distributed_sampler=False))"
)


_BOOLS = frozenset({bool, np.bool_})


def lengths_array(lengths: Any) -> npt.NDArray[np.int64]:
    """``lengths`` as a new int64 array (a snapshot), or a ValueError/TypeError naming ``lengths``: one
    non-negative integer per sample from a list, tuple, numpy array, torch tensor or anything numpy reads."""
    if isinstance(lengths, (str, bytes, Mapping)) or lengths is None:
        raise ArgumentTypeError(
            f"lengths must be a 1-D sequence of non-negative integers, got {type(lengths).__name__}"
        )
    if hasattr(lengths, "detach") and hasattr(lengths, "cpu"):  # a torch tensor, read without importing torch
        lengths = lengths.detach().cpu().numpy()
    try:
        array = np.asarray(lengths)
    except (TypeError, ValueError) as error:
        raise ArgumentTypeError(f"lengths must be a 1-D sequence of non-negative integers ({error})") from None
    if array.ndim != 1:
        raise ValueError(f"lengths must be 1-D, got an array of shape {array.shape}")
    if array.size == 0:
        raise ValueError("lengths must not be empty")
    kind = array.dtype.kind
    if kind in "iu" and isinstance(lengths, (list, tuple)) and not _BOOLS.isdisjoint(map(type, lengths)):
        # numpy reads [3, True] as int64 [3, 1]: a bool among the ints is caught here (one C-level pass).
        index = next(i for i, value in enumerate(lengths) if type(value) in _BOOLS)
        raise ArgumentTypeError(f"lengths[{index}] must be an integer, got {lengths[index]!r}")
    if kind == "b":
        raise ArgumentTypeError("lengths must be integers, got booleans (dtype bool)")
    if kind == "f":
        bad = ~np.isfinite(array) | (array != np.floor(array)) | (array >= 2.0**63)
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            raise ValueError(f"lengths[{index}] must be a non-negative integer, got {array[index].item()!r}")
    elif kind == "u":
        if array.dtype.itemsize == 8 and (array > _limits.INT64_MAX).any():
            index = int(np.flatnonzero(array > _limits.INT64_MAX)[0])
            raise ValueError(f"lengths[{index}] must be below 2**63, got {array[index].item()}")
    elif kind == "O":
        array = _object_lengths(array)
    elif kind != "i":
        raise ArgumentTypeError(f"lengths must be integers, got an array of dtype {array.dtype}")
    values = array.astype(np.int64)  # a copy: later changes to the caller's data change nothing
    negative = values < 0
    if negative.any():
        index = int(np.flatnonzero(negative)[0])
        raise ValueError(f"lengths[{index}] must be >= 0, got {values[index]}")
    return np.ascontiguousarray(values)


def _object_lengths(array: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """An object array (ints past int64, or mixed values) checked item by item."""
    out = np.empty(array.shape, dtype=np.int64)
    for index, value in enumerate(array.tolist()):
        if not is_integer(value):
            raise ArgumentTypeError(f"lengths[{index}] must be an integer, got {value!r}")
        number = operator.index(value)
        if not 0 <= number <= _limits.INT64_MAX:
            raise ValueError(f"lengths[{index}] must be in [0, 2**63), got {number}")
        out[index] = number
    return out


class _Place(NamedTuple):
    """Where an epoch is served from: its key, the global position consumed, its plan's group and length
    (``n`` None: not known yet, the epoch starts afresh)."""

    epoch: int
    seed: int | None
    position: int
    group: int
    n: int | None


class _Live(NamedTuple):
    progress: Progress
    group: int


class _SetEpoch:
    """``batch_sampler.sampler`` for trainers that set epochs there: only ``set_epoch``, forwarded to the batch
    sampler (no ``sampler`` of its own, so code that walks ``.sampler`` chains ends here)."""

    __slots__ = ("_owner",)

    def __init__(self, owner: LengthGroupedBatchSampler) -> None:
        self._owner = owner

    def set_epoch(self, epoch: int) -> None:
        self._owner.set_epoch(epoch)

    def __repr__(self) -> str:
        return f"<set_epoch of {type(self._owner).__name__}>"


class LengthGroupedBatchSampler(Locatable, BatchSamplerBase):
    """Batches of samples of similar length for ``DataLoader(batch_sampler=...)`` (spec §24).

    Each epoch's order is a seeded permutation; consecutive windows of ``window`` samples are sorted by
    length and cut into batches of ``batch_size`` samples, or greedily under ``max_tokens`` padded tokens
    (``len(batch) * max(length in batch) <= max_tokens``; a sample longer than the budget is a batch of its
    own). Batches are ranked by padded tokens and grouped ``num_replicas`` neighbours at a time into steps,
    one batch per rank, and the steps are shuffled: lengths do not ramp through the epoch, the ranks of one
    step get batches of nearly equal cost, and every rank gets the same number of batches (a partial last
    step repeats its own batches, or is dropped with ``drop_last``). Every rank computes the same plan without
    communicating. ``shuffle=False`` gives a deterministic length-sorted plan (by default the whole dataset
    sorted). ``state_dict()`` resumes exactly at batch granularity, on a world of any size. ``position_of(index,
    epoch)`` tells a sample's rank, batch and offset in it (spec §24.4: the epoch's plan read backwards; the plan
    costs O(N) once per epoch, each answer then a window scan and a binary search).

    For a tokenized Hugging Face dataset: ``lengths=dataset["length"]`` (a length column), or
    ``lengths=[len(ids) for ids in dataset["input_ids"]]``.

    Examples:
        >>> import ferrosampler
        >>> lengths = [5, 1, 9, 3, 3, 8, 2, 7, 1, 4]
        >>> sampler = ferrosampler.LengthGroupedBatchSampler(lengths, batch_size=2, window=4, seed=0)
        >>> batches = list(sampler)
        >>> len(batches), sorted(i for batch in batches for i in batch) == list(range(10))
        (5, True)
        >>> all(lengths[a] <= lengths[b] for a, b in batches)  # each batch ascends in length
        True
        >>> place = sampler.position_of(2, epoch=0)  # where sample 2 was served
        >>> sampler.epoch_batches(0)[place.position][place.offset]
        2
        >>> budget = ferrosampler.LengthGroupedBatchSampler(lengths, max_tokens=10, seed=0)
        >>> all(len(b) * max(lengths[i] for i in b) <= 10 for b in budget)
        True
    """

    _engine: Any = _core
    _state_kind = "LengthGroupedBatchSampler"

    def __init__(
        self,
        lengths: Any,
        batch_size: int | None = None,
        *,
        max_tokens: int | None = None,
        window: int | None = None,
        num_replicas: int | None = None,
        rank: int | None = None,
        drop_last: bool = False,
        shuffle: bool = True,
        seed: int | None = None,
        generator: torch.Generator | int | None = None,
        permutation: str = "feistel",
    ) -> None:
        # An iterable without indexing (a sampler of indices, as a trainer passes one) is no list of lengths.
        sequence_or_set = hasattr(type(lengths), "__getitem__") or isinstance(lengths, (set, frozenset))
        if hasattr(type(lengths), "__iter__") and not sequence_or_set:
            raise ArgumentTypeError(_LIGHTNING_HINT.format(name=type(lengths).__name__))
        values = lengths_array(lengths)
        if (batch_size is None) == (max_tokens is None):
            raise ValueError(
                "exactly one of batch_size and max_tokens must be given, "
                f"got batch_size={batch_size!r}, max_tokens={max_tokens!r}"
            )
        self.batch_size = None if batch_size is None else positive_integer("batch_size", batch_size)
        self.max_tokens = None if max_tokens is None else positive_integer("max_tokens", max_tokens)
        self.drop_last = boolean("drop_last", drop_last)
        self.shuffle = boolean("shuffle", shuffle)
        self.permutation = permutation_value(permutation)
        self.num_replicas, self.rank = world(num_replicas, rank, required=False)
        if self.num_replicas >= GROUP_LIMIT:
            raise ValueError(f"num_replicas must be below 2**32, got num_replicas={self.num_replicas}")
        self._seed, self._torch_generator = split_seed_and_generator(seed, generator)
        self.generator = generator
        if self.shuffle and self.num_replicas > 1 and self._seed is None:
            raise ValueError(
                "seed=None with num_replicas > 1 and shuffle=True: pass seed= so that every rank computes one plan"
            )
        self._n = len(values)
        self._table = self._engine.LengthTable(values)
        self.window = self._default_window(int(self._table.total)) if window is None else self._checked(window)
        self._fingerprint = fingerprint(self._state_kind, values, sorted(self._order_fields().items()))
        self.epoch = 0
        self._lock = threading.Lock()
        self._pending_seed: int | None = None  # an unseeded sampler's seed drawn by len() for the next epoch
        self._resume: _Place | None = None
        self._live: _Live | None = None
        self._plans: dict[tuple[int, int, int], Any] = {}
        # Trainers call batch_sampler.sampler.set_epoch(e) (Lightning, accelerate): this forwards it here.
        self.sampler = _SetEpoch(self)

    # -- arguments ------------------------------------------------------------------------------

    def _default_window(self, total: int) -> int:
        """Spec §24.3: about 256 batches (the whole dataset without shuffle), capped at the whole dataset."""
        n = self._n
        if self.batch_size is not None:
            whole = -(-n // self.batch_size) * self.batch_size
            return whole if not self.shuffle else min(WINDOW_BATCHES * self.batch_size, whole)
        assert self.max_tokens is not None
        if not self.shuffle:
            return n
        mean = max(1, -(-total // n))
        return min(WINDOW_BATCHES * max(1, self.max_tokens // mean), n)

    def _checked(self, window: Any) -> int:
        value = positive_integer("window", window)
        if self.batch_size is not None:
            if value < self.batch_size:
                raise ValueError(f"window must be >= batch_size={self.batch_size} (one batch), got window={value}")
            if value % self.batch_size:
                raise ValueError(f"window must be a multiple of batch_size={self.batch_size}, got window={value}")
        return value

    @property
    def seed(self) -> int | None:
        """The fixed seed (reduced mod 2**64), or None when each epoch draws one."""
        return self._seed

    def __repr__(self) -> str:
        seeding: dict[str, Any] = {"seed": self._seed}
        if self._torch_generator is not None:
            seeding["generator"] = "torch.Generator"
        return describe(
            self, n=self._n, batch_size=self.batch_size, max_tokens=self.max_tokens, window=self.window,
            num_replicas=self.num_replicas, rank=self.rank, drop_last=self.drop_last, shuffle=self.shuffle,
            **seeding, permutation=self.permutation,
        )  # fmt: skip

    # -- epochs and plans -----------------------------------------------------------------------

    def _fixed(self) -> bool:
        """Whether every epoch's key is known without drawing (a fixed seed, or no shuffle: no seed at all)."""
        return self._seed is not None or not self.shuffle

    def set_epoch(self, epoch: int) -> None:
        """The epoch the next iteration produces (with a fixed seed the counter then counts up by itself).
        After ``load_state_dict``, setting the saved epoch keeps its position; another epoch drops it."""
        value = epoch_value(epoch)
        with self._lock:
            if self._resume is not None and self._resume.epoch != value:
                self._resume = None
            self.epoch = value

    def _peek_key(self) -> tuple[int, int]:
        """(seed, epoch) of the epoch about to run; an unseeded sampler draws its seed now if it has none yet.
        Called with the lock held."""
        if not self.shuffle:
            return (self._seed or 0), self.epoch
        if self._seed is not None:
            return self._seed, self.epoch
        if self._pending_seed is None:
            self._pending_seed = draw_seed(self._torch_generator)
        return self._pending_seed, self.epoch

    def _plan(self, seed: int, epoch: int, group: int) -> Any:
        """The engine's plan of (seed, epoch) with ``group`` batches per step, computed once (the last two kept)."""
        key = (seed, epoch, group)
        with self._lock:
            plan = self._plans.get(key)
        if plan is None:
            plan = self._table.plan(
                seed, epoch, self.batch_size, self.max_tokens, self.window, group, self.shuffle, self.drop_last,
                self.permutation,
            )  # fmt: skip
            with self._lock:
                kept = list(self._plans.items())[-1:]
                self._plans = dict([*kept, (key, plan)])
        return plan

    def __len__(self) -> int:
        """This rank's batches in the epoch about to run (spec §24.3): arithmetic with ``batch_size``, from the
        engine's plan (computed once per epoch and cached) with ``max_tokens``."""
        replicas = self.num_replicas
        if self.batch_size is not None:
            n, size = self._n, self.batch_size
            batches = n // size if self.drop_last else -(-n // size)
            return batches // replicas if self.drop_last else -(-batches // replicas)
        with self._lock:
            resume = self._resume
            # After load_state_dict the epoch about to run is the saved one, with its seed.
            seed, epoch = (resume.seed, resume.epoch) if resume is not None else self._peek_key()
        assert seed is not None
        return int(self._plan(seed, epoch, replicas).num_steps)

    def _begin(self) -> _Place:
        """Where the epoch that starts now is served from: a loaded state's place, else position 0 of the next
        key. A fixed key's counter moves past the epoch started."""
        with self._lock:
            place, self._resume = self._resume, None
            if place is None:
                seed, epoch = self._peek_key()
                self._pending_seed = None
                if self._fixed():
                    self.epoch = (epoch + 1) % _limits.EPOCH_LIMIT
                return _Place(epoch, seed, 0, self.num_replicas, None)
            if self._fixed():
                self.epoch = (place.epoch + 1) % _limits.EPOCH_LIMIT
            return place

    def _serving(self, place: _Place) -> tuple[Serving, Any]:
        """This rank's share of the epoch served from ``place`` and the plan (None when nothing is left)."""
        if place.n is not None and place.position >= place.n:
            return serve(place.n, place.n, self.num_replicas, self.rank, self.drop_last), None
        assert place.seed is not None  # a started or loaded mid-epoch place has its key
        plan = self._plan(place.seed, place.epoch, place.group)
        return serve(int(plan.num_batches), place.position, self.num_replicas, self.rank, self.drop_last), plan

    def _batches(self, plan: Any, first: int, count: int) -> list[list[int]]:
        """Global positions first, first + R, … (count of them) as lists: one engine call."""
        indices, offsets = plan.batches(first, count, self.num_replicas)
        flat: list[int] = np.asarray(indices, dtype=np.int64).tolist()
        bounds: list[int] = np.asarray(offsets, dtype=np.int64).tolist()
        return [flat[bounds[c] : bounds[c + 1]] for c in range(count)]

    def __iter__(self) -> Iterator[list[int]]:
        """The next epoch's batches for this rank; nothing is drawn or computed before the first ``next()``."""
        return self._run()

    def _run(self) -> Iterator[list[int]]:
        place = self._begin()
        serving, plan = self._serving(place)
        progress = Progress(place.seed, place.epoch, serving)
        self._live = _Live(progress, place.group)
        count, first, replicas = serving.size, serving.first, self.num_replicas

        def chunks() -> Iterator[tuple[int, list[list[int]]]]:
            for done in range(0, count, _BATCH_CHUNK):
                yield done, self._batches(plan, first + done * replicas, min(_BATCH_CHUNK, count - done))

        yield from flatten(progress.chunks(chunks()))

    def epoch_batches(self, epoch: int | None = None) -> list[list[int]]:
        """This rank's batches of an epoch: without ``epoch`` the next one, exactly what iterating yields (after
        ``load_state_dict``, the rest of the saved epoch; the counter moves as iterating moves it); with
        ``epoch`` that epoch afresh, without side effects (a fixed seed, or ``shuffle=False``)."""
        if epoch is None:
            place = self._begin()
        else:
            if not self._fixed():
                raise ValueError("epoch_batches(epoch=...) needs a fixed seed; construct the sampler with seed=")
            place = _Place(epoch_value(epoch), self._seed or 0, 0, self.num_replicas, None)
        serving, plan = self._serving(place)
        return self._batches(plan, serving.first, serving.size) if serving.size else []

    # -- provenance (spec §24.4) ---------------------------------------------------------------

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        # The epoch's plan on this world (computed once per epoch and cached, O(N)), then the plan's inverse: the
        # index's window, batch, rank and step; global position g is rank g mod R's batch g div R.
        index, number = dataset_index(index, self._n), epoch_value(epoch)
        if self._fixed():
            key = self._seed or 0
        elif seed is None:
            raise ValueError("position_of needs a fixed seed (or the epoch's seed); construct the sampler with seed=")
        else:
            key = seed
        replicas = self.num_replicas
        located = self._plan(key, number, replicas).locate(index)
        if located is None:
            return
        first, offset, step, count = located
        # Places first + c·step (c < count) all lie in one step: place c is on rank (first mod R) + c·step.
        if world:
            places: Iterable[int] = range(first, first + count * step, step)
        else:
            c, apart = divmod(self.rank - first % replicas, step)
            places = (first + c * step,) if apart == 0 and 0 <= c < count else ()
        for g in places:
            yield Position(number, g // replicas, offset, g % replicas, g)

    # -- state_dict (spec §24.3) ----------------------------------------------------------------

    def _order_fields(self) -> dict[str, Any]:
        return {
            "batch_size": self.batch_size, "max_tokens": self.max_tokens, "window": self.window,
            "shuffle": self.shuffle, "drop_last": self.drop_last, "seed": self._seed, "permutation": self.permutation,
        }  # fmt: skip

    def _place_now(self) -> _Place:
        """The pending resume, else the live iterator's place, else the idle next epoch at position 0."""
        with self._lock:
            if self._resume is not None:
                return self._resume
            live = self._live
            if live is None:
                seed = self._pending_seed if not self._fixed() else (self._seed or 0)
                return _Place(self.epoch, seed, 0, self.num_replicas, None)
        progress = live.progress
        position = progress.serving.consumed(progress.handed_out())
        assert progress.seed is not None
        return _Place(progress.epoch, progress.seed, position, live.group, progress.serving.n)

    def state_dict(self) -> dict[str, Any]:
        """The epoch, the global batch position consumed (spec §14's rule), the epoch's plan (``group``,
        ``num_batches``), the saving world and the order's parameters: any rank's state resumes a world of any
        size.

        Examples:
            >>> import ferrosampler
            >>> lengths = list(range(40))
            >>> make = lambda world, rank: ferrosampler.LengthGroupedBatchSampler(
            ...     lengths, 4, seed=3, num_replicas=world, rank=rank)
            >>> saved = [make(2, r) for r in range(2)]
            >>> iterators = [iter(rank) for rank in saved]
            >>> head = [next(iterators[r]) for _ in range(2) for r in range(2)]
            >>> state = ferrosampler.combine_states([rank.state_dict() for rank in saved])
            >>> state["position"], state["group"], state["num_batches"]  # 2 steps of 2 ranks
            (4, 2, 10)
            >>> resumed = [make(3, r) for r in range(3)]
            >>> for rank in resumed:
            ...     rank.load_state_dict(state)
            >>> rest = [batch for rank in resumed for batch in rank]
            >>> sorted(i for batch in head + rest for i in batch) == lengths  # every sample once
            True
        """
        place = self._place_now()
        fields: dict[str, Any] = {
            "epoch_seed": place.seed, "group": place.group, "num_batches": place.n,
            "num_replicas": self.num_replicas, "rank": self.rank, **self._order_fields(),
        }  # fmt: skip
        if self._torch_generator is not None:
            fields["generator_state"] = encode_generator(self._torch_generator)
        return make_state(
            self._state_kind, fingerprint=self._fingerprint, epoch=place.epoch, position=place.position, **fields
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """The next iteration serves the rest of the saved epoch (this rank's share on this world, spec §14),
        then epochs continue as if never interrupted. Refused (ValueError naming the field) for other lengths,
        batch_size, max_tokens, window, shuffle, drop_last, seed or permutation."""
        check_order_fields(state, self._state_kind, self._order_fields())
        check_state(state, self._state_kind, self._fingerprint)
        saved_world(state)
        seed = check_epoch_seed(state)
        if self._seed is not None and seed not in (None, self._seed):
            raise ValueError(f"state['epoch_seed'] is {seed}, but this sampler's seed is {self._seed}")
        group, n, position, epoch = state.get("group"), state.get("num_batches"), state["position"], state["epoch"]
        if isinstance(group, bool) or not isinstance(group, int) or not 0 < group < GROUP_LIMIT:
            raise ValueError(f"state['group'] must be an int in [1, 2**32), got {group!r}")
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0 or n % group):
            raise ValueError(f"state['num_batches'] must be None or a multiple of state['group']={group}, got {n!r}")
        if n is None and position:
            raise ValueError("state['num_batches'] is needed to resume mid-epoch, got None")
        if n is not None and position > n:
            raise ValueError(f"state['position'] must be at most state['num_batches']={n}, got {position}")
        key_seed = self._seed if self._seed is not None else (0 if not self.shuffle else seed)
        if key_seed is None and position:
            raise ValueError("state['epoch_seed'] is needed to resume an unseeded sampler mid-epoch")
        if position == 0:  # nothing consumed: the epoch starts afresh on this world (the saved seed kept)
            group, n = self.num_replicas, None
        elif n is not None and position < n:
            assert key_seed is not None
            planned = int(self._plan(key_seed, epoch, group).num_batches)
            if planned != n:
                raise ValueError(f"state['num_batches'] is {n}, but the plan of epoch {epoch} has {planned}")
        restore_generator(self._torch_generator, state.get("generator_state"))
        with self._lock:
            self.epoch = epoch
            self._pending_seed = None
            # An idle unseeded state without a drawn seed: the epoch draws its own.
            self._resume = None if key_seed is None else _Place(epoch, key_seed, position, group, n)
            self._live = None

    # -- pickling -------------------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        state["_live"] = None  # a copy has no live iterator
        state["_plans"] = {}  # plans are recomputed on demand
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
