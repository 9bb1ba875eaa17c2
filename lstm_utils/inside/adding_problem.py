"""The adding problem (Hochreiter and Schmidhuber, 1997; this variant, one marker in each half, is Le, Jaitly and Hinton's, 2015): a test of long-range memory.

Each sequence carries random numbers and a marker channel that flags two of them; the target is
the sum of the two flagged numbers. The model must remember a number from early in the sequence
until the end, which a simple RNN's vanishing gradient makes hard to learn and an LSTM can.
"""

import numpy as np

from ..errors import LstmTutorialError

BASELINE_MSE = 1 / 6
"""The MSE of always predicting 1, the best constant; a model must beat it to have learnt anything.

The target is Y = U_1 + U_2 with U_1, U_2 independent and uniform on [0, 1). The constant c that
minimises E[(Y - c)²] is E[Y] = 1/2 + 1/2 = 1, and its MSE is the variance of Y:
Var(Y) = Var(U_1) + Var(U_2) = 1/12 + 1/12 = 1/6 ≈ 0.167, as Var(U) = ∫₀¹ (u - 1/2)² du = 1/12.
"""

SOLVED_MSE = 0.01
"""The MSE below which the problem counts as solved: about 6% of the baseline's error."""


def adding_problem_data(n: int, length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` adding-problem sequences of `length` steps: x (n, length, 2) and y (n, 1), float32.

    Channel 0 of x holds numbers drawn uniformly from [0, 1); channel 1 is a marker, 1 at exactly
    two steps and 0 elsewhere; y is the sum of the two marked numbers. As in Le, Jaitly and Hinton
    (2015) and Arjovsky, Shah and Bengio (2016), one marker lies uniformly at random in the first
    half (steps 0 to length//2 - 1) and the other in the second half, so the first marked number
    must be remembered over at least part of the sequence. y has the shape of a `Dense(1)` output,
    so NumPy arithmetic with predictions does not broadcast to (n, n). The same seed gives the
    same data.
    """
    if n < 1:
        raise LstmTutorialError(f"The number of sequences must be positive, got {n}.")
    if length < 2:
        raise LstmTutorialError(f"Two markers need at least 2 steps, got length {length}.")
    rng = np.random.default_rng(seed)
    numbers = rng.random((n, length), dtype=np.float32)
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    rows = np.arange(n)
    markers = np.zeros((n, length), dtype=np.float32)
    markers[rows, first] = markers[rows, second] = 1
    sums = numbers[rows, first] + numbers[rows, second]
    return np.stack([numbers, markers], axis=-1), sums[:, None]
