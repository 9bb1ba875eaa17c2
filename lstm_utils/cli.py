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
# `derive` or `sentiment` answered every input it could but refused some.
EXIT_MALFORMED_INPUT = 3
# `sentiment` shows a progress bar for more texts than this.
PROGRESS_THRESHOLD = 300


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
    from pathlib import Path

    from .imdb.sentiment import SentimentModel, read_texts

    if bool(arguments.texts) == bool(arguments.file):
        print("error: give either texts on the command line or --file PATH", file=sys.stderr)
        return EXIT_USAGE
    labels = None
    if arguments.file:
        texts, labels = read_texts(Path(arguments.file))
        where = "row" if Path(arguments.file).suffix.lower() in (".tsv", ".csv") else "line"
    elif arguments.texts == ["-"]:
        data = sys.stdin.buffer.read()
        try:
            texts = [data.decode("utf-8")]
        except UnicodeDecodeError as error:
            raise LstmTutorialError(
                f"standard input is not UTF-8 text (byte {data[error.start]:#04x} at offset {error.start})"
            ) from None
        where = "text"
    else:
        texts, where = arguments.texts, "text"
    if arguments.out:
        from .derivatives.generator import check_writable

        check_writable(Path(arguments.out))
    with _native_stderr_silenced():
        model = SentimentModel(arguments.models_dir)
    probabilities, refusals = model.classify(texts, progress=len(texts) > PROGRESS_THRESHOLD)
    for number, reason in enumerate(refusals, start=1):
        if reason:
            print(f"{where} {number}: {reason}", file=sys.stderr)
    records = [
        None if p is None else {"text": t, "probability": p, "label": "positive" if p >= 0.5 else "negative"}
        for t, p in zip(texts, probabilities)
    ]
    if arguments.json:
        output = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    elif arguments.out:
        output = "".join("\n" if r is None else f"{r['label']} {r['probability']:.4f}\n" for r in records)
    else:
        output = "".join("\n" if r is None else f"{r['label']} {r['probability']:.2f} {r['text']}\n" for r in records)
    if arguments.out:
        from .files import atomic_write_bytes

        try:
            atomic_write_bytes(Path(arguments.out), output.encode())
        except OSError as error:
            raise LstmTutorialError(f"cannot write {arguments.out}: {error.strerror}") from None
    else:
        sys.stdout.write(output)
    if labels is not None:
        scored = [(r["label"] == "positive", label == 1) for r, label in zip(records, labels) if r and label is not None]
        if scored:
            accuracy = sum(predicted == actual for predicted, actual in scored) / len(scored)
            print(f"accuracy {accuracy:.4f} on {len(scored):,} labelled texts")
    return EXIT_MALFORMED_INPUT if any(refusals) else 0


def _notebooks(arguments) -> int:
    if arguments.smoke:
        os.environ["LSTM_TUTORIAL_SMOKE"] = "1"
    if arguments.fresh:
        os.environ["LSTM_TUTORIAL_FRESH"] = "1"
    from .notebooks import run_notebooks

    seconds = run_notebooks(arguments.names)
    for name, elapsed in seconds.items():
        print(f"{elapsed / 60:6.1f} min  {name}")
    return 0


def _reproduce(arguments) -> int:
    if arguments.smoke:
        os.environ["LSTM_TUTORIAL_SMOKE"] = "1"
    from .reproduce import reproduce

    seconds = reproduce()
    print()
    for step, elapsed in seconds.items():
        print(f"{elapsed / 60:6.1f} min  {step}")
    print(f"{sum(seconds.values()) / 60:6.1f} min  in all")
    return 0


def _render_notebooks(arguments) -> int:
    from pathlib import Path

    from .render import render_notebooks

    pages = render_notebooks(Path(arguments.executed) if arguments.executed else None)
    for page in pages:
        print(f"wrote {page}")
    return 0


