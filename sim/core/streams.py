"""Independent random streams, keyed by (seed, replication, source, index)."""

from __future__ import annotations

import numpy as np


def stream(seed: int, replication: int, *key: int) -> np.random.Generator:
    """Independent generator for ``(seed, replication, *key)``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication, *key)))
