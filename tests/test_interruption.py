"""A training process killed outright (SIGKILL, no clean-up) and started again finishes the run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lstm_utils import config

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).with_name("training_script.py")


def start(*arguments):
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SCRIPT.parent), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), *arguments], stdout=subprocess.PIPE, text=True, env=environment
    )


def test_a_killed_training_resumes_and_writes_a_complete_results_file():
    first = start("pause")
    try:
        assert first.stdout.readline().strip() == "first epoch saved"
    finally:
        first.kill()
        first.wait(timeout=60)
    assert not (config.results_dir() / "killed_training.json").exists()
    log = (config.checkpoints_dir() / "killed.csv").read_text().splitlines()
    assert len(log) == 2  # The header and the one finished epoch.

    second = start()
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0 and output.strip() == "finished"
    results = json.loads((config.results_dir() / "killed_training.json").read_text())
    assert results["run"]["epochs_run"] == 3 and len(results["run"]["history"]["val_loss"]) == 3
    assert (config.checkpoints_dir() / "killed.csv").read_text().splitlines()[1] == log[1]