def _generate_derivatives(arguments) -> int:
    import time
    from pathlib import Path

    from .derivatives.generator import (
        FAMILY_WEIGHTS,
        check_writable,
        family_shares,
        generate,
        split,
        split_paths,
        write_lines,
    )

    out = Path(arguments.out)
    targets = {"all": out, **(split_paths(out) if arguments.split else {})}
    for path in targets.values():
        check_writable(path)
    started = time.perf_counter()
    examples = generate(arguments.n, arguments.seed, arguments.processes)
    seconds = time.perf_counter() - started
    lines = [example.line for example in examples]
    parts = {"all": lines, **(split(lines, arguments.seed) if arguments.split else {})}
    for name, path in targets.items():
        write_lines(path, parts[name])
        print(f"{len(parts[name]):>9,} lines  {path}")
    print(f"{'family':<20} {'share':>6} {'target':>6}")
    for family, share in family_shares([example.family for example in examples]).items():
        print(f"{family:<20} {share:6.3f} {FAMILY_WEIGHTS[family]:6.3f}")
    print(f"generated and verified in {seconds:.1f} s ({len(lines) / seconds:,.0f} lines/s)")
    return 0


def _derive(arguments) -> int:
    from pathlib import Path

    from .derivatives.derive import derive, problem_from_function, problems_from_lines, score
    from .derivatives.generator import check_writable
    from .files import atomic_write_bytes

    if bool(arguments.functions) == bool(arguments.file):
        print("error: give either functions on the command line or --file PATH", file=sys.stderr)
        return EXIT_USAGE
    if arguments.file:
        try:
            problems = problems_from_lines(Path(arguments.file).read_text().splitlines())
        except (OSError, UnicodeDecodeError) as error:
            raise LstmTutorialError(f"cannot read {arguments.file}: {error}") from None
    else:
        problems = [problem_from_function(f, arguments.var, n) for n, f in enumerate(arguments.functions, 1)]
    for problem in problems:
        if problem.error:
            where = f"line {problem.number}" if arguments.file else f"function {problem.number}"
            print(f"{where}: {problem.error}", file=sys.stderr)

    if arguments.out:
        check_writable(Path(arguments.out))
    from .derivatives.seq2seq import load_seq2seq

    with _native_stderr_silenced():
        # Nothing to predict when every input is malformed: the model is not even loaded.
        decoder = load_seq2seq(arguments.models_dir) if any(p.line for p in problems) else None
        answers = derive(decoder, problems, arguments.beam, verify=not arguments.no_verify)
    if arguments.out:
        text = "".join(f"{a.prediction or ''}\n" for a in answers)
        try:
            atomic_write_bytes(Path(arguments.out), text.encode())
        except OSError as error:
            raise LstmTutorialError(f"cannot write {arguments.out}: {error.strerror}") from None
    else:
        for answer in answers:
            if answer.prediction is not None:
                line = answer.problem.line
                print(f"d({line.function})/d{line.variable}={answer.prediction}  [{answer.status}]")
    scores = score(answers)
    if scores:
        print(
            f"scored against their targets: {scores['examples']:,} of {len(answers):,} inputs; "
            f"exact match {scores['exact_match']:.4f}, SymPy-equivalent {scores['sympy_equivalence']:.4f}"
        )
    answered = [a for a in answers if a.prediction is not None]
    if answered and not arguments.no_verify:
        unconfirmed = sum(not a.confirmed for a in answered)
        print(f"confirmed by SymPy: {len(answered) - unconfirmed:,} of {len(answered):,}; unconfirmed: {unconfirmed:,}")
    return EXIT_MALFORMED_INPUT if any(p.error for p in problems) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lstm_utils", description="Command line of the lstm-tutorial helpers."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    sentiment = commands.add_parser(
        "sentiment",
        help="classify movie reviews as positive or negative with notebook 03's trained LSTM",
        description="Print `label probability text` for each text (or JSON with --json). "
        "The model comes from notebook 03 (models/imdb_lstm.keras). A text the model cannot "
        "judge (no words, no word it knows, over 100,000 characters) gets one line on standard "
        "error and an empty result in its place (null in JSON); the others are answered.",
        epilog="exit codes: 0 every text answered; 1 error (no model or a damaged one, "
        "unreadable file); 2 bad usage; 3 answered, but some texts were refused",
    )
    sentiment.add_argument("texts", nargs="*", help='review texts, or "-" to read one from standard input')
    sentiment.add_argument(
        "--file", default=None, metavar="PATH",
        help="one text per line; or a .tsv/.csv file whose header names a `text` column and "
        "optionally a 0/1 `label` column, when the accuracy is printed too",
    )
    sentiment.add_argument(
        "--out", default=None, metavar="PATH",
        help="write one result per input text, in order (`label probability`, an empty line for a "
        "refused text; the JSON list with --json)",
    )
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
    notebooks.add_argument(
        "--fresh", action="store_true",
        help="train every model from scratch (default: finish interrupted trainings, reuse finished ones)",
    )
    notebooks.set_defaults(handler=_notebooks)

    reproduce = commands.add_parser(
        "reproduce",
        help="run every notebook, every benchmark and the report build, in order",
        description="Run the notebooks (as `notebooks` does), then the scripts in benchmarks/, "
        "then fill report/report.md from results/ and typeset report/report.pdf, printing the "
        "time of each step. Full mode takes many hours on a CPU; --smoke runs every step on "
        "tiny settings and writes only under build/smoke/. Needs a clone of the repository and "
        "pip install -r requirements-report.txt.",
    )
    reproduce.add_argument("--smoke", action="store_true", help="tiny data and epochs, as in CI")
    reproduce.set_defaults(handler=_reproduce)

    render = commands.add_parser(
        "render-notebooks",
        help="write the notebooks' full-mode runs, outputs included, as Markdown pages under docs/notebooks/",
        description="Turn the executed copies of a full-mode run (build/executed/full/, left by `make "
        "notebooks`) into docs/notebooks/<name>.md with every cell's output, plots as PNG files beside "
        "them. A copy from a smoke run, or a missing one, is refused before anything is written.",
    )
    render.add_argument("--executed", default=None, metavar="DIR", help="folder of executed notebooks (default: build/executed/full)")
    render.set_defaults(handler=_render_notebooks)

    derivatives = commands.add_parser(
        "generate-derivatives",
        help="write a dataset of functions and their derivatives, each checked by SymPy",
        description="Write N distinct lines such as d(2sin^3(4y^2))/dy=48y*cos(4y^2)*sin^2(4y^2) "
        "to FILE, then print each family's share and the time taken. The same seed gives the "
        "same file on any machine. With --split, also write the train, validation and test "
        "splits (75:10:15, no function in two splits) beside FILE: data.txt gives "
        "data_train.txt, data_validation.txt and data_test.txt.",
    )
    derivatives.add_argument("--n", type=int, required=True, help="number of lines")
    derivatives.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    derivatives.add_argument("--out", required=True, metavar="FILE", help="file to write")
    derivatives.add_argument("--split", action="store_true", help="also write the three splits")
    derivatives.add_argument(
        "--processes", type=int, default=None, help="worker processes (default: every core)"
    )
    derivatives.set_defaults(handler=_generate_derivatives)

    derive = commands.add_parser(
        "derive",
        help="predict derivatives with the trained encoder-decoder, answering what SymPy confirms",
        description="Predict the derivative of each function with the model from notebook 06 "
        "(models/derivative_seq2seq.keras). By default a beam of 8 candidates is decoded and the "
        "first that SymPy confirms is the answer, marked `confirmed`; when none is, the greedy "
        "prediction is given, marked `unconfirmed (none of N candidates checks out)`. "
        "--no-verify decodes plainly (greedy, or the best of --beam) and says whether SymPy "
        "confirms that one. Give functions on "
        "the command line (with --var when a function has more than one variable), or --file "
        "with lines d(f)/dx or d(f)/dx=g; with targets g, exact-match and SymPy-equivalence "
        "accuracy are printed. Malformed inputs are reported on standard error with their line "
        "number and skipped.",
        epilog="exit codes: 0 every input answered; 1 error (no model, unreadable file); "
        "2 bad usage; 3 answered, but some inputs were malformed",
    )
    derive.add_argument("functions", nargs="*", help='functions such as "4cos^2(9x^3)"')
    derive.add_argument("--var", default=None, help="variable to differentiate by (default: the only one)")
    derive.add_argument("--file", default=None, metavar="PATH", help="read lines d(f)/dx or d(f)/dx=g")
    derive.add_argument(
        "--out", default=None, metavar="PATH",
        help="write one prediction per input line, in order (an empty line for a malformed input)",
    )
    derive.add_argument(
        "--beam", type=int, default=None,
        help="beam width (default 8 with verification; 1, greedy decoding, with --no-verify)",
    )
    derive.add_argument(
        "--no-verify", action="store_true",
        help="plain decoding: return the model's best text whether or not SymPy confirms it",
    )
    derive.add_argument("--models-dir", default=None, help="folder with derivative_seq2seq.keras (default: models/)")
    derive.set_defaults(handler=_derive)
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
