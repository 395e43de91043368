"""Random streams: one generator per process and month, derived from the run's seed.

A process draws from `streams.generator("crack_down", month)`, seeded by the run's seed, the stream's
name and the month alone. So the draws of a process in a month do not depend on how many numbers any
other process drew before it, or on how many it drew itself in earlier months: two scenarios with the
same seed share every random number of the processes they do not change (common random numbers), and
a change that alters one process's draws in one month leaves the next month's draws of every process
where they were.
"""

from __future__ import annotations

import zlib

import numpy as np


class RandomStreams:
    """Generators keyed by (stream name, month), made once and reused within the month."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._month: int | None = None
        self._made: dict[str, np.random.Generator] = {}

    def generator(self, stream: str, month: int) -> np.random.Generator:
        """The generator of `stream` in `month`: the same object for every call in that month."""
        if month != self._month:
            self._month, self._made = month, {}
        made = self._made.get(stream)
        if made is None:
            key = (zlib.crc32(stream.encode()), month)
            made = self._made[stream] = np.random.Generator(
                np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=key))
            )
        return made
