"""The training-speed benchmark runs end to end (smoke mode, tiny data) and writes the agreed schema."""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from lstm_utils import config
from lstm_utils.results import hardware_info

# Read before the isolated environment of conftest.py hides it from the tests.
DATA = os.environ.get(config.DATA_ENV_VAR)
SCRIPT = config.REPOSITORY_ROOT / "benchmarks" / "training_speed.py"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA, reason=f"{config.DATA_ENV_VAR} is not set: the benchmark reads IMDB"),
]


def run_benchmark(*arguments, script=SCRIPT):
    environment = {**os.environ, config.DATA_ENV_VAR: DATA, config.SMOKE_ENV_VAR: "1"}
    return subprocess.run(
        [sys.executable, str(script), *arguments], capture_output=True, text=True, env=environment, timeout=600, check=False
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

    # Started again, as after an interruption, it reuses the finished configuration.
    again = run_benchmark("--only", "published_c")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "published_c: finished on this processor" in again.stdout
    assert json.loads((config.results_dir() / "benchmark_cpu.json").read_text())["configs"] == [entry]


def test_a_finished_configuration_is_reused_only_on_the_same_processor_and_settings(tmp_path):
    specification = importlib.util.spec_from_file_location("training_speed", SCRIPT)
    benchmark = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(benchmark)
    entry = {
        "name": "published_c",
        "settings": benchmark.PUBLISHED["published_c"],
        "hardware": hardware_info(),
        "measured_at": "2026-11-23T20:00:00+00:00",
    }

    def reused(changes):
        (tmp_path / "published_c.json").write_text(json.dumps({**entry, **changes}))
        return benchmark._finished_entry(tmp_path, "published_c")

    assert reused({}) == entry
    assert benchmark._finished_entry(tmp_path, "published_a") is None
    assert reused({"hardware": {**entry["hardware"], "processor": "another processor"}}) is None
    assert reused({"settings": {**entry["settings"], "batch_size": 64}}) is None


def test_quick_mode_times_without_training_to_the_end():
    result = run_benchmark("--quick", "--only", "published_a", "ours_imdb", "ours_imdb_maxlen_200")
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((config.scratch_dir() / "benchmarks" / "benchmark_cpu_quick.json").read_text())
    assert record["mode"] == "quick"
    assert [entry["name"] for entry in record["configs"]] == ["published_a", "ours_imdb", "ours_imdb_maxlen_200"]
    for entry in record["configs"]:
        assert entry["samples_per_second"] > 0 and entry["test_accuracy"] is None


def test_the_levers_benchmark_times_each_variant_against_the_padded_reference():
    result = run_benchmark(script=config.REPOSITORY_ROOT / "benchmarks" / "imdb_levers.py")
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((config.results_dir() / "imdb_levers_cpu.json").read_text())
    assert (record["device"], record["mode"]) == ("cpu", "smoke")
    reference, notebook = record["variants"]["padded_500_pre_no_mask_batch_64"], record["variants"]["bucketed_500_batch_128"]
    assert reference["speedup_over_padded_500"] == 1 and reference["mean_batch_width"] == 500
    assert notebook["settings"]["mask"] and notebook["mean_batch_width"] <= 500
    assert notebook["seconds_per_epoch"] > 0 and notebook["steps_timed"] >= 2



def test_the_derivative_levers_benchmark_times_unrolling_against_the_notebook_feeding():
    result = run_benchmark(script=config.REPOSITORY_ROOT / "benchmarks" / "derivative_levers.py")
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((config.results_dir() / "derivative_levers_cpu.json").read_text())
    assert (record["device"], record["mode"]) == ("cpu", "smoke")
    notebook, unrolled = record["variants"]["bucketed_batch_256"], record["variants"]["padded_to_longest_batch_256_unroll"]
    assert notebook["speedup_over_notebook"] == 1 and unrolled["settings"]["unroll"]
    # Padded to the longest line, every timed batch is as wide as the widest bucketed one or wider.
    assert unrolled["mean_batch_width"] > notebook["mean_batch_width"]
    assert unrolled["seconds_per_epoch"] > 0 and unrolled["steps_timed"] >= 2


def test_the_derivative_recipe_benchmark_trains_every_variant_and_scores_it_on_validation():
    script = config.REPOSITORY_ROOT / "benchmarks" / "derivative_recipe.py"
    result = run_benchmark(script=script)
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((config.results_dir() / "derivative_recipe_cpu.json").read_text())
    assert record["mode"] == "smoke"
    variants = record["variants"]
    assert list(variants) == ["repeated_256", "fresh_256", "fresh_512", "fresh_512_warmup_cosine", "fresh_512_weak_kinds"]
    lines = record["config"]["lines_per_variant"]
    for name, variant in variants.items():
        # As many lines each (the repeated eighth, repeated 8 times, may fall a few short).
        assert lines - record["config"]["repeats"] < variant["lines"] <= lines
        assert 0 <= variant["validation_exact_match"] <= 1
        families = variant["validation_exact_match_by_family"]
        assert sum(f["examples"] for f in families.values()) == variant["validation_examples"]
        assert "test" not in json.dumps(variant)  # Recipes are compared on validation only.
    # The repeated variant sees an eighth of the lines 8 times; the fresh ones nearly all once.
    assert variants["repeated_256"]["distinct_lines"] == variants["repeated_256"]["lines"] // record["config"]["repeats"]
    assert variants["fresh_256"]["distinct_lines"] > 0.99 * lines
    # The weak kinds come from the committed model's errors on validation functions, a fifth in all.
    extra = variants["fresh_512_weak_kinds"]["extra_shares"]
    assert extra and sum(extra.values()) == pytest.approx(0.2) and not variants["fresh_512"]["extra_shares"]
