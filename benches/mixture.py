"""MixtureSampler measurements (not a test; timings never decide a test).

Usage (from the repository root): .venv/bin/python benches/mixture.py [THREADS]

1. A 16-source mixture's bulk epoch at N = 10^7 against RandomSampler's, both ``epoch_indices`` in this process,
   interleaved so that both see the same machine load (best of 5).
2. The first 10^6 indices of rank 3 of 8 through DistributedSamplerWrapper, resumed at global position 2^50
   against starting at 0 (an epoch of 2^53 positions), and the same engine reads alone.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable

import numpy as np

import ferrosampler
from ferrosampler import _core

SIZES = [10**6 + 7919 * s for s in range(16)]
WEIGHTS = [1.0 + (s * 5) % 7 for s in range(16)]


def seconds(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def best_pair(first: Callable[[], object], second: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    times = [(seconds(first), seconds(second)) for _ in range(repeat)]
    return min(t for t, _ in times), min(t for _, t in times)


def rank_share(position: int) -> list[int]:
    inner = ferrosampler.MixtureSampler(SIZES, WEIGHTS, num_samples=2**53, seed=1)
    wrapper = ferrosampler.DistributedSamplerWrapper(inner, num_replicas=8, rank=3)
    if position:
        state = wrapper.state_dict()
        state["position"] = position
        wrapper.load_state_dict(state)
    return list(itertools.islice(iter(wrapper), 10**6))


def main() -> None:
    if len(sys.argv) > 1:
        _core.set_num_threads(int(sys.argv[1]))
    n = 10**7
    mix = ferrosampler.MixtureSampler(SIZES, WEIGHTS, num_samples=n, seed=1)
    uniform = ferrosampler.RandomSampler(range(n), seed=1)
    t_mix, t_uniform = best_pair(lambda: mix.epoch_indices(0), lambda: uniform.epoch_indices(0))
    print(f"threads={_core.get_num_threads()}")
    print(
        f"N=10^7 epoch_indices: MixtureSampler (16 sources) {t_mix:.3f} s, RandomSampler {t_uniform:.3f} s, "
        f"ratio {t_mix / t_uniform:.2f}"
    )
    t_far, t_near = best_pair(lambda: rank_share(2**50), lambda: rank_share(0))
    print(f"rank 3 of 8, first 10^6 (wrapper): at 2^50 {t_far:.3f} s, at 0 {t_near:.3f} s, ratio {t_far / t_near:.2f}")
    plan = _core.MixturePlan(SIZES, [0], np.array(WEIGHTS, dtype=np.float64), 2**53)
    e_far, e_near = best_pair(
        lambda: plan.draws(1, 0, 2**50 + 3, 10**6, stride=8), lambda: plan.draws(1, 0, 3, 10**6, stride=8)
    )
    print(f"rank 3 of 8, first 10^6 (engine): at 2^50 {e_far:.3f} s, at 0 {e_near:.3f} s, ratio {e_far / e_near:.2f}")


if __name__ == "__main__":
    main()
