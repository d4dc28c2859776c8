"""The command line: `python -m ferrosampler` and the `ferrosampler` console script.

Every bad option value is refused with one line on stderr and exit status 2, as argparse
does, before any work starts. Commands import their heavy dependencies only when they run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import environment
from .known_answers import KNOWN_ANSWERS, KnownAnswer

if TYPE_CHECKING:
    from .bench_cases import Case

SEED_LIMIT = 1 << 64
SIZE_LIMIT = (1 << 63) - 1
MAX_BUSY = 64  # --load: busy processes, each a whole core
DEFAULT_SIZES = "1e6,1e7,1e8"

DESCRIPTION = """\
Bit-exact, seekable dataset index samplers for PyTorch and MindSpore.

commands:
  verify   check the Rust engine against the pure-Python reference on this machine
  demo     class-imbalanced labels sampled without and with balancing
  bench    time the samplers against torch and numpy and check each case's target
  explain  where an index was served, or what a rank saw at a step, from a saved state_dict"""


class Parser(argparse.ArgumentParser):
    """argparse, with its error reduced to one line that points at --help."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


class Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keeps the descriptions' line breaks and shows every default that is not None."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None:
            return action.help
        return super()._get_help_string(action)


def whole_number(text: str, low: int, high: int, what: str) -> int:
    """An integer written plainly or as 1e6 (bench sizes), within [low, high]."""
    try:
        value = Decimal(text.strip().replace("_", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return int(value)


def positive_int(text: str) -> int:
    return whole_number(text, 1, SIZE_LIMIT, "an integer >= 1")


def busy_count(text: str) -> int:
    """--load: how many busy processes to start, a small count (each takes a whole core)."""
    return whole_number(text, 0, MAX_BUSY, f"an integer in [0, {MAX_BUSY}]")


def count_int(text: str) -> int:
    if "e" in text.lower():  # an index or a step is exact
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return whole_number(text, 0, SIZE_LIMIT, "an integer >= 0")


def epoch_int(text: str) -> int:
    if "e" in text.lower():
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")
    return whole_number(text, -SEED_LIMIT, SEED_LIMIT, "an integer")


def seed_int(text: str) -> int:
    if "e" in text.lower():  # a seed is exact: 1e3 would hide a typo
        raise argparse.ArgumentTypeError(f"expected an integer in [0, 2**64), got {text!r}")
    return whole_number(text, 0, SEED_LIMIT - 1, "an integer in [0, 2**64)")


def size_list(text: str) -> list[int]:
    sizes = [whole_number(part, 1, SIZE_LIMIT, "sizes >= 1 such as 1e6,1e7") for part in text.split(",")]
    return sorted(set(sizes))


def case_list(text: str) -> list[str]:
    from .bench_cases import CASES

    names = [part.strip() for part in text.split(",") if part.strip()]
    if names == ["all"]:
        return list(CASES)
    unknown = [name for name in names if name not in CASES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown case {', '.join(map(repr, unknown)) or repr(text)}; choose from {', '.join(CASES)}"
        )
    return list(dict.fromkeys(names))  # a case named twice is run once


def output_path(text: str) -> Path:
    """A file to write, refused now rather than after a long run when its folder does not exist."""
    path = Path(text)
    if path.is_dir() or not path.resolve().parent.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: not a file in an existing folder")
    return path


def input_path(text: str) -> Path:
    """A file to read, refused now rather than after a long run when it does not exist."""
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"cannot read {text!r}: not a file")
    return path


def target_text(case: Case) -> str:
    """A case's target and what it is measured against, for --help."""
    if case.kind == "seconds":
        return f"target {case.target}"
    return f"target {case.target} vs {case.baseline}"


def build_parser(prog: str) -> Parser:
    from .bench_cases import CASES

    parser = Parser(prog=prog, description=DESCRIPTION, formatter_class=Formatter)
    parser.add_argument(
        "--version",
        action="version",
        version=environment.version_text(),
        help="print the package, spec and engine versions, Python and platform, and exit",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command", parser_class=Parser)

    check = commands.add_parser(
        "verify",
        help="check the Rust engine against the pure-Python reference",
        description=(
            "Checks spec known answers on both engines, then compares the Rust engine with the\n"
            "pure-Python reference on random (sampler, size, seed, epoch) cases for every sampler\n"
            "type, MindSpore-compatible ones included. Exit status 1 on any mismatch."
        ),
        formatter_class=Formatter,
    )
    check.add_argument(
        "--examples", type=positive_int, default=200, metavar="N", help="random cases per sampler type (>= 1)"
    )
    check.add_argument("--seed", type=seed_int, default=0, metavar="S", help="seed of the random cases, in [0, 2**64)")

    demo = commands.add_parser(
        "demo",
        help="show class balancing on an imbalanced label set",
        description=(
            "1000 rows in classes of 900/90/10: per-epoch class frequencies without and with\n"
            "inverse-frequency weights (WeightedRandomSampler), a DistributedSampler split, and a\n"
            "Rust == reference check of what was shown."
        ),
        formatter_class=Formatter,
    )
    demo.add_argument("--epochs", type=positive_int, default=3, metavar="E", help="epochs to show")
    demo.add_argument(
        "--plot", type=output_path, metavar="FILE.png", help="also draw the class frequencies (needs matplotlib)"
    )

    bench = commands.add_parser(
        "bench",
        help="time the samplers against torch and numpy",
        description=(
            "Runs each case below after one warm-up: median of --repeat timed runs, ratios against\n"
            "torch and numpy when installed, and each case's target marked met / not met. A target\n"
            "is a minimum speed-up over the torch equivalent, a maximum slowdown against a plain\n"
            "loop or a smaller size, or a time or memory bound.\n"
            "Each ratio is shown beside both sides' CPU time and the load average; --load P runs\n"
            "every case again beside P busy processes and reports both runs.\n"
            "Peak memory is measured in a fresh subprocess per case. Progress goes to stderr.\n\n"
            "cases:\n"
            + "\n".join(f"  {name:<18} {case.title}\n  {'':<18} {target_text(case)}" for name, case in CASES.items())
        ),
        formatter_class=Formatter,
    )
    bench.add_argument(
        "--sizes", type=size_list, default=DEFAULT_SIZES, metavar="N,N,...", help="dataset sizes, e.g. 1e6,1e7"
    )
    bench.add_argument("--repeat", type=positive_int, default=5, metavar="R", help="timed runs per cell (>= 1)")
    bench.add_argument("--cases", type=case_list, default="all", metavar="NAME,...", help="cases to run, or all")
    bench.add_argument("--output", type=output_path, metavar="FILE.md", help="write the markdown report here")
    bench.add_argument(
        "--plot", type=output_path, metavar="FILE.png", help="plot time vs N per sampler (needs matplotlib)"
    )
    bench.add_argument(
        "--load",
        type=busy_count,
        default=0,
        metavar="P",
        help="after the run, run every case again with P busy processes started by the bench, and report both",
    )
    bench.add_argument(
        "--notes",
        type=input_path,
        metavar="FILE.md",
        help="append this markdown file to the report as written (e.g. profiles of the targets not met)",
    )
    add_explain(commands)
    return parser


EXPLAIN = """\
Answers from a sampler's saved state_dict() (JSON), without running a loader:
  --index I           where dataset index I is served in the epoch: position (batch and
                      offset for a batch sampler), rank and global position for a sharded
                      sampler, and whether the run had served it when it saved the state
  --step S [--rank R] the indices rank R (default 0) sees at step S of the epoch

The sampler is rebuilt from the state and checked against it (kind, spec version,
fingerprint, recorded parameters). DistributedSampler states record every parameter;
the others record a fingerprint, so give what it covers: --n (RandomSampler,
SequentialSampler), --num-samples and --replacement (RandomSampler), --indices
(SubsetRandomSampler), --lengths (LengthGroupedBatchSampler, whose state records the
rest), --permutation, --batch-size and --drop-last (a BatchSampler), and,
for a DistributedSamplerWrapper over a BatchSampler, --sampler and --seed of the sampler
it batches. An unseeded sampler draws a seed per epoch: only the state's epoch can be
asked about. A step is --batch-size indices (a DataLoader's batch_size; default 1) or
one batch of a batch sampler; epochs are taken as served from their start by the
saving world. Exit status 2 on a state it cannot read or options that disagree with it."""


def add_explain(commands: Any) -> None:
    explain = commands.add_parser(
        "explain",
        help="where an index was served, or what a rank saw at a step, from a saved state_dict",
        description=EXPLAIN,
        formatter_class=Formatter,
    )
    explain.add_argument("state", type=Path, metavar="STATE.json", help="a sampler's state_dict(), saved as JSON")
    question = explain.add_mutually_exclusive_group(required=True)
    question.add_argument("--index", type=count_int, metavar="I", help="the dataset index to find")
    question.add_argument("--step", type=count_int, metavar="S", help="the step whose indices to list")
    explain.add_argument("--rank", type=count_int, metavar="R", help="the rank whose step to list (default 0)")
    explain.add_argument("--epoch", type=epoch_int, metavar="E", help="the epoch asked about (default: the state's)")
    explain.add_argument("--batch-size", type=positive_int, metavar="B", help="indices per step, or a BatchSampler's")
    explain.add_argument(
        "--n", type=positive_int, metavar="N", help="the dataset size, if the state does not record it"
    )
    explain.add_argument("--num-samples", type=positive_int, metavar="K", help="RandomSampler's num_samples")
    explain.add_argument("--replacement", action="store_true", help="RandomSampler(replacement=True) (--step only)")
    explain.add_argument(
        "--permutation", choices=("feistel", "fisher-yates"), help="the sampler's permutation (default feistel)"
    )
    explain.add_argument(
        "--indices", type=Path, metavar="FILE", help="SubsetRandomSampler's indices: .npy, or integers in text"
    )
    explain.add_argument(
        "--lengths", type=Path, metavar="FILE", help="LengthGroupedBatchSampler's lengths: .npy, or integers in text"
    )
    explain.add_argument("--drop-last", action="store_true", help="the BatchSampler's drop_last")
    explain.add_argument(
        "--sampler",
        choices=("RandomSampler", "SubsetRandomSampler", "SequentialSampler"),
        help="the sampler a wrapped BatchSampler batches",
    )
    explain.add_argument(
        "--mixture",
        type=Path,
        metavar="FILE",
        help='MixtureSampler\'s parameters as JSON: {"sources": [sizes], "weights": [...], "num_samples": N}',
    )
    explain.add_argument("--seed", type=seed_int, metavar="S", help="its fixed seed (none: unseeded)")
    explain.add_argument("--json", action="store_true", help="print the answer as one JSON object")


def default_prog() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "ferrosampler"
    return "python -m ferrosampler" if name in ("__main__.py", "-m", "-c", "") else name


def main(argv: list[str] | None = None, prog: str | None = None, known_answers: list[KnownAnswer] | None = None) -> int:
    """Runs one command and returns its exit status."""
    prog = prog or default_prog()
    args: Any = build_parser(prog).parse_args(argv)
    if args.command == "verify":
        from .verify import verify

        return verify(args.examples, args.seed, KNOWN_ANSWERS if known_answers is None else known_answers)
    if args.command == "demo":
        from .demo import demo

        return demo(args.epochs, args.plot)
    if args.command == "explain":
        return run_explain(args, prog)
    from .bench import bench

    command = command_line(prog, argv)
    return bench(
        args.sizes, args.repeat, args.cases, args.output, args.plot, command=command, load=args.load, notes=args.notes
    )


def run_explain(args: Any, prog: str) -> int:
    from .explain import Options, Refused, explain

    options = Options(
        n=args.n,
        num_samples=args.num_samples,
        replacement=args.replacement,
        permutation=args.permutation,
        indices=args.indices,
        batch_size=args.batch_size,
        drop_last=args.drop_last,
        sampler=args.sampler,
        seed=args.seed,
        mixture=args.mixture,
        lengths=args.lengths,
    )
    try:
        return explain(args.state, args.index, args.rank, args.step, args.epoch, options, args.json)
    except Refused as error:
        print(f"{prog} explain: error: {error}", file=sys.stderr)
        return 2


def command_line(prog: str, argv: list[str] | None) -> str:
    """The command as typed, for the report: the interpreter path relative to here when it is below, else python."""
    words = sys.argv[1:] if argv is None else argv
    if prog == "python -m ferrosampler":
        exe = os.path.relpath(sys.executable)
        head = [exe if not exe.startswith("..") else "python", "-m", "ferrosampler"]  # no local path outside
    else:
        head = [prog]
    return shlex.join([*head, *words])
