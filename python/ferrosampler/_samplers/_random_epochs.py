"""The base of the torch-compatible random samplers: seed, epoch, positioned iteration, state (spec §10, §13)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .. import _core, _limits
from .._checks import epoch_value
from .._epochs import Resume, _EpochCounter
from .._iteration import CHUNK, EpochCursor, chunk_bounds, flatten, int64, positioned_chunks
from .._seeding import draw_seed, split_seed_and_generator
from .._state import check_state, encode_generator, fingerprint, make_state, optional_int, restore_generator
from .._torch_compat import SamplerBase


class _RandomEpochs(_EpochCounter, SamplerBase):
    """Seed and epoch bookkeeping shared by the random samplers (spec §10), and their state_dict (spec §13).

    A subclass defines ``_shape``, ``_generate(seed, epoch, n, start, count)`` (positions
    [start, start + count) of an epoch, computed by the engine without the earlier ones
    passing through Python), ``_chunk`` and ``_order_parameters``."""

    _engine: Any = _core
    _state_kind = ""

    def __init__(self, seed: Any, generator: Any) -> None:
        self._seed, self._torch_generator = split_seed_and_generator(seed, generator)
        self.generator = generator
        self._start_epochs()

    @property
    def seed(self) -> int | None:
        """The fixed seed, or None when each epoch draws one."""
        return self._seed

    def _next_key(self) -> tuple[int, int]:
        """The (seed, epoch) of an epoch that starts now; a fixed seed moves to the next epoch."""
        if self._seed is None:
            return draw_seed(self._torch_generator), self.epoch
        return self._seed, self._next_epoch()

    def _begin(self, resume: Resume | None) -> tuple[int, int, int]:
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

    def _generate(self, seed: int, epoch: int, n: int, start: int, count: int) -> Any:
        """Positions [start, start + count) of epoch (seed, epoch) over a population of n."""
        raise NotImplementedError

    def _chunk(self, n: int) -> int:
        return CHUNK

    def _order_parameters(self) -> tuple[Any, ...]:
        """The parameters besides the seed that fix an epoch's order (the state fingerprint's input)."""
        raise NotImplementedError

    def epoch_indices(self, epoch: int | None = None) -> np.ndarray:
        """One whole epoch as an int64 array (no per-index Python work). Without ``epoch``
        this is the next epoch, exactly what iterating would yield (after ``load_state_dict``,
        the rest of the resumed epoch); with it (fixed seed only) it is that epoch, with no side effect."""
        n, length = self._shape()
        if epoch is None:
            seed, epoch_number, start = self._begin(self._take_resume(self._seed is not None))
        elif self._seed is None:
            raise ValueError("epoch_indices(epoch=...) needs a fixed seed; construct the sampler with seed=")
        else:
            seed, epoch_number, start = self._seed, epoch_value(epoch), 0
        return int64(self._generate(seed, epoch_number, n, start, length - start))

    def __iter__(self) -> Iterator[Any]:
        # A C-level chain over chunk lists; nothing happens until the first next(), as in torch.
        return flatten(self._chunks(self._take_resume(self._seed is not None)))

    def _chunks(self, resume: Resume | None) -> Iterator[Iterator[Any]]:
        n, length = self._shape()
        seed, epoch, start = self._begin(resume)
        cursor = EpochCursor(seed, epoch, length, start)
        self._cursor = cursor

        def generate(position: int, count: int) -> Any:
            return self._generate(seed, epoch, n, position, count)

        yield from positioned_chunks(cursor, generate, chunk_bounds(start, length, self._chunk(n)), self._wrap)

    _wrap: Any = None  # maps a chunk's iterator of positions to what iteration yields (SubsetRandomSampler)

    # -- state_dict -------------------------------------------------------------------------

    def _seed_source(self) -> str:
        if self._seed is not None:
            return "fixed"
        return "generator" if self._torch_generator is not None else "global"

    def _fingerprint(self) -> str:
        return fingerprint(self._state_kind, self._seed, self._seed_source(), *self._order_parameters())

    def state_dict(self) -> dict[str, Any]:
        """A small JSON-serialisable dict (spec §13): kind, spec version, fingerprint, epoch, position
        (indices the live iterator has handed out), seed and seed source; an unseeded sampler adds the
        seed drawn for the live epoch (``epoch_seed``) and a torch.Generator's state (base64)."""
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
        """The next iteration (or ``epoch_indices()``) yields the rest of the saved epoch, positioned in
        the engine, then epochs continue as if never interrupted. ValueError names a mismatched field."""
        check_state(state, self._state_kind, self._fingerprint(), length=self._shape()[1])
        epoch_seed = optional_int(state, "epoch_seed", _limits.SEED_MODULUS)
        if self._seed is None and epoch_seed is None and state["position"] > 0:
            raise ValueError("state['epoch_seed'] is needed to resume an unseeded sampler mid-epoch")
        restore_generator(self._torch_generator, state.get("generator_state"))
        seed = self._seed if self._seed is not None else epoch_seed
        self._set_resume(Resume(state["epoch"], seed, state["position"]))
