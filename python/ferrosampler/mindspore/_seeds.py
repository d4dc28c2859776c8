"""MindSpore's seed rule: ``seed=``, else the config seed, where the default 5489 means "random"."""

from __future__ import annotations

from .._inputs.seeding import draw_seed
from ._compat import config_seed

MINDSPORE_DEFAULT_SEED = 5489  # GetSeed() turns this config value into a random seed


def resolve_seed(explicit: int | None) -> tuple[int, bool]:
    """(engine seed, whether the user fixed it) for a sampler with no seed captured yet."""
    if explicit is not None:
        return explicit, True
    config = config_seed()
    if config is not None and config != MINDSPORE_DEFAULT_SEED:
        return config, True
    return draw_seed(), False
