"""The cost-growth benchmark runs end to end on a tiny sweep and writes its fits and figure."""

import json
import os
import subprocess
import sys

from lstm_utils import config

SCRIPT = config.REPOSITORY_ROOT / "benchmarks" / "cost_growth.py"


def test_the_tiny_sweep_times_every_point_and_fits_both_growths():
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, config.SMOKE_ENV_VAR: "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((config.results_dir() / "cost_growth_cpu.json").read_text())
    assert (record["device"], record["mode"]) == ("cpu", "smoke")
    settings = record["config"]
    for kind in ("simple_rnn", "lstm"):
        by_length = record["seconds_per_epoch"]["length"][kind]
        by_units = record["seconds_per_epoch"]["units"][kind]
        assert len(by_length) == len(settings["lengths"]) and len(by_units) == len(settings["units"])
        assert min(by_length + by_units) > 0
        fit = record["fits"][kind]
        assert fit["length"]["r_squared"] <= 1 and fit["units"]["quadratic_share_at_largest"] <= 1
    assert (config.figures_dir() / "cost_growth_cpu.png").stat().st_size > 10_000
