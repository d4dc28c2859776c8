"""A crash-tolerant pool: each case runs in a worker process that may abort, hang or run out of memory;
a dead or stuck worker is recorded (crash / hang) and replaced, and the run goes on."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .cases import ALL, case_seed

ROOT = Path(__file__).resolve().parents[2]
HANG_SECONDS = 10.0
STARTUP_SECONDS = 180.0


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)
    by_case: dict[str, Counter[str]] = field(default_factory=dict)
    findings: list[dict[str, object]] = field(default_factory=list)
    restarts: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, index: int, seed: int, answer: dict[str, object]) -> None:
        from .judge import GOOD

        outcome = str(answer["outcome"])
        self.counts[outcome] += 1
        self.by_case.setdefault(str(answer.get("case", "?")), Counter())[outcome] += 1
        if outcome not in GOOD and len(self.findings) < 5000:
            self.findings.append({"index": index, "seed": seed, **answer})

    def summary(self) -> str:
        from .known import known

        lines = [f"{self.total} cases, {self.restarts} worker restarts"]
        lines += [f"  {outcome:>13}: {count}" for outcome, count in sorted(self.counts.items())]
        labels = Counter(entry.label for f in self.findings if (entry := known(f)))
        unknown = [f for f in self.findings if known(f) is None]
        lines += [
            f"  FINDING {f['case']} #{f['index']} seed={f['seed']}: {f['outcome']}: {f['detail']}" for f in unknown[:40]
        ]
        lines += [f"  KNOWN x{count}: {label}" for label, count in sorted(labels.items())]
        return "\n".join(lines)


class Worker:
    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.process: subprocess.Popen[str] | None = None
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - lives as long as the worker

    def start(self) -> None:
        env = {**os.environ, "HOSTILE_MEMORY_MB": str(self.memory_mb), "MALLOC_ARENA_MAX": "2"}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        self.stderr.seek(0)
        self.stderr.truncate()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.hostile.worker"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env,
        )  # fmt: skip
        if self._read(STARTUP_SECONDS) != "ready":
            raise RuntimeError(f"hostile worker did not start: {self._stderr_tail()}")

    def _read(self, timeout: float) -> str | None:
        assert self.process is not None and self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.process.stdout.readline()
        return line.strip() if line else ""

    def _stderr_tail(self) -> str:
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()[-300:].replace("\n", " | ")

    def run(self, index: int, seed: int, hang_seconds: float) -> dict[str, object]:
        if self.process is None or self.process.poll() is not None:
            self.start()
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write(f"{index} {seed}\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass
        line = self._read(hang_seconds)
        if line:
            return json.loads(line)
        if line is None:
            self.process.kill()
            self.process.wait()
            answer: dict[str, object] = {"outcome": "hang", "detail": f"no answer in {hang_seconds} s"}
        else:
            code = self.process.wait()
            answer = {"outcome": "crash", "detail": f"exit {code}: {self._stderr_tail()}"}
        self.process = None
        answer["case"] = (
            "self-test" if index < 0 else f"{ALL[index % len(ALL)].__module__}.{ALL[index % len(ALL)].__name__}"
        )
        answer["restart"] = True
        return answer

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stderr.close()


def run_cases(
    indices: Iterable[int], run_seed: int = 0, workers: int = 2, hang_seconds: float = HANG_SECONDS,
    memory_mb: int = 2048,
) -> Report:  # fmt: skip
    """Runs case ``i`` for each index on ``workers`` processes; negative indices are the pool's self-tests."""
    report, lock = Report(), threading.Lock()
    pending = iter(list(indices))

    def drive() -> None:
        worker = Worker(memory_mb)
        try:
            while True:
                with lock:
                    index = next(pending, None)
                if index is None:
                    return
                seed = case_seed(run_seed, index)
                answer = worker.run(index, seed, hang_seconds)
                with lock:
                    report.restarts += bool(answer.pop("restart", False))
                    report.add(index, seed, answer)
        finally:
            worker.stop()

    threads = [threading.Thread(target=drive) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report
