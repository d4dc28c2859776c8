"""The engine's SIMD kernels (FERROSAMPLER_KERNEL, read once per process): the golden vectors and large
permutations and alias draws are the same under each kernel this CPU runs, each in a fresh interpreter."""

from __future__ import annotations

import functools
import hashlib
import os
import pathlib
import subprocess
import sys

import pytest

import ferrosampler._core as rust

ROOT = pathlib.Path(__file__).parents[2]
KERNELS = ("scalar", "avx2", "avx512", "neon")

# Large outputs: every network width from 8 to 40 bits, n just above and at powers of two (many and no
# walkers), strides, and alias draws from tables of 1 to 10^6 columns; their digest is printed.
LARGE = """
import hashlib, sys
import numpy as np
import ferrosampler._core as core
digest = hashlib.sha256()
for n in [129, 255, 256, 257, 1000, 4097, 65535, 65537, 1_000_003, (1 << 20) + 1, (1 << 40) + 7]:
    for start, count, stride in [(0, 3000, 1), (n - 5, 700, 1), (17, 2000, 3), (5, 300, n)]:
        digest.update(core.permutation_stream(9, 0, 2, n, start, count, stride=stride).tobytes())
rng = np.random.default_rng(4)
for n in [1, 2, 3, 127, 128, 129, 1000, 1 << 16, 1_000_000]:
    table = core.WeightTable(rng.random(n) ** 4)
    for start, count in [(0, 1), (0, 131), (12345, 100_000)]:
        digest.update(table.alias_draws(7, 3, start, count).tobytes())
print(core.kernel(), digest.hexdigest())
"""


def run(kernel: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FERROSAMPLER_KERNEL": kernel}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@functools.cache
def kernel_in_use(kernel: str) -> str:
    done = run(kernel, "-c", "import ferrosampler._core as c; print(c.kernel())")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def forced(kernel: str) -> None:
    """Skips when this CPU does not run `kernel` (the engine then keeps the widest it runs)."""
    if kernel_in_use(kernel) != kernel:
        pytest.skip(f"this CPU does not run the {kernel} kernel")


def test_the_default_is_a_kernel_and_an_unknown_name_changes_nothing() -> None:
    assert rust.kernel() in KERNELS
    assert kernel_in_use("no-such-kernel") == kernel_in_use("")
    assert kernel_in_use("scalar") == "scalar"


@pytest.mark.parametrize("kernel", KERNELS)
def test_golden_vectors_under_each_kernel(kernel: str) -> None:
    forced(kernel)
    done = run(kernel, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "rust", "tests/engine/test_golden.py")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert " passed" in done.stdout


def test_large_outputs_equal_the_scalar_kernels() -> None:
    scalar = run("scalar", "-c", LARGE)
    assert scalar.returncode == 0, scalar.stderr
    name, expected = scalar.stdout.split()
    assert name == "scalar"
    compared = 0
    for kernel in KERNELS:
        done = run(kernel, "-c", LARGE)
        assert done.returncode == 0, done.stderr
        used, digest = done.stdout.split()
        if used != kernel:
            continue
        assert digest == expected, kernel
        compared += 1
    assert compared >= 1
    # The digest is of real output: an empty run would give the digest of nothing.
    assert expected != hashlib.sha256().hexdigest()
