"""Fill the report's template with numbers from results/*.json.

    python report/fill_report.py           # writes report/report.md from report/report.template.md
    python report/fill_report.py --check   # exit 1 if report/report.md is not what the results give
    python report/fill_report.py --results build/smoke/results --out build/smoke/report/report.md

With the committed results (the default `--results`), it also writes the results table that
opens README.md (`readme_summary.py`); other results, such as a smoke run's, leave the README alone.

A placeholder `{{experiment.key.key|format}}` is the value at that path in
`results/<experiment>.json`, written with the format specification after `|` (for example
`{{imdb_comparison.models.stacked_lstm.test.accuracy|.3f}}`). List items are addressed by
their index, and `derived.<name>` holds the few numbers computed from several values (ratios,
sums), defined in `derived_values`. Nothing in the report is typed by hand.

The qualitative claims of the text are asserted on full-mode results only: smoke runs (tiny
data, one epoch) fill the same template to test the build, and support no claims.
"""

import argparse
import json
import math
import re
import sys
from datetime import date
from pathlib import Path

from readme_summary import (
    RUNTIMES_END,
    RUNTIMES_START,
    docs_blocks,
    forecast_table,
    imdb_levers_table,
    language_model_table,
    runtime_table,
    summary_table,
    with_docs_blocks,
    with_summary,
)
from references import citations, entries

REPORT_DIR = Path(__file__).resolve().parent
RESULTS_DIR = REPORT_DIR.parent / "results"
TEMPLATE, REPORT = REPORT_DIR / "report.template.md", REPORT_DIR / "report.md"
README = REPORT_DIR.parent / "README.md"
DOCS = REPORT_DIR.parent / "docs"
class ClaimError(Exception):
    """A claim of the report's text that the results no longer show."""


def claim(holds: bool, what: str) -> None:
    """Check a claim of the text; unlike `assert`, also under `python -O`."""
    if not holds:
        raise ClaimError(what)


PLACEHOLDER = re.compile(r"\{\{\s*([\w.\-]+)\s*(?:\|\s*([^}]*?))?\s*\}\}")


# Committed records of earlier runs that no command of the repository writes again: other results
# folders, such as a smoke run's, take them from results/.
ARCHIVED_RUNS = ("imdb_comparison_random_split",)


def load_results(results_dir: Path = RESULTS_DIR) -> dict:
    """Every results file in `results_dir`, by experiment name, and the archived runs."""
    paths = {path.stem: path for path in sorted(RESULTS_DIR.glob("*.json")) if path.stem in ARCHIVED_RUNS}
    paths |= {path.stem: path for path in sorted(results_dir.glob("*.json"))}
    return {stem: json.loads(path.read_text()) for stem, path in sorted(paths.items())}


