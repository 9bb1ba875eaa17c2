"""The training-speed benchmark runs end to end (smoke mode, tiny data) and writes the agreed schema."""

import json
import os
import subprocess
import sys

import pytest

from lstm_utils import config

# Read before the isolated environment of conftest.py hides it from the tests.
DATA = os.environ.get(config.DATA_ENV_VAR)
SCRIPT = config.REPOSITORY_ROOT / "benchmarks" / "training_speed.py"
pytestmark = pytest.mark.skipif(not DATA, reason=f"{config.DATA_ENV_VAR} is not set: the benchmark reads IMDB")


def run_benchmark(*arguments):
    environment = {**os.environ, config.DATA_ENV_VAR: DATA, config.SMOKE_ENV_VAR: "1"}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, env=environment, timeout=600, check=False
    )


def test_training_to_the_end_reports_speed_memory_and_accuracy():
    result = run_benchmark("--only", "published_c")
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((config.results_dir() / "benchmark_cpu.json").read_text())
    assert (record["device"], record["mode"]) == ("cpu", "smoke")
    (entry,) = record["configs"]
    assert entry["name"] == "published_c" and entry["epochs"] == 5 == len(entry["epoch_seconds"])
    assert entry["samples_per_second"] > 0 and entry["seconds_per_epoch"] > 0 and entry["peak_memory_mib"] > 100
    assert 0 <= entry["test_accuracy"] <= 1
    assert (config.figures_dir() / "benchmark_cpu.png").stat().st_size > 10_000


def test_quick_mode_times_without_training_to_the_end():
    result = run_benchmark("--quick", "--only", "published_a", "ours_imdb")
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((config.scratch_dir() / "benchmarks" / "benchmark_cpu_quick.json").read_text())
    assert record["mode"] == "quick"
    assert [entry["name"] for entry in record["configs"]] == ["published_a", "ours_imdb"]
    for entry in record["configs"]:
        assert entry["samples_per_second"] > 0 and entry["test_accuracy"] is None
