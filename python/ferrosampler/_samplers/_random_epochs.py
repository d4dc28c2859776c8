"""The base of the torch-compatible random samplers: seed, epoch, positioned iteration, state (spec §10, §13)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .. import _core
from .._inputs import limits as _limits
from .._inputs.checks import epoch_value
from .._inputs.seeding import draw_seed, split_seed_and_generator
from .._protocol.counter import _EpochCounter
from .._protocol.describe import describe
from .._protocol.epoch import Epoch, pieces
from .._protocol.iteration import CHUNK, chunk_bounds, flatten, int64, positioned_chunks
from .._protocol.progress import Place, Progress, serve
from .._protocol.provenance import Locatable
from .._protocol.state import check_state, encode_generator, fingerprint, make_state, optional_int, restore_generator
from .._protocol.torch_compat import SamplerBase

if TYPE_CHECKING:
    import torch


class _RandomEpochs(Locatable, _EpochCounter, SamplerBase):
    """Seed and epoch bookkeeping shared by the random samplers (spec §10), and their state_dict (spec §13).

    A subclass defines ``_shape``, ``_generate(seed, epoch, n, start, count, stride)`` (positions
    start, start + stride, … (count of them) of an epoch, computed by the engine without the earlier
    ones passing through Python), ``_chunk``, ``_order_parameters`` and, when its draws are sequential
    (not seekable by stride), ``_seekable``; ``_locate`` (``position_of``) where its epoch is a permutation."""

    _engine: Any = _core
    _state_kind = ""

    def __init__(self, seed: int | None, generator: torch.Generator | int | None) -> None:
        self._seed, self._torch_generator = split_seed_and_generator(seed, generator)
        self.generator = generator
        self._start_epochs()

    @property
    def seed(self) -> int | None:
        """The fixed seed (reduced mod 2**64), or None when each epoch draws one.

        Examples:
            >>> from ferrosampler import RandomSampler
            >>> RandomSampler(range(10), seed=-1).seed == 2**64 - 1
            True
            >>> RandomSampler(range(10), generator=7).seed  # an int generator is a fixed seed
            7
        """
        return self._seed

    def _repr_fields(self) -> dict[str, Any]:
        """The order-defining parameters ``__repr__`` shows, besides the seed (cheap, never raising)."""
        return {}

    def __repr__(self) -> str:
        """The parameters that define the order, e.g. ``RandomSampler(n=10, ..., seed=7, ...)``.

        Examples:
            >>> from ferrosampler import RandomSampler
            >>> RandomSampler(range(1000), seed=7)
            RandomSampler(n=1000, replacement=False, num_samples=1000, seed=7, permutation='feistel')
        """
        fields = self._repr_fields()
        seeding: dict[str, Any] = {"seed": self._seed}
        if self._torch_generator is not None:
            seeding["generator"] = "torch.Generator"
        order = {key: fields.pop(key) for key in ("permutation", "algorithm") if key in fields}
        return describe(self, **fields, **seeding, **order)

    def _next_key(self) -> tuple[int, int]:
        """The (seed, epoch) of an epoch that starts now; a fixed seed moves to the next epoch."""
        if self._seed is None:
            return draw_seed(self._torch_generator), self.epoch
        return self._seed, self._next_epoch()

    def _begin(self, resume: Place | None) -> tuple[int, int, int]:
        """(seed, epoch, first position) of an epoch that starts now: a loaded state's place, else the next epoch."""
        if resume is None:
            return (*self._next_key(), 0)
        if self._seed is not None:
            return self._seed, resume.epoch, resume.position
        seed = resume.seed if resume.seed is not None else draw_seed(self._torch_generator)
        return seed, resume.epoch, resume.position

    def _shape(self) -> tuple[int, int]:
        """(population n, epoch length), read once at the start of an epoch, as torch does."""
        raise NotImplementedError

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int, stride: int = 1) -> Any:
        """Positions start, start + stride, … (count of them) of epoch (seed, epoch) over a population of n;
        a sampler that is not ``_seekable`` is asked for stride 1 only."""
        raise NotImplementedError

    def _chunk(self, n: int) -> int:
        return CHUNK

    def _seekable(self) -> bool:
        """Whether ``_generate`` computes only the positions asked for (else the engine's draws are sequential)."""
        return True

    def _block(self, n: int) -> int | None:
        """The length of the blocks whose prefix the engine recomputes on every call (Fisher–Yates), else None."""
        return None

    def _values(self, positions: npt.NDArray[np.int64]) -> Any:
        """What the epoch yields at these positions (SubsetRandomSampler maps them to its values)."""
        return positions

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        """The next epoch, as iterating would start it, or (resume) epoch ``epoch`` with a drawn seed ``seed``."""
        if seed is not None and epoch is not None and self._seed is None:
            return _GeneratedEpoch(self, seed, epoch)  # a drawn seed: the state's, with no counter to step
        return _GeneratedEpoch(self, *self._next_key())

    def _epoch_at(self, epoch: int) -> Epoch:
        """Epoch ``epoch`` with the fixed seed and the weights in effect: no counter step, no seed drawn."""
        if self._seed is None:
            raise ValueError(
                f"{type(self).__name__} has no fixed seed: reading an epoch by number needs a reproducible order; "
                "construct it with seed="
            )
        return _GeneratedEpoch(self, self._seed, epoch_value(epoch), self._shape_in_effect())

    def _shape_in_effect(self) -> tuple[int, int]:
        """``_shape()`` without starting an epoch (WeightedRandomSampler leaves pending weights pending)."""
        return self._shape()

    def _identity(self) -> dict[str, Any]:
        """The order-defining parameters, the seed and the fingerprint of all of them (weights by digest)."""
        return {**self._repr_fields(), "seed": self._seed, "fingerprint": self._fingerprint()}

    def _order_parameters(self) -> tuple[Any, ...]:
        """The parameters besides the seed that fix an epoch's order (the state fingerprint's input)."""
        raise NotImplementedError

    def _epoch_seed(self, seed: int | None) -> int:
        """The seed of an epoch ``position_of`` is asked about: the fixed seed, else ``seed`` (a state's
        ``epoch_seed``)."""
        if self._seed is not None:
            return self._seed
        if seed is None:
            raise ValueError(
                f"{type(self).__name__}.position_of needs a fixed seed (each epoch of an unseeded sampler draws its "
                "own); construct the sampler with seed="
            )
        return seed

    def epoch_indices(self, epoch: int | None = None) -> npt.NDArray[np.int64]:
        """One whole epoch as an int64 array, computed by the engine (no per-index Python work).

        Args:
            epoch: None for the next epoch, exactly what iterating would yield (after
                ``load_state_dict``, the rest of the resumed epoch), and the epoch counter moves
                on as iterating would move it. An int in [0, 2**56) for that epoch, with no side
                effect (fixed seed only).

        Returns:
            The epoch's indices, ``len(self)`` of them (fewer after a mid-epoch resume).

        Raises:
            ValueError: ``epoch`` is given but the sampler has no fixed seed, or it is out of range.
            ArgumentTypeError: ``epoch`` is not an integer.

        Examples:
            >>> from ferrosampler import RandomSampler
            >>> sampler = RandomSampler(range(10), seed=7)
            >>> epoch1 = sampler.epoch_indices(1)
            >>> epoch1.dtype, epoch1.shape
            (dtype('int64'), (10,))
            >>> sampler.epoch  # epoch=1 had no side effect
            0
            >>> sampler.epoch_indices().tolist() == list(RandomSampler(range(10), seed=7))
            True
            >>> sampler.epoch_indices().tolist() == epoch1.tolist()  # the next epoch is epoch 1
            True
        """
        n, length = self._shape()
        if epoch is None:
            seed, epoch_number, start = self._begin(self._take_resume(self._seed is not None))
        elif self._seed is None:
            raise ValueError("epoch_indices(epoch=...) needs a fixed seed; construct the sampler with seed=")
        else:
            seed, epoch_number, start = self._seed, epoch_value(epoch), 0
        return int64(self._generate(seed, epoch_number, n, start, length - start))

    def __iter__(self) -> Iterator[int]:
        """The next epoch's indices, a chunk at a time from the engine; nothing is drawn before the first ``next()``.

        A fixed seed gives epoch ``self.epoch`` and moves the counter on; without one, each
        iterator draws a fresh seed (torch's generator or global RNG, spec §10). After
        ``load_state_dict`` the iterator continues the saved epoch.

        Returns:
            An iterator over ``len(self)`` ints.

        Examples:
            >>> from ferrosampler import RandomSampler
            >>> sampler = RandomSampler(range(6), seed=3)
            >>> first, second = list(sampler), list(sampler)
            >>> sorted(first) == sorted(second) == [0, 1, 2, 3, 4, 5], first != second
            (True, True)
        """
        # A C-level chain over chunk lists; nothing happens until the first next(), as in torch.
        return flatten(self._chunks(self._take_resume(self._seed is not None)))

    def _chunks(self, resume: Place | None) -> Iterator[Iterator[Any]]:
        n, length = self._shape()
        seed, epoch, start = self._begin(resume)
        progress = self._cursor = Progress(seed, epoch, serve(length, start))

        def generate(position: int, count: int) -> Any:
            return self._generate(seed, epoch, n, position, count)

        yield from positioned_chunks(progress, generate, chunk_bounds(start, length, self._chunk(n)), self._wrap)

    _wrap: Any = None  # maps a chunk's iterator of positions to what iteration yields (SubsetRandomSampler)

    # -- state_dict -------------------------------------------------------------------------

    def _seed_source(self) -> str:
        if self._seed is not None:
            return "fixed"
        return "generator" if self._torch_generator is not None else "global"

    def _fingerprint(self) -> str:
        return fingerprint(self._state_kind, self._seed, self._seed_source(), *self._order_parameters())

    def state_dict(self) -> dict[str, Any]:
        """The sampler's progress as a small JSON-serialisable dict (spec §13).

        Returns:
            ``kind``, ``spec_version``, ``fingerprint`` (a hash of the parameters that fix the
            order), ``epoch``, ``position`` (indices the live iterator has handed out), ``seed``
            and ``seed_source``; an unseeded sampler adds the seed drawn for the live epoch
            (``epoch_seed``) and a torch.Generator's state (``generator_state``, base64).

        Examples:
            >>> from ferrosampler import RandomSampler
            >>> sampler = RandomSampler(range(1000), seed=7)
            >>> iterator = iter(sampler)
            >>> taken = [next(iterator) for _ in range(3)]
            >>> state = sampler.state_dict()
            >>> state["kind"], state["epoch"], state["position"], state["seed"], state["seed_source"]
            ('torch.RandomSampler', 0, 3, 7, 'fixed')
        """
        progress = self._progress()
        return make_state(
            self._state_kind,
            fingerprint=self._fingerprint(),
            epoch=progress.epoch,
            position=progress.position,
            seed=self._seed,
            seed_source=self._seed_source(),
            epoch_seed=progress.seed if self._seed is None else None,
            generator_state=encode_generator(self._torch_generator),
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Resume from a ``state_dict()``: the next iteration (or ``epoch_indices()``) yields the rest
        of the saved epoch, positioned in the engine, then epochs continue as if never interrupted.

        Args:
            state: A dict returned by ``state_dict()`` of a sampler built with the same parameters
                (possibly after a JSON round trip).

        Raises:
            ValueError: ``state`` is not such a dict; the message names the mismatched field
                (kind, spec version, fingerprint, epoch, position, epoch_seed, generator_state).

        Examples:
            >>> from ferrosampler import RandomSampler
            >>> sampler = RandomSampler(range(1000), seed=7)
            >>> iterator = iter(sampler)
            >>> taken = [next(iterator) for _ in range(3)]
            >>> state, rest = sampler.state_dict(), list(iterator)
            >>> resumed = RandomSampler(range(1000), seed=7)
            >>> resumed.load_state_dict(state)
            >>> list(resumed) == rest, len(rest)
            (True, 997)
        """
        length = self._shape()[1]
        check_state(state, self._state_kind, self._fingerprint(), length=length)
        epoch_seed = optional_int(state, "epoch_seed", _limits.SEED_MODULUS)
        if self._seed is None and epoch_seed is None and state["position"] > 0:
            raise ValueError("state['epoch_seed'] is needed to resume an unseeded sampler mid-epoch")
        restore_generator(self._torch_generator, state.get("generator_state"))
        seed = self._seed if self._seed is not None else epoch_seed
        self._set_resume(Place(state["epoch"], seed, state["position"]))


class _GeneratedEpoch(Epoch):
    """A ferrosampler random sampler's epoch (seed, epoch) over a population of n."""

    def __init__(self, sampler: Any, seed: int, epoch: int, shape: tuple[int, int] | None = None) -> None:
        n, length = sampler._shape() if shape is None else shape
        self._n: int = n
        super().__init__(length, seed, epoch)
        self._sampler = sampler
        self._key = (seed, epoch)
        self._seekable = sampler._seekable()
        self._block = sampler._block(self._n)
        self.how = "seeked" if self._seekable and self._block is None else "regenerated"

    def read(self, first: int, stride: int, count: int) -> Iterator[Any]:
        seed, epoch = self._key
        if self._seekable:
            for position, size in pieces(first, stride, count, self._block):
                yield self._sampler._values(
                    int64(self._sampler._generate(seed, epoch, self._n, position, size, stride))
                )
            return
        yield from self._spans(seed, epoch, first, stride, count)

    def _spans(self, seed: int, epoch: int, first: int, stride: int, count: int) -> Iterator[Any]:
        # Not seekable by stride: regenerate the epoch span by span in Rust (the sampler's own chunking, so no
        # permutation block is computed twice) and keep this rank's positions.
        step = self._sampler._chunk(self._n)
        end = first + (count - 1) * stride + 1 if count else first
        position = first
        while position < end:
            span = position - position % step
            values = int64(self._sampler._generate(seed, epoch, self._n, span, min(step, self.length - span)))
            last = min(end, span + len(values))
            yield self._sampler._values(values[position - span : last - span : stride])
            position += ((last - position + stride - 1) // stride) * stride