def derived_values(results: dict, template: str, check_claims: bool = True) -> dict:
    """Numbers (and tables) the report needs that no single results file holds.

    With `check_claims`, the report's qualitative claims are asserted: if a new run overturns
    one, filling fails instead of printing a sentence the numbers no longer support.
    """
    imdb = results["imdb_comparison"]["models"]
    rnn, lstm, baseline = imdb["simple_rnn"], imdb["stacked_lstm"], imdb["tfidf_logistic_regression"]
    if check_claims:
        claim(all(baseline["test"][k] > max(lstm["test"][k], rnn["test"][k]) for k in ("accuracy", "f1", "roc_auc")), "the bag of words beats both on every metric")
        claim(rnn["test"]["accuracy"] > lstm["test"]["accuracy"] and lstm["test"]["roc_auc"] > rnn["test"]["roc_auc"], "the SimpleRNN leads on accuracy, the LSTM on ROC-AUC")
        claim(abs(rnn["test"]["accuracy"] - lstm["test"]["accuracy"]) < 0.01, "the recurrent models are within a point")
    gaps = {
        f"{split}_gap_{name}_points": _validation_test_gap_points(results[stem]["models"][model])
        for split, stem in (("random_split", "imdb_comparison_random_split"), ("block_split", "imdb_comparison"))
        for name, model in (("lstm", "stacked_lstm"), ("simple_rnn", "simple_rnn"))
    }
    if check_claims:
        claim(min(gaps[f"random_split_gap_{n}_points"] for n in ("lstm", "simple_rnn")) > max(abs(gaps[f"block_split_gap_{n}_points"]) for n in ("lstm", "simple_rnn")), "the random split flatters validation more")
    flow = results["gradient_flow"]
    steps = flow["config"]["maxlen"] - 1
    adding = results["adding_problem"]
    cost = results["cost_growth_cpu"]
    return {
        "report_date": max(record["created"] for record in results.values())[:10],
        "cpu_count": results["imdb_comparison"]["hardware"]["cpu_count"],
        "processors": _processors(results),
        "imdb_reviews": f"{sum(results['imdb_comparison']['config'][k] for k in ('train_examples', 'test_examples')):,}",
        "simple_rnn_minus_lstm_points": 100 * (rnn["test"]["accuracy"] - lstm["test"]["accuracy"]),
        "baseline_minus_best_rnn_points": 100 * (baseline["test"]["accuracy"] - max(rnn["test"]["accuracy"], lstm["test"]["accuracy"])),
        **gaps,
        "imdb_lstm_seconds_per_epoch": _mean(lstm["epoch_seconds"]),
        "imdb_simple_rnn_seconds_per_epoch": _mean(rnn["epoch_seconds"]),
        "imdb_lstm_cost_ratio": _mean(lstm["epoch_seconds"]) / _mean(rnn["epoch_seconds"]),
        "simple_rnn_kept_per_step": flow["models"]["simple_rnn"]["last_to_first_ratio"] ** (-1 / steps),
        "lstm_kept_per_step": flow["models"]["lstm"]["last_to_first_ratio"] ** (-1 / steps),
        **_gradient_seeds(flow, check_claims),
        "forget_gate_mean_trained": _mean(flow["models"]["lstm"]["forget_gate_by_unit"]),
        "forget_gate_max_trained": max(flow["models"]["lstm"]["forget_gate_by_unit"]),
        **_adding_problem(adding, check_claims),
        **_derivatives(results["derivative_models"], check_claims),
        **_speed(results["benchmark_cpu"], check_claims),
        **_levers(results["imdb_levers_cpu"], check_claims),
        **_language_model(results["language_model"], check_claims),
        **_forecasting(results["time_series"], check_claims),
        **_beyond_baseline(results["imdb_beyond_baseline"], check_claims),
        **_recipes(results["derivative_recipe_cpu"], check_claims),
        "length_fit_r2_lstm": cost["fits"]["lstm"]["length"]["r_squared"],
        "length_fit_r2_simple_rnn": cost["fits"]["simple_rnn"]["length"]["r_squared"],
        "largest_units": max(cost["config"]["units"]),
        "units_quadratic_share_lstm": cost["fits"]["lstm"]["units"]["quadratic_share_at_largest"],
        "references": _references(template),
    }


# The runs the report discusses, and how its text names them.
RUNS = {
    "imdb_comparison": "notebook 02",
    "imdb_beyond_baseline": "notebook 03",
    "adding_problem": "notebook 04",
    "derivative_dataset": "notebook 05",
    "derivative_models": "notebook 06",
    "language_model": "notebook 07",
    "time_series": "notebook 08",
    "benchmark_cpu": "the speed benchmarks",
}


def processor_name(processor: str) -> str:
    """A results file's processor as the text names it: 'Intel(R) Xeon(R) Processor' is 'Intel Xeon'."""
    return re.sub(r"\(R\)|\(TM\)| Processor\b", "", processor).strip()


def _processors(results: dict) -> str:
    """Which processor each run had, for example 'an AMD EPYC for notebook 02 and the speed benchmarks'."""
    runs_by_processor: dict[str, list[str]] = {}
    for stem, run in RUNS.items():
        name = processor_name(results[stem]["hardware"]["processor"])
        runs_by_processor.setdefault(name, []).append(run)
    parts = []
    for name, runs in runs_by_processor.items():
        article = "an" if name[:1].upper() in "AEIOU" else "a"
        listed = runs[0] if len(runs) == 1 else ", ".join(runs[:-1]) + " and " + runs[-1]
        parts.append(f"{article} {name} for {listed}")
    return "; ".join(parts)


