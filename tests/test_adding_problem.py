import numpy as np
import pytest

from lstm_utils.errors import LstmTutorialError
from lstm_utils.inside.adding_problem import BASELINE_MSE, SOLVED_MSE, adding_problem_data


@pytest.mark.parametrize("length", [2, 7, 50])
def test_shapes_markers_and_targets(length):
    x, y = adding_problem_data(200, length, seed=0)
    assert x.shape == (200, length, 2) and y.shape == (200, 1)
    assert x.dtype == y.dtype == np.float32
    numbers, markers = x[..., 0], x[..., 1]
    assert ((numbers >= 0) & (numbers < 1)).all()
    assert set(np.unique(markers)) <= {0, 1}
    half = length // 2
    assert (markers[:, :half].sum(axis=1) == 1).all()
    assert (markers[:, half:].sum(axis=1) == 1).all()
    np.testing.assert_array_equal(y[:, 0], (numbers * markers).sum(axis=1))


def test_every_position_can_be_marked():
    length = 10
    x, _ = adding_problem_data(2000, length, seed=0)
    positions = set(np.nonzero(x[..., 1])[1])
    assert positions == set(range(length))


def test_same_seed_same_data_other_seed_other_data():
    first, again, other = (adding_problem_data(50, 20, seed) for seed in (3, 3, 4))
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0][..., 0], other[0][..., 0])
    assert not np.array_equal(first[0][..., 1], other[0][..., 1])


def test_predicting_one_has_the_baseline_mse():
    _, y = adding_problem_data(100_000, 10, seed=0)
    assert BASELINE_MSE == pytest.approx(0.167, abs=5e-4)
    assert np.mean((y - 1.0) ** 2) == pytest.approx(BASELINE_MSE, abs=0.005)
    assert SOLVED_MSE == 0.01


@pytest.mark.parametrize("n, length", [(0, 10), (5, 1)])
def test_impossible_sizes_are_refused(n, length):
    with pytest.raises(LstmTutorialError):
        adding_problem_data(n, length, seed=0)
