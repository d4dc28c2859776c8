"""DistributedSamplerWrapper: rank r of R reads positions r, r + R, … of any sampler's epoch (spec §15)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .._inputs.checks import boolean, integer
from .._inputs.world import even_value, world
from .._protocol.epoch import Affine, Epoch, epoch_at, open_epoch
from .._protocol.iteration import flatten
from .._protocol.progress import own_count, share_count
from .._protocol.provenance import Locatable, Position, locate, sharded
from .._protocol.sharded import _ShardedResume
from .._protocol.state import encode_generator, restore_generator
from .._protocol.torch_compat import DistributedSamplerBase


class DistributedSamplerWrapper(_ShardedResume, Locatable, DistributedSamplerBase):
    """Shards another sampler's epoch like DistributedSampler shards a permutation: rank r of R
    gets positions r, r + R, … of the inner epoch, padded from its front to a multiple of R
    (or cut, with ``drop_last``). Every rank must see the same inner epoch, so give the inner
    sampler a fixed ``seed=`` (or seed torch identically on every rank).

    A batch sampler's epoch is its batches (whole batches are served); a sharded sampler's
    (DistributedSampler, DistributedWeightedSampler, PKBatchSampler, MPerClassSampler, another
    wrapper) is its own rank's share. ``set_epoch`` is forwarded; ``state_dict()`` resumes
    exactly on any world size. ``even=False`` (evaluation) pads nothing: rank r reads only positions
    r, r + R, … of the inner epoch, so every position goes to exactly one rank.

    Cost per rank and epoch (L the inner epoch's length, R the ranks; docs/spec.md §15 has
    the full table): only this rank's positions are computed (seeked, O(L/R)) for uniform and
    alias draws, Feistel permutations and shards (torch and MindSpore RandomSampler,
    SubsetRandomSampler, WeightedRandomSampler with replacement, DistributedSampler,
    DistributedWeightedSampler with replacement), PK draws (MindSpore PKSampler), seeded
    PKBatchSampler batches, sequential and subset samplers, a BatchSampler or wrapper over
    any of these, and a MindSpore chain whose parents are SequentialSampler or unshuffled
    DistributedSampler levels. The engine regenerates more and slices (O(L)) for
    Fisher–Yates blocks, weighted sampling without replacement, MPerClassSampler, and a
    MindSpore parent that shuffles its child (the child is computed whole). Anything else (a
    foreign iterable, an unseeded PKBatchSampler) is materialised with ``list(sampler)`` once
    per epoch: O(L) time and memory on every rank, and it must repeat its order on resume.

    Examples:
        >>> import ferrosampler
        >>> inner = lambda: ferrosampler.RandomSampler(range(10), seed=5)
        >>> parts = [list(ferrosampler.DistributedSamplerWrapper(inner(), num_replicas=3, rank=r)) for r in range(3)]
        >>> [len(part) for part in parts], sorted(set(sum(parts, []))) == list(range(10))
        ([4, 4, 4], True)
        >>> parts[0] == list(inner())[0::3]
        True
        >>> uneven = [list(ferrosampler.DistributedSamplerWrapper(inner(), 3, r, even=False)) for r in range(3)]
        >>> [len(part) for part in uneven], uneven[2] == list(inner())[2::3]
        ([4, 3, 3], True)
    """

    _kind = "DistributedSamplerWrapper"
    _records_epoch_seed = True

    def __init__(
        self,
        sampler: Any,
        num_replicas: int | None = None,
        rank: int | None = None,
        drop_last: bool = False,
        *,
        even: bool = True,
    ) -> None:
        self.num_replicas, self.rank = world(num_replicas, rank, required=True)
        self.drop_last = boolean("drop_last", drop_last)
        self.even = even_value(even, self.drop_last)
        _inner_length(sampler)  # refused now, not at the first len() a trainer calls
        self.sampler = sampler
        self.dataset = sampler  # torch's attribute; trainers read it
        self.shuffle = bool(getattr(sampler, "shuffle", True))
        self.seed = getattr(sampler, "seed", None)
        self.epoch = getattr(sampler, "epoch", 0)
        self._generator_before_epoch: str | None = None
        self._opened: Any = None  # the progress record of the epoch the latest iter() opened
        self._start_resume()

    @property
    def num_samples(self) -> int:  # type: ignore[override]
        return self._share_length(_inner_length(self.sampler))

    @property
    def total_size(self) -> int:  # type: ignore[override]
        return self.num_samples * self.num_replicas if self.even else _inner_length(self.sampler)

    def _share_length(self, n: int) -> int:
        """This rank's positions of an inner epoch of n: padded or cut to one length, or (uneven) its own."""
        if self.even:
            return share_count(n, self.num_replicas, self.drop_last)
        return own_count(n, self.num_replicas, self.rank)

    def __len__(self) -> int:
        return self.num_samples

    def _order_fields(self) -> dict[str, Any]:
        inner = self.sampler
        inner_state = inner.state_dict() if callable(getattr(inner, "state_dict", None)) else {}
        return {
            "n": _inner_length(inner),
            "inner": type(inner).__name__,
            "inner_seed": getattr(inner, "seed", None),
            "inner_fingerprint": inner_state.get("fingerprint") if isinstance(inner_state, dict) else None,
        }

    def set_epoch(self, epoch: int) -> None:
        self.epoch = integer("epoch", epoch)
        if callable(getattr(self.sampler, "set_epoch", None)):
            self.sampler.set_epoch(epoch)
        self._drop_stale_resume(self.epoch)

    def state_dict(self) -> dict[str, Any]:
        """As DistributedSampler's (spec §14), plus the inner sampler's torch.Generator state if it draws its
        seeds from one, so the epochs after a resume draw what they would have drawn."""
        state = super().state_dict()
        generator = _inner_generator(self.sampler)
        if generator is not None:
            # The state reports the epoch the latest iter() opened only once it has handed something out; before
            # that it reports an earlier place, whose generator is the one from before that iter()'s draw.
            opened = self._live is not None and self._live is self._opened
            before = self._generator_before_epoch
            state["inner_generator_state"] = (
                before if before is not None and not opened else encode_generator(generator)
            )
        return state

    def load_state_dict(self, state: Any) -> None:
        # A state of an earlier spec records only the inner fingerprint: the inner sampler takes that spec's
        # algorithm first (a sampler without the hook has one algorithm).
        adopt = getattr(self.sampler, "_adopt_saved_spec", None)
        undo = adopt(state.get("spec_version")) if callable(adopt) and isinstance(state, dict) else None
        try:
            super().load_state_dict(state)
        except BaseException:
            if undo is not None:
                undo()
            raise
        self._generator_before_epoch = None  # the loaded state's generator is the one to save until iter()
        restore_generator(_inner_generator(self.sampler), state.get("inner_generator_state"), "inner_generator_state")
        if callable(getattr(self.sampler, "set_epoch", None)):
            self.sampler.set_epoch(self.epoch)  # so the inner sampler's next epoch is the saved one

    def __iter__(self) -> Iterator[Any]:
        # The inner epoch is started (seed drawn, counter stepped) here, at iter(), as torch fixes its order.
        number = getattr(self.sampler, "epoch", self.epoch)
        # Until the first next() the state is idle (no epoch_seed): it must carry the generator as it was
        # before this epoch's draw, so a resume draws the same seed.
        self._generator_before_epoch = encode_generator(_inner_generator(self.sampler))
        pending = self._pending if self._pending is not None and self._pending.epoch == number else None
        key = (pending.seed, number) if pending is not None else (None, None)
        epoch = open_epoch(self.sampler, *key)
        self.epoch = number if epoch.epoch is None else epoch.epoch
        progress = self._opened = self._plan(self.epoch, epoch.length, epoch.seed)
        serving = progress.serving
        return flatten(self._served(progress, self._chunks(epoch, serving.first, serving.size)))

    def _open_epoch(self, seed: int | None, epoch: int | None) -> Epoch:
        # A shard of the inner epoch: this rank's positions rank, rank + R, … (an inner wrapper's share of its own).
        return self._shard(open_epoch(self.sampler, seed, epoch))

    def _epoch_at(self, epoch: int) -> Epoch:
        return self._shard(epoch_at(self.sampler, epoch))

    def _shard(self, inner: Epoch) -> Epoch:
        return Affine(inner, self._share_length(inner.length), self.rank, self.num_replicas)

    def _identity(self) -> dict[str, Any]:
        world = {"num_replicas": self.num_replicas, "rank": self.rank, "drop_last": self.drop_last, "even": self.even}
        return {"sampler": self.sampler, **world}

    def _locate(self, index: Any, epoch: Any, seed: int | None, world: bool) -> Iterator[Position]:
        # The inner sampler's own places q are global positions q (and q + t·m as padding, even only) of this world.
        m = _inner_length(self.sampler)
        inner = locate(self.sampler, index, epoch, seed)
        yield from sharded(inner, m, self.num_replicas, self.total_size, self.rank, world)

    def _chunks(self, epoch: Any, first: int, count: int) -> Iterator[Any]:
        n, stride = epoch.length, self.num_replicas
        real = 0 if first >= n else min(count, (n - first + stride - 1) // stride)
        yield from epoch.read(first, stride, real)
        if count > real:  # at most one padded position per rank, read from the front of the epoch
            yield from epoch.read((first + real * stride) % n, stride, 1)


def _inner_generator(sampler: Any) -> Any:
    """The torch.Generator the inner sampler (or the sampler a batch sampler or wrapper wraps) draws seeds from."""
    while sampler is not None:
        generator = getattr(sampler, "_torch_generator", None)
        if generator is not None:
            return generator
        sampler = getattr(sampler, "sampler", None)
    return None


def _inner_length(sampler: Any) -> int:
    """len(sampler), or a TypeError/ValueError naming ``sampler`` (never Python's unnamed ones or OverflowError)."""
    if not callable(getattr(sampler, "__len__", None)):
        raise TypeError(f"sampler must have a len() (a sampler over a sized dataset), got {type(sampler).__name__}")
    try:
        return len(sampler)
    except OverflowError:
        raise ValueError("len(sampler) must be below 2**63") from None
    except (TypeError, ValueError) as error:
        raise TypeError(f"sampler must have a len() that is an int >= 0: {error}") from None