def _gradient_seeds(flow: dict, check_claims: bool) -> dict:
    """Notebook 04's gradient ratios seed by seed: how far they spread, and what holds for every seed."""
    by_seed = {kind: flow["models"][kind]["ratios_by_seed"] for kind in ("simple_rnn", "lstm")}

    def orders(kind: str) -> float:
        trained = [ratios["trained"] for ratios in by_seed[kind].values()]
        return math.log10(max(trained) / min(trained))

    if check_claims:
        rnn, lstm = by_seed["simple_rnn"], by_seed["lstm"]
        claim(max(r["at_init"] for r in rnn.values()) < min(r["at_init"] for r in lstm.values()), "at initialisation the SimpleRNN keeps more gradient, for every seed")
        claim(all(r["at_init"] / r["trained"] > 1e30 for r in lstm.values()), "training shrinks the LSTM's ratio by more than thirty orders of magnitude, for every seed")
        medians = [flow["models"][kind]["last_to_first_ratio"] for kind in by_seed]
        claim(abs(math.log10(medians[0] / medians[1])) < 1, "after training the two medians are of the same order")
        claim(orders("simple_rnn") > orders("lstm"), "the SimpleRNN's trained ratio depends on the seed more than the LSTM's")
    return {"gradient_seeds": len(by_seed["lstm"]), "simple_rnn_ratio_orders": orders("simple_rnn"), "lstm_ratio_orders": orders("lstm")}


def _adding_problem(adding: dict, check_claims: bool) -> dict:
    names = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
    runs = {(run["T"], run["model"]): run for run in adding["runs"]}
    lengths = sorted({length for length, _ in runs})
    rows = ["| sequence length T | " + " | ".join(names.values()) + " |", "| --- |" + " --- |" * len(names)]
    for length in lengths:
        cells = [
            f"**{runs[length, m]['test_mse']:.4f}**" if runs[length, m]["solved"] else f"{runs[length, m]['test_mse']:.4f}"
            for m in names
        ]
        rows.append(f"| {length} | " + " | ".join(cells) + " |")
    rows.append("")
    rows.append(f"Table: test MSE on the adding problem; bold marks a solved run (below {adding['threshold']}).")
    longest = lengths[-1]
    if check_claims:
        claim(not runs[longest, "lstm"]["solved"] and runs[longest, "gru"]["solved"], "at the longest T only the GRU solves")
        claim(all(runs[t, m]["solved"] for t in lengths[:-1] for m in ("lstm", "gru")), "gated cells solve the shorter T")
    simple_solved = [length for length in lengths if runs[length, "simple_rnn"]["solved"]]
    return {
        "adding_table": "\n".join(rows),
        "simple_rnn_longest_solved": max(simple_solved, default=0),
        "adding_lstm_ratio_second_longest": runs[lengths[-2], "lstm"]["last_to_first_ratio"],
        "adding_simple_rnn_ratio_second_longest": runs[lengths[-2], "simple_rnn"]["last_to_first_ratio"],
        "second_longest_length": lengths[-2],
        "longest_length": longest,
    }


# The goals the project set for the encoder-decoder on the new dataset (issue 28), which the text discusses.
EXACT_MATCH_GOAL = 0.97
CONFIRMED_GOAL = 0.99  # SymPy-confirmed beam decoding.
TRAINING_BUDGET_HOURS = 3  # The encoder-decoder's whole training, on the 2-core CPU.
# What the public project reported for its tagger on its own data, which is not available to rerun.
PUBLISHED_TAGGER = {"exact_match": 0.84, "character_accuracy": 0.97}
# Families whose derivative follows the function term by term.
SUM_FAMILIES = ("power_sum", "exp_sum", "mixed_sum")
NAN = float("nan")


def _derivatives(derivatives: dict, check_claims: bool) -> dict:
    """Notebook 06's encoder-decoder: greedy on every test function, beam and SymPy-confirmed beam on a sample."""
    greedy = derivatives["test"]["encoder-decoder, greedy"]
    width = derivatives["beam_width"]
    decodings = derivatives["test_sample"]["decodings"]
    sample_greedy, beam, confirmed = decodings["greedy"], decodings[f"beam {width}"], decodings[f"beam {width}, SymPy-confirmed"]
    seq2seq = derivatives["models"]["seq2seq"]
    most_errors = _most_errors_family(greedy)
    training_sample = derivatives["training_sample_exact_match_by_family"]
    hours = seq2seq["training_seconds"] / 3600
    if check_claims:
        claim(abs(greedy["sympy_equivalence"] - greedy["exact_match"]) < 0.001, "SymPy equivalence adds nothing to greedy decoding")
        claim(confirmed["exact_match"] >= beam["exact_match"] >= sample_greedy["exact_match"], "each decoding adds to the one before")
    return {
        **_tagger(derivatives, check_claims),
        "greedy": greedy,
        "beam": beam,
        "confirmed": confirmed,
        "sample_greedy": sample_greedy,
        "exact_match_goal": EXACT_MATCH_GOAL,
        "confirmed_goal": CONFIRMED_GOAL,
        "training_budget_hours": TRAINING_BUDGET_HOURS,
        "greedy_goal_verdict": "meets" if greedy["exact_match"] >= EXACT_MATCH_GOAL else "falls short of",
        "confirmed_goal_verdict": "meets" if confirmed["exact_match"] >= CONFIRMED_GOAL else "falls short of",
        "budget_verdict": "within" if hours <= TRAINING_BUDGET_HOURS else "over",
        "seq2seq_hours": hours,
        "seq2seq_fastest_epoch_seconds": min(seq2seq["epoch_seconds"]),
        "beam_gain_points": 100 * (beam["exact_match"] - sample_greedy["exact_match"]),
        "confirmation_gain_points": 100 * (confirmed["exact_match"] - beam["exact_match"]),
        "most_errors_family_name": most_errors.replace("_", " "),
        "most_errors_family_accuracy": greedy["exact_match_by_family"][most_errors]["accuracy"],
        "most_errors_family_training_accuracy": training_sample[most_errors]["accuracy"],
        "most_errors_family_training_examples": training_sample[most_errors]["examples"],
        "most_errors_family_error_share": _error_share(greedy, most_errors),
        "training_sample_size": sum(entry["examples"] for entry in training_sample.values()),
        "greedy_exact_match_percent": 100 * greedy["exact_match"],
    }


