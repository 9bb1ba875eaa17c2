"""The cost-growth benchmark runs end to end on a tiny sweep and writes its fits and figure."""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from lstm_utils import config

SCRIPT = config.REPOSITORY_ROOT / "benchmarks" / "cost_growth.py"


@pytest.mark.slow
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


def test_the_quadratic_fit_keeps_every_cost_term_non_negative():
    specification = importlib.util.spec_from_file_location("cost_growth", SCRIPT)
    cost_growth = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(cost_growth)
    units = [32, 64, 128, 256]
    exact = cost_growth.quadratic_fit(units, [2 + 0.5 * h + 0.01 * h**2 for h in units])
    assert [exact[k] for k in ("constant", "linear", "quadratic")] == pytest.approx([2, 0.5, 0.01])
    # Noisy timings that fall, then rise: unconstrained, the linear term would come out negative.
    noisy = cost_growth.quadratic_fit(units, [3.0, 1.0, 1.5, 9.0])
    assert min(noisy["constant"], noisy["linear"], noisy["quadratic"]) >= 0
    assert 0 <= noisy["quadratic_share_at_largest"] <= 1
