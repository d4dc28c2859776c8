"""mindspore.dataset-compatible samplers on the ferrosampler engine.

The seven classes take MindSpore's signatures and follow its documented semantics
(the MindSpore 2.10 behaviour reference): which indices, how many, padding, order
rules, ``num_samples`` conventions, chaining and validation messages. Concrete random orders
come from the ferrosampler engine (docs/spec.md), not from MindSpore's ``std::mt19937``.

Every sampler also takes keyword-only ``seed=None`` and ``dataset_size=None`` and has
``set_epoch(e)``, ``set_dataset_size(n)``, ``epoch_indices(epoch=None)`` (the whole epoch as an
int64 array) and ``__len__`` (the number of indices an epoch emits). ``position_of(index, epoch)`` /
``positions_of(index, epoch)`` tell where an epoch serves a row (every shard's places for a
DistributedSampler), through a chain too, without computing the epoch (docs/provenance.md); the
samplers that draw (with replacement, weighted, PK) raise TypeError.

Dataset size
    Inside a MindSpore pipeline the size comes from the pipeline: the classes subclass
    ``mindspore.dataset.Sampler`` and receive MindSpore's ``_handshake``. Standalone (or in a
    torch DataLoader) it comes from ``dataset_size=`` / ``set_dataset_size(n)``, or, for a
    PKSampler, from ``len(labels)``. Anything that needs an unknown size raises ValueError.

Seeds and epochs
    ``seed=`` wins. Otherwise a sampler reads ``mindspore.dataset.config.get_seed()`` the first
    time it produces an epoch (MindSpore reads it when the pipeline builds its sampler); the
    default config seed 5489 means "random" in MindSpore, so it is replaced by one draw of
    ``ferrosampler._inputs.seeding.draw_seed()``, which is also the source when MindSpore is not
    installed. DistributedSampler instead captures ``get_seed() + 1`` at construction, 5489 + 1
    without MindSpore, so all shards agree without any seed set (quirk 4).
    Each epoch advances the sampler's own epoch counter at the first ``next()`` (or per
    ``epoch_indices()`` call, or per epoch the pipeline fetches), since MindSpore prefetches
    epochs and a ``set_epoch`` between epochs comes too late. Epoch e uses stream epoch e,
    except WeightedRandomSampler under a user-fixed seed (every epoch identical, quirk 10)
    and RandomSampler with ``reshuffle_each_epoch = False``.

Chaining
    ``parent.add_child(child)``: the child runs first on the dataset, the parent indexes the
    child's output (``parent(child(dataset))``), to any depth. The chain is run here, not by
    MindSpore: ``parse()`` hands the pipeline the chain's final row ids. ``child_sampler`` is
    kept too, because ``Dataset.use_sampler`` reads it to drop the top of a chain. The top
    sampler's epoch drives every level of its chain.

Failover
    MindSpore restarts at a global step through ``Dataset.set_init_step(step)`` on a new iterator
    (exact with a fixed seed) or by resetting the running iterator in place
    (``_reset_training_dataset``, ``mindspore.train.Model``'s fault recovery). In place, MindSpore
    replays the iterator's epochs without naming them; the sampler follows a fast-recovery reset to
    a step past the iterator's first epoch, not one inside it nor a slow-recovery reset (which it
    warns of): docs/getting-started-mindspore.md, "Recovering after a failure".

Deliberate differences from MindSpore 2.10
    - Parse-time checks (num_shards, shard_id, offset, shuffle mode, num_val, weights
      content, negative start_index) raise their RuntimeError at construction.
    - Data-dependent checks (start_index vs N, subset ids vs N, len(weights) vs N) raise
      their RuntimeError at the handshake / ``set_dataset_size`` / first use, never mid-epoch.
    - ``SubsetSampler([])`` and ``SubsetRandomSampler([])`` raise ValueError (MindSpore
      segfaults); ``num_samples=0`` keeps every subset index, as 0 means "all" everywhere
      (MindSpore truncates to an empty list and crashes).
    - ``offset < -1`` raises ValueError (MindSpore silently drops rows).
    - ``len()`` of a SequentialSampler is the emitted count, never negative.
    - A DistributedSampler child counts its real shard length (MindSpore reports N and fails).
    - ``add_child`` of anything but a sampler of this module raises TypeError (MindSpore:
      accidental AttributeError); a cycle raises ValueError; a PKSampler cannot be a parent
      (RuntimeError; MindSpore ignores its child).
    - Non-finite weights raise RuntimeError (MindSpore has undefined results).
    - PKSampler takes per-row class labels from ``labels=`` and so works with
      GeneratorDataset, which refuses MindSpore's own PKSampler.
    - Epoch e is a fresh draw keyed by (seed, e), not a reshuffle of epoch e-1.
    - A dataset size must be at least 1 (an empty epoch only fails later in MindSpore) and at
      most 2**63 - 1; every integer argument must fit int64 and an epoch must have at most
      2**63 - 1 indices (ValueError naming the argument; MindSpore overflows in C++).
    - A weight must be a real number convertible to float64 (MindSpore accepts complex
      numbers and fails later).
"""

from ._compat import Shuffle
from .distributed import DistributedSampler
from .pk import PKSampler
from .random import RandomSampler
from .sequential import SequentialSampler
from .subset import SubsetRandomSampler, SubsetSampler
from .weighted import WeightedRandomSampler

__all__ = [
    "DistributedSampler",
    "PKSampler",
    "RandomSampler",
    "SequentialSampler",
    "Shuffle",
    "SubsetRandomSampler",
    "SubsetSampler",
    "WeightedRandomSampler",
]