def _most_errors_family(scores: dict) -> str:
    errors = _errors_by_family(scores)
    return max(errors, key=errors.get)


def _errors_by_family(scores: dict) -> dict[str, float]:
    """How many test derivatives are wrong in each family."""
    return {name: (1 - entry["accuracy"]) * entry["examples"] for name, entry in scores["exact_match_by_family"].items()}


def _error_share(scores: dict, family: str) -> float:
    """The share of all wrong test derivatives that are in `family`."""
    errors = _errors_by_family(scores)
    return errors[family] / (sum(errors.values()) or 1)


def _tagger(derivatives: dict, check_claims: bool) -> dict:
    test = derivatives["test"]
    tagger, greedy = test["tagger"], test["encoder-decoder, greedy"]
    by_family = tagger["exact_match_by_family"]
    sums = [entry["accuracy"] for family, entry in by_family.items() if family in SUM_FAMILIES]
    others = [entry["accuracy"] for family, entry in by_family.items() if family not in SUM_FAMILIES]
    number_errors = sum(
        kinds.get("a number", 0.0) * by_family[family]["examples"]
        for family, kinds in tagger["error_kinds_by_family"].items()
    )
    errors = sum(_errors_by_family(tagger).values())
    model = derivatives["models"]["tagger"]
    values = {
        "tagger": tagger,
        "published_tagger": PUBLISHED_TAGGER,
        "tagger_sums_lowest": min(sums, default=NAN),
        "tagger_others_highest": max(others, default=NAN),
        "tagger_number_error_share": number_errors / (errors or 1),
        "tagger_hours": model["training_seconds"] / 3600,
        "tagger_exact_match_percent": 100 * tagger["exact_match"],
    }
    if check_claims:
        claim(greedy["exact_match"] - tagger["exact_match"] > 0.1, "its whole derivatives are far worse")
        tagger_pass = model["training_seconds"] / model["epochs_run"]
        claim(tagger_pass > 2 * min(derivatives["models"]["seq2seq"]["epoch_seconds"]), "each of its passes takes several times as long")
    return values


def _speed(benchmark: dict, check_claims: bool) -> dict:
    configs = {entry["name"]: entry for entry in benchmark["configs"]}
    rows = [
        "| configuration | seconds per epoch | samples per second | test accuracy |",
        "| --- | --- | --- | --- |",
    ]
    for name, entry in configs.items():
        accuracy = "-" if entry.get("test_accuracy") is None else f"{entry['test_accuracy']:.4f}"
        rows.append(
            f"| `{name}` | {entry['seconds_per_epoch']:,.0f} | {entry['samples_per_second']:,.0f} | {accuracy} |"
        )
    rows.append("")
    rows.append(f"Table: training speed on the {benchmark['device'].upper()}, every configuration on the same machine.")
    accuracy = {name: entry.get("test_accuracy") for name, entry in configs.items()}
    if check_claims:
        claim(accuracy["ours_imdb_maxlen_200"] >= accuracy["ours_imdb"] - 0.01, "200 tokens cost under a point")
    return {
        "benchmark_table": "\n".join(rows),
        "maxlen_200_accuracy": accuracy["ours_imdb_maxlen_200"],
        "maxlen_500_accuracy": accuracy["ours_imdb"],
        "published_a_accuracy": accuracy["published_a"],
        "speedup_over_a": configs["published_a"]["seconds_per_epoch"] / configs["ours_imdb"]["seconds_per_epoch"],
        "speedup_over_a_maxlen_200": (
            configs["published_a"]["seconds_per_epoch"] / configs["ours_imdb_maxlen_200"]["seconds_per_epoch"]
        ),
    }


