"""What the CLI reports about the installation and the machine (--version, verify, bench)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import ferrosampler
from ferrosampler import _core


def elf_section_names(path: str) -> list[bytes] | None:
    """Section names of a little-endian ELF64 file, or None for anything else (Mach-O, PE, 32-bit)."""
    with open(path, "rb") as library:
        data = library.read()
    if data[:6] != b"\x7fELF\x02\x01":
        return None
    shoff, shentsize, shnum, shstrndx = (
        int.from_bytes(data[0x28:0x30], "little"),
        int.from_bytes(data[0x3A:0x3C], "little"),
        int.from_bytes(data[0x3C:0x3E], "little"),
        int.from_bytes(data[0x3E:0x40], "little"),
    )
    headers = [data[shoff + i * shentsize : shoff + (i + 1) * shentsize] for i in range(shnum)]
    strings_at = int.from_bytes(headers[shstrndx][0x18:0x20], "little")
    names = []
    for header in headers:
        start = strings_at + int.from_bytes(header[0:4], "little")
        names.append(data[start : data.index(b"\0", start)])
    return names


def engine_build() -> str:
    """Cargo profile of the loaded extension: stated by the engine if it says, else inferred from DWARF."""
    stated = getattr(_core, "BUILD_PROFILE", None)
    if isinstance(stated, str):
        return stated
    try:
        names = elf_section_names(str(_core.__file__))
    except (OSError, ValueError, IndexError, AttributeError):
        names = None
    if names is None:
        return "build profile unknown"
    # Cargo's release profile strips debug info by default and the dev profile keeps it.
    return "debug build (DWARF sections)" if b".debug_info" in names else "release build (no DWARF sections)"


def engine_threads() -> int | None:
    """Engine v2's thread count, or None for an engine without threads."""
    get = getattr(_core, "get_num_threads", None)
    return int(get()) if callable(get) else None


def engine_kernel() -> str | None:
    """The SIMD kernel the engine chose (avx512, avx2, neon, scalar), or None for an engine without the choice."""
    get = getattr(_core, "kernel", None)
    return str(get()) if callable(get) else None


def engine_line() -> str:
    threads = engine_threads()
    where = "single-threaded engine" if threads is None else f"{threads} engine threads"
    kernel = engine_kernel()
    return f"{_core.__version__}, {engine_build()}, {where}" + ("" if kernel is None else f", {kernel} kernel")


def optional_version(module: str) -> str:
    """Version of an optional dependency without importing it twice (torch and MindSpore are slow to import)."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version(module)
    except PackageNotFoundError:
        return "not installed"


def versions(interpreter_path: bool = True) -> list[tuple[str, str]]:
    """(name, value) lines shared by --version, verify and bench (``interpreter_path``: where Python is)."""
    where = f", {sys.executable}" if interpreter_path else ""
    return [
        ("ferrosampler", ferrosampler.__version__),
        ("spec", f"v{ferrosampler.SPEC_VERSION}"),
        ("engine", engine_line()),
        ("python", f"{platform.python_version()} ({platform.python_implementation()}{where})"),
        ("platform", f"{platform.platform()} ({platform.machine()})"),
        ("numpy", optional_version("numpy")),
        ("torch", optional_version("torch")),
        ("mindspore", optional_version("mindspore")),
    ]


def version_text() -> str:
    return "\n".join(f"{name} {value}" for name, value in versions())


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def memory_available() -> int | None:
    """Bytes the kernel says can be allocated without swapping, or None off Linux."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def load_average() -> str:
    """1/5/15-minute load when the report is written: a shared machine's timings need it next to them."""
    try:
        one, five, fifteen = os.getloadavg()
    except (AttributeError, OSError):  # Windows has no load average
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min, at the end of the run)"


def load_now() -> float | None:
    """The 1-minute load average now, or None where there is none (Windows)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def git_head() -> str:
    """Short commit of the source tree the package was imported from, when it is a git checkout."""
    source = Path(ferrosampler.__file__).resolve().parent
    try:
        result = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        dirty = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return result.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def machine() -> list[tuple[str, str]]:
    """The machine a benchmark ran on, for its report."""
    return [
        ("CPU", cpu_model()),
        ("cores", f"{os.cpu_count()} logical, {usable_cores()} usable by this process"),
        ("memory", memory_total()),
        ("load average", load_average()),
        ("OS", platform.platform()),
        *versions(interpreter_path=False)[:5],  # a report is shared: no local path in it
        ("git HEAD", git_head()),
    ]
