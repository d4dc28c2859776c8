"""``algorithm=`` of the samplers that draw by weight without replacement (spec §8): what it adds to the order's
fingerprint and state, and how a state saved before it existed resumes (spec §13)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._inputs.checks import WITHOUT_REPLACEMENT

# The algorithm of every state saved by spec 2, whose only algorithm it was (such states lack the field).
SPEC_2_ALGORITHM = "sequential"


class WithoutReplacementAlgorithm:
    """The mixin: ``algorithm`` and ``replacement`` are set by the sampler."""

    algorithm: str
    replacement: bool

    def _algorithm_parameters(self) -> tuple[str, ...]:
        """What the algorithm adds to the order's parameters: nothing with replacement (it draws nothing) or for
        ``"sequential"`` (so its fingerprint is spec 2's, whose states it resumes), else its name."""
        if self.replacement or self.algorithm == SPEC_2_ALGORITHM:
            return ()
        return (self.algorithm,)

    def _algorithm_field(self) -> dict[str, str]:
        return {"algorithm": self.algorithm}

    def _load_with_algorithm(self, state: Mapping[str, Any], load: Callable[[], None]) -> None:
        """Runs ``load`` (the sampler's checks and resume) with the algorithm ``state`` was saved with: a state that
        records another algorithm is refused; one without the field (spec 2) resumes with ``"sequential"``, which
        the sampler keeps from then on, as the run that saved it would have gone on."""
        if self.replacement or not isinstance(state, Mapping):
            load()
            return
        saved = state.get("algorithm", SPEC_2_ALGORITHM)
        if saved not in WITHOUT_REPLACEMENT:
            names = ", ".join(repr(name) for name in WITHOUT_REPLACEMENT)
            raise ValueError(f"state['algorithm'] must be one of {names}, got {saved!r}")
        if "algorithm" in state and saved != self.algorithm:
            raise ValueError(f"state['algorithm'] is {saved!r}, but this sampler has algorithm={self.algorithm!r}")
        previous = self.algorithm
        self.algorithm = saved
        try:
            load()
        except BaseException:
            self.algorithm = previous
            raise

    def _adopt_saved_spec(self, version: Any) -> Callable[[], None]:
        """Takes the algorithm a state saved by spec ``version`` implies, for a wrapper whose state records only
        this sampler's fingerprint (spec 2: ``"sequential"``); returns what undoes it if the load fails."""
        previous = self.algorithm
        if version == 2 and not self.replacement:
            self.algorithm = SPEC_2_ALGORITHM

        def undo() -> None:
            self.algorithm = previous

        return undo