def _levers(levers: dict, check_claims: bool) -> dict:
    variants = levers["variants"]
    caption = (
        f"Table: seconds per IMDB epoch of notebook 02's stacked LSTM on the {levers['device'].upper()}, "
        "one setting changed at a time, then combined; timed steps, no evaluation."
    )
    table = imdb_levers_table({"imdb_levers_cpu": levers})
    reference = variants["bucketed_500_batch_128"]["seconds_per_epoch"]
    # A smoke run times two variants only, and supports no claims.
    xla_slowdown = variants.get("bucketed_500_batch_128_xla", {}).get("seconds_per_epoch", float("nan")) / reference
    if check_claims:
        claim(xla_slowdown > 2, "XLA makes an epoch several times slower")
    return {"levers_table": f"{table}\n\n{caption}", "xla_slowdown": xla_slowdown}


def _language_model(record: dict, check_claims: bool) -> dict:
    models = record["models"]
    perplexity = {name: model["test_perplexity"] for name, model in models.items()}
    curves = {name: models[name]["history"]["val_perplexity"] for name in ("simple_rnn", "lstm")}
    drops = {name: 100 * (1 - curve[-1] / curve[-2]) for name, curve in curves.items()}
    if check_claims:
        claim(perplexity["simple_rnn"] < perplexity["lstm"] < perplexity["ngram"], "the SimpleRNN is best, the LSTM second, both ahead of the trigram")
        claim(curves["lstm"][0] > curves["simple_rnn"][0], "the LSTM starts slower")
        claim(drops["lstm"] > drops["simple_rnn"] > 0, "the LSTM was still improving faster")
        claim(all(models[name]["best_epoch"] == models[name]["epochs_run"] for name in curves), "none had converged")
        claim(all(record["sentence_log_probabilities"]["prefers_grammatical"].values()), "every model prefers each sentence to its shuffle")
    return {
        "language_model_table": language_model_table({"language_model": record}),
        "language_model_minutes": record["notebook_seconds"] / 60,
        "lstm_below_ngram_percent": 100 * (1 - perplexity["lstm"] / perplexity["ngram"]),
        "simple_rnn_below_lstm_percent": 100 * (1 - perplexity["simple_rnn"] / perplexity["lstm"]),
        "lstm_first_epoch_perplexity": curves["lstm"][0],
        "simple_rnn_first_epoch_perplexity": curves["simple_rnn"][0],
        "lstm_last_epoch_drop_percent": drops["lstm"],
        "simple_rnn_last_epoch_drop_percent": drops["simple_rnn"],
        "language_model_training_millions": record["words"]["train"] / 1e6,
        "sentences_compared": len(record["sentence_log_probabilities"]["sentences"]),
    }


# The test accuracy issue 29 set as the goal for notebook 03's LSTM, which the text discusses.
IMDB_ACCURACY_GOAL = 0.91


def _beyond_baseline(record: dict, check_claims: bool) -> dict:
    """Claims of docs/results.md about notebook 03's steps and test scores."""
    accuracy = [step["validation_accuracy"] for step in record["steps"]]
    test = {part: record[part]["test"]["accuracy"] for part in ("final", "baseline", "combined")}
    if check_claims:
        claim(accuracy[1] <= accuracy[0] and accuracy[2] <= accuracy[0], "bidirectional reading and pooling did not raise validation accuracy")
        claim(all(record["steps"][i]["seconds_per_epoch"] < record["steps"][0]["seconds_per_epoch"] for i in (1, 2)), "both cost less per epoch than the stacked LSTM")
        claim(record["steps"][3]["best_epoch"] <= 2, "the larger vocabulary overfit within a few epochs")
        gains = sorted(range(1, len(accuracy)), key=lambda i: accuracy[i] - accuracy[i - 1])[-2:]
        claim(sorted(gains) == [4, 5], "word2vec and the constant learning rate gave the two largest gains")
        claim(test["final"] < test["baseline"] and test["final"] < IMDB_ACCURACY_GOAL, "the LSTM alone misses the goal")
        claim(test["combined"] >= IMDB_ACCURACY_GOAL and test["combined"] > test["baseline"], "the average passes both")
    return {
        "imdb_accuracy_goal": IMDB_ACCURACY_GOAL,
        "beyond_baseline_combined_minus_baseline_points": 100 * (test["combined"] - test["baseline"]),
    }


