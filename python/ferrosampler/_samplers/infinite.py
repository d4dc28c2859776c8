"""InfiniteSampler: one endless iterator over epoch after epoch of another sampler, resumable at any step."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._inputs import limits as _limits
from .._inputs.checks import ArgumentTypeError, epoch_value, sized_length
from .._protocol.describe import safe_repr
from .._protocol.iteration import flatten
from .._protocol.state import check_state, fingerprint, make_state
from .._protocol.torch_compat import SamplerBase

INFINITE_KIND = "InfiniteSampler"


class InfiniteSampler(SamplerBase):
    """Epoch after epoch of another sampler in one iterator that never ends, for step-based training: the
    loader's iterator is created once (no re-``iter`` between epochs, so persistent workers are never
    restarted), and the epoch advances by itself — ``sampler.set_epoch(e)`` is called as epoch ``e`` starts,
    so a seeded sampler gives epoch ``e`` exactly as ``sampler.epoch_indices(e)`` (a DistributedSampler, its
    rank's share of epoch ``e``).

    ``state_dict()`` records the epoch the iterator is in and the inner sampler's own state (its position in
    that epoch: a global position for the distributed samplers), so ``load_state_dict`` resumes exactly and
    in O(1) — on another world size too when the inner sampler is a DistributedSampler, a
    DistributedSamplerWrapper or another elastic sampler (``combine_states`` combines the ranks' states).

    It has no ``len()``: ``len(sampler)`` raises TypeError, as torch's Sampler documents for samplers without a
    length (so does ``len(DataLoader)``, and trainers that probe for a length treat the loader as infinite).
    Bound the training by steps.

    Args:
        sampler: Any ferrosampler torch-side sampler (or another re-iterable sampler; ``state_dict`` then needs
            its own ``state_dict``/``load_state_dict``), with at least one index per epoch.
        start_epoch: The epoch the first iterator starts at, an int in [0, 2**56).

    Raises:
        ValueError: ``start_epoch`` is out of range, or ``len(sampler)`` is 0.
        ArgumentTypeError: ``sampler`` is not iterable, or ``start_epoch`` is not an int.

    Examples:
        >>> import itertools
        >>> from ferrosampler import InfiniteSampler, RandomSampler
        >>> inner = RandomSampler(range(4), seed=7)
        >>> steps = list(itertools.islice(InfiniteSampler(inner), 10))
        >>> steps[:4] == inner.epoch_indices(0).tolist(), steps[4:8] == inner.epoch_indices(1).tolist()
        (True, True)

        Resume at any step, across epoch boundaries:

        >>> sampler = InfiniteSampler(RandomSampler(range(4), seed=7), start_epoch=3)
        >>> iterator = iter(sampler)
        >>> head = [next(iterator) for _ in range(6)]
        >>> resumed = InfiniteSampler(RandomSampler(range(4), seed=7))
        >>> resumed.load_state_dict(sampler.state_dict())
        >>> list(itertools.islice(resumed, 6)) == list(itertools.islice(iterator, 6))
        True
    """

    _state_kind = INFINITE_KIND

    def __init__(self, sampler: Any, *, start_epoch: int = 0) -> None:
        if not isinstance(sampler, Iterable):
            raise ArgumentTypeError(f"sampler must be a re-iterable sampler, got {type(sampler).__name__}")
        self.sampler: Any = sampler
        self.start_epoch = epoch_value(start_epoch)
        self._check_not_empty()
        self.epoch = self.start_epoch  # the epoch the next iterator starts at
        self._epoch_chosen = False  # set_epoch was called since the live iterator last opened an epoch
        self._live_epoch: int | None = None  # the epoch the live iterator is in
        self._resume_epoch: int | None = None  # a loaded state's epoch, waiting for the next iterator

    def _check_not_empty(self) -> None:
        # An epoch without indices would make the endless iterator spin without yielding.
        if hasattr(self.sampler, "__len__") and sized_length("sampler", self.sampler) == 0:
            raise ValueError(f"sampler yields no index per epoch (len(sampler) == 0): {safe_repr(self.sampler)}")

    def set_epoch(self, epoch: int) -> None:
        """The epoch the next iterator starts at (else it goes on after the epochs the last one opened); a live
        iterator goes on with its own epochs.

        Args:
            epoch: An int in [0, 2**56). Another epoch than a loaded state's drops its position.

        Examples:
            >>> from ferrosampler import InfiniteSampler, RandomSampler
            >>> sampler = InfiniteSampler(RandomSampler(range(3), seed=1))
            >>> sampler.set_epoch(5)
            >>> next(iter(sampler)) == RandomSampler(range(3), seed=1).epoch_indices(5).tolist()[0]
            True
        """
        value = epoch_value(epoch)
        if self._resume_epoch is not None and self._resume_epoch != value:
            self._resume_epoch = None
            if callable(getattr(self.sampler, "set_epoch", None)):
                self.sampler.set_epoch(value)  # drops the inner sampler's loaded position too
        self.epoch, self._epoch_chosen = value, True

    def __iter__(self) -> Iterator[Any]:
        """Epoch ``self.epoch`` (after ``load_state_dict``, the rest of the saved epoch), then the next, forever.

        Examples:
            >>> from ferrosampler import InfiniteSampler, SequentialSampler
            >>> iterator = iter(InfiniteSampler(SequentialSampler(range(3))))
            >>> [next(iterator) for _ in range(7)]
            [0, 1, 2, 0, 1, 2, 0]
        """
        return flatten(self._epochs())

    def _epochs(self) -> Iterator[Iterator[Any]]:
        epoch, self._resume_epoch, self._epoch_chosen = self.epoch, None, False
        while True:
            self._check_not_empty()
            if callable(getattr(self.sampler, "set_epoch", None)):
                self.sampler.set_epoch(epoch)  # a loaded state of this epoch is kept: the inner iterator resumes it
            inner = iter(self.sampler)  # created now: the inner state reports this epoch from here on
            following = (epoch + 1) % _limits.EPOCH_LIMIT
            self._live_epoch = epoch
            if not self._epoch_chosen:  # a later iterator goes on after this one, unless set_epoch chose for it
                self.epoch = following
            yield inner
            epoch = following

    def __repr__(self) -> str:
        """The inner sampler's repr and the start epoch.

        Examples:
            >>> from ferrosampler import InfiniteSampler, RandomSampler
            >>> InfiniteSampler(RandomSampler(range(10), seed=2), start_epoch=1)
            InfiniteSampler(sampler=RandomSampler(n=10, ..., seed=2, ...), start_epoch=1)
        """
        return f"{type(self).__name__}(sampler={safe_repr(self.sampler)}, start_epoch={self.start_epoch})"

    # -- state_dict -------------------------------------------------------------------------

    def _fingerprint(self) -> str:
        return fingerprint(self._state_kind)

    def state_dict(self) -> dict[str, Any]:
        """The epoch the live iterator is in and the inner sampler's state (its position in that epoch).

        Returns:
            ``kind``, ``spec_version``, ``fingerprint``, ``epoch``, ``position`` (the inner state's: for
            the distributed samplers the global position consumed in the epoch) and the inner ``sampler``'s
            ``state_dict()``. Before the first ``next()`` it records the epoch the next iterator starts at.

        Raises:
            TypeError: The inner sampler has no ``state_dict``.

        Examples:
            >>> from ferrosampler import InfiniteSampler, RandomSampler
            >>> sampler = InfiniteSampler(RandomSampler(range(4), seed=7))
            >>> iterator = iter(sampler)
            >>> _ = [next(iterator) for _ in range(6)]  # all of epoch 0, two of epoch 1
            >>> state = sampler.state_dict()
            >>> state["epoch"], state["position"], state["sampler"]["kind"]
            (1, 2, 'torch.RandomSampler')
        """
        inner = _inner_state(self.sampler)
        epoch = self._resume_epoch if self._resume_epoch is not None else self._live_epoch
        if epoch is None:  # idle: the next iterator starts an epoch from its start
            epoch, position = self.epoch, 0
        else:
            position = inner["position"]
        return make_state(
            self._state_kind, fingerprint=self._fingerprint(), epoch=epoch, position=position, sampler=inner
        )

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """The next iterator continues the saved epoch where the state stands (through the inner sampler's
        ``load_state_dict``: on another world size too for the elastic samplers), then epochs go on.

        Args:
            state: A dict from ``state_dict()`` of an InfiniteSampler over a sampler with the same parameters.

        Raises:
            ValueError: ``state`` is not such a dict; the message names the field (the inner state's too).

        Examples:
            >>> import itertools
            >>> from ferrosampler import DistributedSampler, InfiniteSampler
            >>> ranks = [InfiniteSampler(DistributedSampler(range(10), 2, r, seed=1)) for r in range(2)]
            >>> iterators = [iter(rank) for rank in ranks]
            >>> head = [next(iterators[r]) for _ in range(7) for r in range(2)]  # 7 steps on 2 ranks
            >>> state = ranks[0].state_dict()
            >>> state["epoch"], state["position"]  # epoch 0 took 5 steps; 2 more of epoch 1 are global position 4
            (1, 4)
            >>> three = [InfiniteSampler(DistributedSampler(range(10), 3, r, seed=1)) for r in range(3)]
            >>> for rank in three:
            ...     rank.load_state_dict(state)
            >>> rest = [list(itertools.islice(rank, 2)) for rank in three]  # the epoch's last 6, on 3 ranks
            >>> sorted(head[10:] + sum(rest, [])) == sorted(range(10))
            True
        """
        check_state(state, self._state_kind, self._fingerprint())
        inner = state.get("sampler")
        if not isinstance(inner, Mapping):
            raise ValueError(f"state['sampler'] must be the inner sampler's state_dict(), got {inner!r}")
        loader = getattr(self.sampler, "load_state_dict", None)
        if not callable(loader):
            raise TypeError(f"{type(self.sampler).__name__} has no load_state_dict: its position cannot be restored")
        loader(inner)
        if callable(getattr(self.sampler, "set_epoch", None)):
            self.sampler.set_epoch(state["epoch"])  # keeps the loaded position (the same epoch)
        self.epoch = self._resume_epoch = state["epoch"]
        self._live_epoch = None


def _inner_state(sampler: Any) -> dict[str, Any]:
    saver = getattr(sampler, "state_dict", None)
    if not callable(saver):
        raise TypeError(f"{type(sampler).__name__} has no state_dict: an InfiniteSampler over it cannot save its place")
    state: dict[str, Any] = saver()
    return state
