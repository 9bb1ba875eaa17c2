"""Command line: `python -m lstm_utils <command> ...`.

Every command answers bad input with one line on standard error and a non-zero exit code.
"""

import argparse
import contextlib
import json
import os
import sys

from .errors import LstmTutorialError

EXIT_USAGE = 2
EXIT_ERROR = 1


@contextlib.contextmanager
def _native_stderr_silenced():
    """Hide what TensorFlow's C++ runtime prints to file descriptor 2 while it starts up.

    Its start-up log lines cannot all be switched off by environment variables, and a command
    line should print its answer, not a page of runtime chatter.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _sentiment(arguments) -> int:
    texts = arguments.texts
    if texts == ["-"]:
        texts = [sys.stdin.read()]
    from .sentiment import SentimentModel

    with _native_stderr_silenced():
        model = SentimentModel(arguments.models_dir)
        probabilities = model.predict(texts)
    labels = ["positive" if p >= 0.5 else "negative" for p in probabilities]
    if arguments.json:
        records = [
            {"text": t, "probability": p, "label": label}
            for t, p, label in zip(texts, probabilities, labels)
        ]
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for text, probability, label in zip(texts, probabilities, labels):
            print(f"{label} {probability:.2f} {text}")
    return 0


def _notebooks(arguments) -> int:
    if arguments.smoke:
        os.environ["LSTM_TUTORIAL_SMOKE"] = "1"
    from .notebooks import run_notebooks

    seconds = run_notebooks(arguments.names)
    for name, elapsed in seconds.items():
        print(f"{elapsed / 60:6.1f} min  {name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lstm_utils", description="Command line of the lstm-tutorial helpers."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    sentiment = commands.add_parser(
        "sentiment",
        help="classify movie reviews as positive or negative with the trained IMDB LSTM",
        description="Print `label probability text` for each text (or JSON with --json). "
        "The model comes from notebook 02 (models/imdb_lstm.keras).",
    )
    sentiment.add_argument("texts", nargs="+", help='review texts, or "-" to read one from standard input')
    sentiment.add_argument("--json", action="store_true", help="print a JSON list instead of lines")
    sentiment.add_argument(
        "--models-dir", default=None, help="folder with imdb_lstm.keras (default: models/)"
    )
    sentiment.set_defaults(handler=_sentiment)

    notebooks = commands.add_parser(
        "notebooks",
        help="run the notebooks headless, in order (the main job)",
        description="Execute notebooks/*.ipynb in order in fresh kernels, write executed copies to "
        "build/executed/<mode>/ and print the time each took. Full mode trains the real models "
        "and writes results/, figures/ and models/.",
    )
    notebooks.add_argument("names", nargs="*", help="notebook file names (default: all)")
    notebooks.add_argument("--smoke", action="store_true", help="tiny data and epochs, as in CI")
    notebooks.set_defaults(handler=_notebooks)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        return arguments.handler(arguments)
    except LstmTutorialError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