def _recipes(record: dict, check_claims: bool) -> dict:
    """Claims of docs/results.md about the training recipes measured for the new derivative dataset."""
    score = {name: variant["validation_exact_match"] for name, variant in record["variants"].items()}
    if check_claims:
        claim(max(score, key=score.get) == "fresh_256", "fresh lines at batch 256 score best")
        claim(score["fresh_256"] - score["fresh_512"] < 0.01, "batches of 512 cost under a point")
        claim(min(score, key=score.get) == "fresh_512_warmup_cosine", "the cosine decay over one pass scores worst")
    return {}


def _forecasting(record: dict, check_claims: bool) -> dict:
    mae = {name: model["test_mae"] for name, model in record["models"].items()}
    validation = {name: errors["13"] for name, errors in record["validation_mae"].items()}
    splits = record["series"]["splits"]
    if check_claims:
        claim(record["classical"]["model"] == "structural", "the structural model is the classical model chosen")
        for h in map(str, record["horizons"]):
            claim(mae["classical"][h] < mae["lstm"][h], "the classical model wins at every horizon")
            claim(mae["lstm"][h] < min(mae["naive"][h], mae["seasonal_naive"][h]), "the LSTM is ahead of both naive forecasts")
        claim(validation["holt_winters"] > validation["lstm"] > validation["structural"], "the LSTM beats Holt-Winters a quarter ahead on validation")
    return {
        "forecast_table": forecast_table({"time_series": record}),
        "forecasting_minutes": record["notebook_seconds"] / 60,
        "forecast_training_years": round(_years_between(splits["train"]["first"], splits["validation"]["first"])),
    }


def _references(template: str) -> str:
    """The entries of REFERENCES.md that the report cites, as its reference list."""
    cited = citations(template)
    return "\n".join(entry + "\n" for key, entry in entries().items() if key in cited)


def _validation_test_gap_points(model: dict) -> float:
    """Validation accuracy at the epoch kept, less test accuracy, in points."""
    return 100 * (model["history"]["val_accuracy"][model["best_epoch"] - 1] - model["test"]["accuracy"])


def _years_between(first: str, last: str) -> float:
    """Years from one ISO date to another."""
    return (date.fromisoformat(last) - date.fromisoformat(first)).days / 365.25


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def lookup(values: dict, path: str):
    value = values
    for key in path.split("."):
        if isinstance(value, list):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            raise KeyError(f"{{{{{path}}}}} (no {key!r})")
    return value


def render(template: str, results: dict) -> str:
    values = dict(results)
    if "{{derived." in template.replace("{{ ", "{{"):
        modes = {record.get("mode") for record in results.values()}
        values["derived"] = derived_values(results, template, check_claims=modes == {"full"})

    def fill(match: re.Match) -> str:
        value = lookup(values, match.group(1))
        return format(value, match.group(2) or "")

    return PLACEHOLDER.sub(fill, template)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare the report with the results")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="folder of results JSON (default: results/)")
    parser.add_argument("--out", type=Path, default=REPORT, help="report to write (default: report/report.md)")
    arguments = parser.parse_args()
    try:
        results = load_results(arguments.results)
        outputs = {arguments.out: render(TEMPLATE.read_text(), results)}
        if arguments.results.resolve() == RESULTS_DIR:
            readme = with_summary(README.read_text(), summary_table(results))
            outputs[README] = with_summary(readme, runtime_table(results), RUNTIMES_START, RUNTIMES_END)
            for page in docs_blocks():
                path = DOCS / page
                outputs[path] = with_docs_blocks(page, path.read_text(), results)
    except KeyError as error:
        print(f"error: no result for {error.args[0]} in {arguments.results}", file=sys.stderr)
        return 2
    except ClaimError as error:
        print(f"error: the report claims that {error}, and the results no longer show it", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if arguments.check:
        stale = [path for path, text in outputs.items() if not path.is_file() or path.read_text() != text]
        for path in stale:
            print(f"{path} is stale: run python report/fill_report.py", file=sys.stderr)
        if not stale:
            print(f"{', '.join(map(str, outputs))} match the results")
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path} ({len(text.split()):,} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
