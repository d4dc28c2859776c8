"""A chain's state_dict (spec §13): the top's place and every level's settled seed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._protocol.progress import Place
from .._protocol.state import check_state, fingerprint, make_state
from .._samplers._algorithm import WithoutReplacementAlgorithm
from ._chain_epochs import _ChainEpochs


class _ChainState(_ChainEpochs):
    """``state_dict``/``load_state_dict`` of a chain: the fingerprint covers every level and the dataset size."""

    def _fingerprint(self) -> str:
        levels = [(type(s).__name__, s._explicit_seed, s._order_parameters()) for s in self._chain()]
        return fingerprint(self._state_kind(), self._known_dataset_size(), levels)

    def _state_kind(self) -> str:
        return f"mindspore.{type(self).__name__}"

    def state_dict(self) -> dict[str, Any]:
        """The chain's progress as a small JSON-serialisable dict (spec §13).

        Returns:
            ``kind``, ``spec_version``, ``fingerprint`` (every level's parameters and the dataset
            size), the top's ``epoch`` and ``position``, and ``seeds``: each level's settled
            [seed, user-fixed] (None before its first epoch), top first.

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> sampler = RandomSampler(seed=1, dataset_size=100)
            >>> iterator = iter(sampler)
            >>> taken = [next(iterator) for _ in range(5)]
            >>> state = sampler.state_dict()
            >>> state["kind"], state["epoch"], state["position"], state["seeds"]
            ('mindspore.RandomSampler', 0, 5, [[1, True]])
        """
        progress = self._progress()
        seeds = [None if s._seed is None else [s._seed[0], s._seed[1]] for s in self._chain()]
        # A chain with a weighted level records each level's algorithm (None where a level has none).
        algorithms = [getattr(s, "algorithm", None) for s in self._chain()]
        extra = {"algorithms": algorithms} if any(algorithms) else {}
        return make_state(
            self._state_kind(),
            fingerprint=self._fingerprint(),
            epoch=progress.epoch,
            position=progress.position,
            seeds=seeds,
            **extra,
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Resume from a ``state_dict()``: the next epoch produced (iteration or ``epoch_indices()``)
        is the rest of the saved one, positioned in the engine at the top level; later epochs
        follow as if never interrupted.

        Args:
            state: A dict from ``state_dict()`` of a chain with the same parameters and dataset size.

        Raises:
            ValueError: ``state`` is not such a dict; the message names the mismatched field.

        Examples:
            >>> from ferrosampler.mindspore import RandomSampler
            >>> sampler = RandomSampler(seed=1, dataset_size=100)
            >>> iterator = iter(sampler)
            >>> taken = [next(iterator) for _ in range(5)]
            >>> resumed = RandomSampler(seed=1, dataset_size=100)
            >>> resumed.load_state_dict(sampler.state_dict())
            >>> list(resumed) == list(iterator)
            True
        """
        levels = self._chain()
        saved = state.get("algorithms") if isinstance(state, Mapping) else None
        if saved is not None and (not isinstance(saved, list) or len(saved) != len(levels)):
            raise ValueError(f"state['algorithms'] must be a list of {len(levels)} entries (one per chain level)")
        self._load_levels(state, [level for level in levels if isinstance(level, WithoutReplacementAlgorithm)], saved)

    def _load_levels(self, state: Mapping[str, Any], weighted: list[Any], saved: list[Any] | None) -> None:
        """The load, with each weighted level's algorithm the state's (spec 2's states: "sequential")."""
        if weighted:
            level, rest = weighted[0], weighted[1:]
            entry = {} if saved is None else {"algorithm": saved[self._chain().index(level)]}
            level._load_with_algorithm(entry, lambda: self._load_levels(state, rest, saved))
            return
        length = len(self)
        check_state(state, self._state_kind(), self._fingerprint(), length=length)
        levels = self._chain()
        seeds = state.get("seeds")
        if not isinstance(seeds, list) or len(seeds) != len(levels):
            raise ValueError(f"state['seeds'] must be a list of {len(levels)} entries (one per chain level)")
        for level, seed in zip(levels, seeds, strict=True):
            level._restore_seed(seed)
        self._set_resume(Place(state["epoch"], None, state["position"]))

    def _restore_seed(self, saved: Any) -> None:
        if saved is None:
            return
        valid = isinstance(saved, list) and len(saved) == 2 and isinstance(saved[1], bool)
        if not valid or isinstance(saved[0], bool) or not isinstance(saved[0], int) or not 0 <= saved[0] < 2**64:
            raise ValueError(f"state['seeds'] entries must be None or [seed, fixed], got {saved!r}")
        with self._lock:
            self._seed = (saved[0], saved[1])
