"""Same seed, same numbers: each notebook that trains gives identical metrics when run twice on CPU."""

import json
import os

import pytest

from lstm_utils import config
from lstm_utils.notebooks import run_notebooks

pytestmark = pytest.mark.slow

# Read before the isolated environment of conftest.py hides it from the tests.
DATA = os.environ.get(config.DATA_ENV_VAR)
TRAINING_NOTEBOOKS = {
    "02_simple_rnn_vs_lstm.ipynb": ["imdb_comparison"],
    "04_inside_the_lstm.ipynb": ["adding_problem", "gradient_flow"],
    "06_derivative_models.ipynb": ["derivative_models"],
}
# What differs between two runs of the same computation: the clock and the machine's description.
NOT_METRICS = {"created", "hardware", "packages"}


def without_timings(value):
    if isinstance(value, dict):
        return {
            key: without_timings(item)
            for key, item in value.items()
            if key not in NOT_METRICS and "seconds" not in key
        }
    if isinstance(value, list):
        return [without_timings(item) for item in value]
    return value


def run_in(folder, name, monkeypatch):
    monkeypatch.setenv(config.OUTPUT_ENV_VAR, str(folder))
    run_notebooks([name])
    return {
        experiment: without_timings(json.loads((folder / "results" / f"{experiment}.json").read_text()))
        for experiment in TRAINING_NOTEBOOKS[name]
    }


@pytest.mark.parametrize("name", sorted(TRAINING_NOTEBOOKS))
def test_two_smoke_runs_give_identical_metrics(name, tmp_path, monkeypatch):
    if name.startswith("02") and not DATA:
        pytest.skip(f"{config.DATA_ENV_VAR} is not set: notebook 02 needs the IMDB archive")
    monkeypatch.setenv(config.SMOKE_ENV_VAR, "1")
    if DATA:
        monkeypatch.setenv(config.DATA_ENV_VAR, DATA)
    first = run_in(tmp_path / "first", name, monkeypatch)
    second = run_in(tmp_path / "second", name, monkeypatch)
    assert first == second
