"""requirements.txt installs on Python 3.10 to 3.12, and the code uses nothing newer than 3.10.

Only Python 3.11 runs here, so the other versions are checked as far as they can be without
their interpreters: pip resolves requirements.txt to wheels built for each version (from the
package index, which CI reaches), and vermin reads every module for syntax and standard-library
use newer than 3.10.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lstm_utils import config

ROOT = config.REPOSITORY_ROOT
PACKAGES = ["tensorflow", "keras", "numpy", "sympy", "nbval"]


@pytest.mark.parametrize("python_version", ["3.10", "3.12"])
def test_requirements_resolve_to_wheels_for(python_version, tmp_path):
    report = tmp_path / "resolution.json"
    finished = subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
            "--only-binary=:all:", f"--python-version={python_version}", f"--target={tmp_path / 'target'}",
            f"--report={report}", "-r", str(ROOT / "requirements.txt"),
        ],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    resolved = {item["metadata"]["name"].lower() for item in json.loads(report.read_text())["install"]}
    assert set(PACKAGES) <= resolved


def test_the_code_needs_nothing_newer_than_python_3_10():
    folders = [str(ROOT / name) for name in ("lstm_utils", "benchmarks", "report", "tests")]
    finished = subprocess.run(
        # vermin installs a command, not a runnable module, beside the interpreter.
        [Path(sys.executable).with_name("vermin"), "--no-tips", "--eval-annotations", "--violations", "-t=3.10-", *folders],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert finished.returncode == 0, finished.stdout[-3000:]
