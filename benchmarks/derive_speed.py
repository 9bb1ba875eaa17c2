"""Time the `derive` command on test lines; writes results/derive_speed.json.

    python benchmarks/derive_speed.py [N] [--beam B] [--no-verify] [--models-dir DIR]

Writes N lines (default 2,000) of notebook 06's test split, targets included, to a temporary
file and times `python -m lstm_utils derive --file ... --out ...` end to end in a fresh process:
start-up, model loading, batched decoding and SymPy's check of the candidates, as the command
runs by default (a beam of 8, the first candidate SymPy confirms). The target is 2,000 lines in
under 2 minutes on the README's 2-core CPU. Records the exact match of the answers and the share
that no candidate confirmed.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lstm_utils import config
from lstm_utils.derivatives.dataset import load_dataset
from lstm_utils.derivatives.seq2seq import saved_seq2seq_mode
from lstm_utils.errors import LstmTutorialError
from lstm_utils.results import save_results

DATASET_SIZE, DATASET_SEED = 1_000_000, 42  # Notebook 06's dataset.
TARGET_LINES, TARGET_SECONDS = 2_000, 120


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=TARGET_LINES, help="test lines to derive")
    parser.add_argument("--beam", type=int, default=None, help="beam width (default: derive's own)")
    parser.add_argument("--no-verify", action="store_true", help="plain decoding, as derive --no-verify")
    parser.add_argument("--models-dir", default=None, help="folder with derivative_seq2seq.keras")
    arguments = parser.parse_args()
    # The timing is recorded under the mode of the model it measures, never a smoke model's as full.
    try:
        trained_in_mode = saved_seq2seq_mode(arguments.models_dir and Path(arguments.models_dir))
    except LstmTutorialError as error:
        sys.exit(str(error))
    if trained_in_mode != config.run_mode():
        smoke = int(trained_in_mode == "smoke")
        sys.exit(f"The model was trained in {trained_in_mode} mode: run with LSTM_TUTORIAL_SMOKE={smoke} to time it.")
    examples = load_dataset(DATASET_SIZE, DATASET_SEED)["test"][: arguments.n]
    lines = [example.line for example in examples]
    with tempfile.TemporaryDirectory() as folder:
        inputs, outputs = Path(folder) / "lines.txt", Path(folder) / "predictions.txt"
        inputs.write_text("\n".join(lines) + "\n")
        command = [sys.executable, "-m", "lstm_utils", "derive", "--file", str(inputs), "--out", str(outputs)]
        if arguments.beam is not None:
            command += ["--beam", str(arguments.beam)]
        if arguments.no_verify:
            command.append("--no-verify")
        if arguments.models_dir:
            command += ["--models-dir", arguments.models_dir]
        started = time.perf_counter()
        finished = subprocess.run(command, check=False, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if finished.returncode != 0:
            sys.exit(f"derive failed with exit code {finished.returncode}: {finished.stderr.strip()[-500:]}")
        predictions = outputs.read_text().splitlines()
    targets = [example.target for example in examples]
    exact = sum(p == t for p, t in zip(predictions, targets)) / len(lines)
    summary = finished.stdout.strip().splitlines()
    unconfirmed = next((line for line in summary if line.startswith("confirmed by SymPy:")), None)
    print("\n".join(summary[-2:]))
    print(f"{len(lines):,} lines in {seconds:.1f} s (exact match {exact:.4f})")
    path = save_results(
        "derive_speed",
        {
            "config": {
                "lines": len(lines), "beam_width": arguments.beam, "verify": not arguments.no_verify,
                "dataset": [DATASET_SIZE, DATASET_SEED],
            },
            "seconds": seconds,
            "lines_per_second": len(lines) / seconds,
            "exact_match": exact,
            "unconfirmed_share": _unconfirmed_share(unconfirmed, len(lines)),
            "target": {"lines": TARGET_LINES, "seconds": TARGET_SECONDS},
            "target_met": len(lines) >= TARGET_LINES and seconds < TARGET_SECONDS,
        },
    )
    print(f"written to {path}")


def _unconfirmed_share(line: str | None, lines: int) -> float | None:
    """From derive's `confirmed by SymPy: A of B; unconfirmed: C` line; None without verification."""
    if line is None:
        return None
    return int(line.rsplit(":", 1)[1].replace(",", "")) / lines


if __name__ == "__main__":
    main()
