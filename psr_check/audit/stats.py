"""The inspection's statistics: Wilson score intervals for "% yes" and the sample size for a
given confidence and margin of error (HMIP sampled for 80% confidence, ±5%)."""

from __future__ import annotations

import math
import random
from statistics import NormalDist


def z_for(confidence: float) -> float:
    """Two-sided z value: 1.96 for 95%, 1.28 for 80%."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(yes: int, relevant: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; None when there are no relevant cases.

    Chosen over the normal approximation because audits have small groups and rates near 0 or 1,
    where the normal interval leaves [0, 1] or collapses to a point."""
    if relevant <= 0:
        return None
    z = z_for(confidence)
    p = yes / relevant
    denominator = 1 + z * z / relevant
    centre = (p + z * z / (2 * relevant)) / denominator
    half = z * math.sqrt(p * (1 - p) / relevant + z * z / (4 * relevant * relevant)) / denominator
    low = 0.0 if yes == 0 else max(0.0, centre - half)      # exact at the edges, not 2.8e-17
    high = 1.0 if yes == relevant else min(1.0, centre + half)
    return low, high


def sample_size(population: int, confidence: float = 0.8, margin: float = 0.05, proportion: float = 0.5) -> int:
    """Cochran's sample size with the finite population correction (p = 0.5, the most cautious)."""
    if population <= 0:
        return 0
    z = z_for(confidence)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def draw_sample(count: int, size: int, seed: int) -> list[int]:
    """Indices of a reproducible random sample, in their original order."""
    if size >= count:
        return list(range(count))
    return sorted(random.Random(seed).sample(range(count), size))
