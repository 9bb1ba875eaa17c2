"""The README's tables of numbers, written by `fill_report.py` from the committed results.

Each table sits between two HTML comments in README.md; everything outside them is left as it is.
"""

import math

START = "<!-- results summary: written by python report/fill_report.py from results/*.json; do not edit -->"
END = "<!-- end of results summary -->"
RUNTIMES_START = "<!-- notebook run times: written by python report/fill_report.py from results/*.json; do not edit -->"
RUNTIMES_END = "<!-- end of notebook run times -->"


def markers(name: str) -> tuple[str, str]:
    """The two HTML comments around a generated table called `name`."""
    return f"<!-- {name}: written by python report/fill_report.py from results/*.json; do not edit -->", f"<!-- end of {name} -->"


def docs_blocks() -> dict[str, dict]:
    """For each page under docs/, its generated tables: name -> function of the results."""
    return {
        "results.md": {
            "imdb models": imdb_table,
            "imdb steps": imdb_steps_table,
            "imdb beyond baseline": imdb_beyond_baseline_table,
            "adding problem": adding_problem_table,
            "gradient ratios": gradient_ratio_table,
            "derivative models": derivative_models_table,
            "derivative decodings": derivative_decodings_table,
            "derivative recipes": recipe_table,
            "language models": language_model_table,
            "forecasts": forecast_table,
        },
        "speed.md": {
            "run times": run_times_table,
            "benchmark": benchmark_table,
            "imdb levers": imdb_levers_table,
            "derivative levers": derivative_levers_table,
        },
    }


def with_docs_blocks(page: str, text: str, results: dict) -> str:
    for name, table in docs_blocks()[page].items():
        text = with_summary(text, table(results), *markers(name))
    return text


def summary_table(results: dict) -> str:
    """One row per headline result, with the notebook or script that measured it and its results file."""
    imdb = results["imdb_comparison"]["models"]
    derivatives = results["derivative_models"]
    test = derivatives["test"]
    confirmed_name, confirmed = confirmed_decoding(derivatives)
    speed = {entry["name"]: entry for entry in results["benchmark_cpu"]["configs"]}
    ours, published = speed["ours_imdb_maxlen_200"], speed["published_a"]
    adding = results["adding_problem"]["runs"]
    tried = sorted({run["T"] for run in adding})
    solved = [_longest_solved(adding, model) for model in ("simple_rnn", "lstm", "gru")]
    speed_result = (
        f"{ours['seconds_per_epoch']:.0f} s against {published['seconds_per_epoch']:.0f} s per epoch "
        f"({published['seconds_per_epoch'] / ours['seconds_per_epoch']:.2f}x faster), "
        f"test accuracy {ours['test_accuracy']:.4f} against {published['test_accuracy']:.4f}"
    )
    adding_result = f"longest sequence solved (T from {tried[0]} to {tried[-1]}): " + " / ".join(solved)
    notebook_02 = "[02](notebooks/02_simple_rnn_vs_lstm.ipynb)"
    derivative_notebook = "[06](notebooks/06_derivative_models.ipynb)"
    rows = [
        ("IMDB sentiment", notebook_02, "TF-IDF + logistic regression (baseline)",
         f"test accuracy {imdb['tfidf_logistic_regression']['test']['accuracy']:.4f}", "imdb_comparison"),
        ("IMDB sentiment", notebook_02, "SimpleRNN (128)",
         f"test accuracy {imdb['simple_rnn']['test']['accuracy']:.4f}", "imdb_comparison"),
        ("IMDB sentiment", notebook_02, "Stacked LSTM (2 x 128, dropout 0.3)",
         f"test accuracy {imdb['stacked_lstm']['test']['accuracy']:.4f}", "imdb_comparison"),
        *_beyond_baseline_rows(results["imdb_beyond_baseline"]),
        ("Adding problem", "[04](notebooks/04_inside_the_lstm.ipynb)", "SimpleRNN / LSTM / GRU", adding_result,
         "adding_problem"),
        ("Symbolic derivatives", derivative_notebook, "Tagger (published baseline, replicated, one pass)",
         f"exact match {test['tagger']['exact_match']:.4f}", "derivative_models"),
        ("Symbolic derivatives", derivative_notebook, "Encoder-decoder, greedy",
         f"exact match {test['encoder-decoder, greedy']['exact_match']:.4f}", "derivative_models"),
        ("Symbolic derivatives", derivative_notebook, f"Encoder-decoder, {confirmed_name} ({derivatives['test_sample']['lines']:,} test functions)",
         f"exact match {confirmed['exact_match']:.4f}, none confirmed for {confirmed['not_confirmed']:.2%}", "derivative_models"),
        *_language_model_rows(results["language_model"]),
        *_forecasting_rows(results["time_series"]),
        _recipe_row(results["derivative_recipe_cpu"]),
        ("Training speed (CPU)", "[benchmark](benchmarks/training_speed.py)",
         "notebook 02's LSTM at maxlen 200, against published configuration (a)", speed_result, "benchmark_cpu"),
    ]
    lines = ["| experiment | notebook | model | result | results file |", "| --- | --- | --- | --- | --- |"]
    lines += [
        f"| {experiment} | {notebook} | {model} | {result} | [`{source}.json`](results/{source}.json) |"
        for experiment, notebook, model, result, source in rows
    ]
    return "\n".join(lines)


def beyond_baseline_labels(record: dict) -> dict[str, str]:
    """The three test rows of notebook 03's results `record`, by how the tables name them."""
    return {
        "baseline": "TF-IDF + logistic regression, fitted again (baseline)",
        "final": f"LSTM chosen on validation (step {_step_number(record)}: {record['final']['name']})",
        "combined": f"LSTM and bag of words averaged (LSTM weight {record['combined']['lstm_weight']:.1f}, chosen on validation)",
    }


def _step_number(record: dict) -> int:
    return [step["name"] for step in record["steps"]].index(record["final"]["name"])


def _beyond_baseline_rows(record: dict) -> list[tuple]:
    notebook = "[03](notebooks/03_beating_the_baseline.ipynb)"
    return [
        ("IMDB sentiment", notebook, label, f"test accuracy {record[part]['test']['accuracy']:.4f}", "imdb_beyond_baseline")
        for part, label in beyond_baseline_labels(record).items()
    ]


def imdb_steps_table(results: dict) -> str:
    """Notebook 03's steps on the validation split, the baseline's validation accuracy last."""
    record = results["imdb_beyond_baseline"]
    rows = [
        "| step | validation accuracy | seconds per epoch | epochs trained | parameters |",
        "| --- | --- | --- | --- | --- |",
    ]
    for number, step in enumerate(record["steps"]):
        rows.append(
            f"| {number}. {step['name']} | {step['validation_accuracy']:.4f} | {step['seconds_per_epoch']:.0f} "
            f"| {step['epochs_run']} (best: {step['best_epoch']}) | {step['parameters']:,} |"
        )
    rows.append(f"| TF-IDF + logistic regression (C = {record['baseline']['C']:g}) | {record['baseline']['validation_accuracy']:.4f} | | | |")
    return "\n".join(rows)


def imdb_beyond_baseline_table(results: dict) -> str:
    """Notebook 03's final model, the baseline and the two averaged on the IMDB test split."""
    record = results["imdb_beyond_baseline"]
    rows = ["| model | test accuracy | F1 | ROC-AUC |", "| --- | --- | --- | --- |"]
    for part, label in beyond_baseline_labels(record).items():
        test = record[part]["test"]
        rows.append(f"| {label} | {test['accuracy']:.4f} | {test['f1']:.4f} | {test['roc_auc']:.4f} |")
    return "\n".join(rows)


def _language_model_rows(record: dict) -> list[tuple]:
    notebook = "[07](notebooks/07_language_model.ipynb)"
    return [
        ("Language model of reviews", notebook, label, f"test perplexity {record['models'][name]['test_perplexity']:.1f}", "language_model")
        for name, label in language_model_labels(record).items()
    ]


CLASSICAL_MODELS = {
    "holt_winters": "Holt-Winters",
    "holt_winters_damped": "Holt-Winters, damped trend",
    "structural": "Structural model (trend and a 52.18-week cycle)",
}


def forecaster_labels(record: dict) -> dict[str, str]:
    """The forecasts of notebook 08's results `record`, in order, by how the tables name them."""
    return {
        "naive": "Naive (last value)",
        "seasonal_naive": "Seasonal naive (a year before)",
        "classical": CLASSICAL_MODELS[record["classical"]["model"]],
        "lstm": f"LSTM ({record['config']['lstm']['units']})",
    }


def imdb_table(results: dict) -> str:
    """Notebook 02's models and its bag-of-words baseline on the IMDB test split."""
    models = results["imdb_comparison"]["models"]
    rows = [
        "| model | test accuracy | F1 | ROC-AUC | parameters | epochs trained | seconds per epoch |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    labels = {"tfidf_logistic_regression": "TF-IDF + logistic regression (baseline)", "simple_rnn": "SimpleRNN",
              "stacked_lstm": "Stacked LSTM (2 x 128, dropout 0.3)"}
    for name, label in labels.items():
        model = models[name]
        test = model["test"]
        if "epoch_seconds" in model:
            epochs = f"{model['epochs_run']} (best: {model['best_epoch']})"
            per_epoch = f"{sum(model['epoch_seconds']) / len(model['epoch_seconds']):.0f}"
        else:
            epochs, per_epoch = "none", f"{model['training_seconds']:.0f} s in all"
        rows.append(
            f"| {label} | {test['accuracy']:.4f} | {test['f1']:.4f} | {test['roc_auc']:.4f} | {model['parameters']:,} | {epochs} | {per_epoch} |"
        )
    return "\n".join(rows)


def language_model_labels(record: dict) -> dict[str, str]:
    """The models of notebook 07's results `record`, by how the tables name them."""
    units = record["config"]["rnn"]["units"]
    return {"ngram": "Kneser-Ney trigram", "simple_rnn": f"{units}-unit SimpleRNN", "lstm": f"{units}-unit LSTM"}


def language_model_table(results: dict) -> str:
    """Notebook 07's language models on the test reviews."""
    models = results["language_model"]["models"]
    rows = ["| model | test perplexity | cross-entropy (nats per word) | parameters | training |", "| --- | --- | --- | --- | --- |"]
    for name, label in language_model_labels(results["language_model"]).items():
        model = models[name]
        if name == "ngram":
            size, time = "counts", f"{model['seconds']:.0f} s for {len(model['validation_perplexity_by_discount'])} discounts"
        else:
            size, time = f"{model['parameters']:,}", f"{model['epochs_run']} epochs, {model['training_seconds'] / 60:.0f} min"
        rows.append(f"| {label} | {model['test_perplexity']:.1f} | {math.log(model['test_perplexity']):.3f} | {size} | {time} |")
    return "\n".join(rows)


def forecast_table(results: dict) -> str:
    """Notebook 08's forecasts on the test years, by horizon."""
    record = results["time_series"]
    models, horizons = record["models"], record["horizons"]
    header = " | ".join(f"MAE, {_weeks(h)} ahead" for h in horizons)
    rows = [f"| forecast | {header} | MSE, {_weeks(horizons[-1])} ahead |", "| --- |" + " --- |" * (len(horizons) + 1)]
    for name, label in forecaster_labels(record).items():
        errors = " | ".join(_test_mae(record, name))
        rows.append(f"| {label} | {errors} | {models[name]['test_mse'][str(horizons[-1])]:.3f} |")
    return "\n".join(rows)


def _test_mae(record: dict, name: str) -> list[str]:
    """The test MAE of notebook 08's forecast `name` at each horizon, as the tables write it."""
    return [f"{record['models'][name]['test_mae'][str(h)]:.3f}" for h in record["horizons"]]


def _weeks(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weeks"


def _forecasting_rows(record: dict) -> list[tuple]:
    notebook = "[08](notebooks/08_forecasting.ipynb)"
    weeks = " / ".join(str(h) for h in record["horizons"])
    return [
        ("CO2 forecast", notebook, label, f"test MAE {' / '.join(_test_mae(record, name))} ppm, {weeks} weeks ahead", "time_series")
        for name, label in forecaster_labels(record).items()
    ]


def gradient_ratio_table(results: dict) -> str:
    """Notebook 04's last-to-first gradient ratios on 500-word reviews: medians over the seeds, and the trained range."""
    models = results["gradient_flow"]["models"]
    rows = [
        "| model | median at initialisation | median after training | after training, lowest to highest seed |",
        "| --- | --- | --- | --- |",
    ]
    for kind, label in (("simple_rnn", "Gradient ratio, SimpleRNN"), ("lstm", "Gradient ratio, LSTM")):
        trained = [ratios["trained"] for ratios in models[kind]["ratios_by_seed"].values()]
        rows.append(
            f"| {label} | {models[kind]['median_ratio_at_init']:.3g} | {models[kind]['last_to_first_ratio']:.3g} "
            f"| {min(trained):.3g} to {max(trained):.3g} |"
        )
    return "\n".join(rows)


def _recipe_row(record: dict) -> tuple:
    """The derivative recipes benchmark in one row: each recipe's validation exact match."""
    scores = " / ".join(f"{record['variants'][name]['validation_exact_match']:.4f}" for name in RECIPES if name in record["variants"])
    labels = " / ".join(name for name in RECIPES if name in record["variants"])
    return (
        "Derivative training recipes", "[benchmark](benchmarks/derivative_recipe.py)",
        f"encoder-decoder on {record['config']['lines_per_variant']:,} lines: {labels}",
        f"validation exact match {scores}", "derivative_recipe_cpu",
    )


def confirmed_decoding(derivatives: dict) -> tuple[str, dict]:
    """The name and scores of notebook 06's SymPy-confirmed beam decoding, on its test sample."""
    name = f"beam {derivatives['beam_width']}, SymPy-confirmed"
    return name, derivatives["test_sample"]["decodings"][name]


def derivative_models_table(results: dict) -> str:
    """Notebook 06's two models on every test function, with what their training cost."""
    record = results["derivative_models"]
    rows = [
        "| derivative model | exact match | token accuracy | SymPy-equivalent | parameters | training |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, label, model in (
        ("tagger", "Tagger (published baseline, replicated)", record["models"]["tagger"]),
        ("encoder-decoder, greedy", "Encoder-decoder, greedy decoding", record["models"]["seq2seq"]),
    ):
        test = record["test"][name]
        passes = "pass" if model["epochs_run"] == 1 else "passes"
        rows.append(
            f"| {label} | {test['exact_match']:.4f} | {test['token_accuracy']:.4f} | {test['sympy_equivalence']:.4f} "
            f"| {model['parameters']:,} | {model['epochs_run']} {passes}, {model['training_seconds'] / 3600:.1f} h |"
        )
    return "\n".join(rows)


def derivative_decodings_table(results: dict) -> str:
    """Notebook 06's encoder-decoder decoded three ways: on validation (choosing the beam), then on the test sample."""
    record = results["derivative_models"]
    rows = [
        "| decoding | validation exact match | test exact match | none confirmed (test) |",
        "| --- | --- | --- | --- |",
    ]
    width = record["beam_width"]
    validation = record["validation_by_beam"]
    test = record["test_sample"]["decodings"]
    for label, validation_score, name in (
        ("greedy", validation["1"]["exact_match"], "greedy"),
        (f"beam {width}", validation[str(width)]["exact_match"], f"beam {width}"),
        (f"beam {width}, first candidate SymPy confirms", validation[str(width)]["confirmed_exact_match"], f"beam {width}, SymPy-confirmed"),
    ):
        unconfirmed = test[name].get("not_confirmed")
        rows.append(
            f"| {label} | {validation_score:.4f} | {test[name]['exact_match']:.4f} | "
            f"{'' if unconfirmed is None else f'{unconfirmed:.2%}'} |"
        )
    return "\n".join(rows)


RECIPES = {
    "repeated_256": "The same lines again and again (an eighth of the training split, 8 times), batches of 256, Adam at 1e-3",
    "fresh_256": "Fresh generated lines, none seen twice, otherwise the same",
    "fresh_512": "Fresh lines, batches of 512 at twice the learning rate",
    "fresh_512_warmup_cosine": "Fresh lines, batches of 512, the learning rate warmed up, then decayed along a cosine",
    "fresh_512_weak_kinds": "Fresh lines, batches of 512, a fifth of them of the kinds the committed model gets wrong on validation",
}


def recipe_table(results: dict) -> str:
    """The training recipes of `benchmarks/derivative_recipe.py`, each scored on validation functions."""
    record = results["derivative_recipe_cpu"]
    # The family the notebook's feeding gets least right, among those with 100 validation functions or more.
    reference = record["variants"]["repeated_256"]["validation_exact_match_by_family"]
    large = {family: scores["accuracy"] for family, scores in reference.items() if scores["examples"] >= 100}
    weakest = min(large, key=large.get)
    lines = [
        f"| recipe ({record['config']['lines_per_variant']:,} lines each) | distinct lines | validation exact match | {weakest.replace('_', ' ')} | training time |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, label in RECIPES.items():
        if name not in record["variants"]:
            continue
        variant = record["variants"][name]
        family = variant["validation_exact_match_by_family"][weakest]["accuracy"]
        lines.append(
            f"| {label} | {variant['distinct_lines']:,} | {variant['validation_exact_match']:.4f} | {family:.4f} "
            f"| {variant['training_seconds'] / 60:.0f} min |"
        )
    return "\n".join(lines)


def run_times_table(results: dict) -> str:
    """docs/speed.md's measured run times: loading, generating, each notebook, training and decoding."""
    load, generation = results["imdb_load_time"], results["derivative_generation_time"]
    runtimes = results["notebook_runtimes"]["seconds"]
    derivatives = results["derivative_models"]
    seq2seq, tagger, decoding = derivatives["models"]["seq2seq"], derivatives["models"]["tagger"], derivatives["decoding_seconds"]
    width, sample = derivatives["beam_width"], derivatives["test_sample"]["lines"]
    loaded = _models_loaded(derivatives)

    def source(name: str) -> str:
        return f"[`results/{name}.json`](../results/{name}.json)"

    def passes(count: int) -> str:
        return f"{count} pass" if count == 1 else f"{count} passes"

    rows = [
        ("First IMDB load (read and tokenise the archive)", f"{load['first_load_seconds']:.1f} s", "imdb_load_time"),
        ("Second IMDB load (from the cache)", f"{load['second_load_seconds']:.2f} s", "imdb_load_time"),
        ("Notebook 01, whole notebook", f"{runtimes['01_imdb_data.ipynb'] / 60:.1f} min", "notebook_runtimes"),
        ("Notebook 02, whole notebook (the baseline and both models trained and evaluated)",
         f"{results['imdb_comparison']['notebook_seconds'] / 60:.1f} min", "imdb_comparison"),
        ("Notebook 03, whole notebook (the baseline, word2vec and six LSTMs trained and evaluated)",
         f"{results['imdb_beyond_baseline']['notebook_seconds'] / 60:.1f} min", "imdb_beyond_baseline"),
        ("Notebook 04, whole notebook (gradient flow and the adding-problem runs)",
         f"{runtimes['04_inside_the_lstm.ipynb'] / 60:.1f} min", "notebook_runtimes"),
        (f"Generate and SymPy-check {generation['config']['n']:,} derivative lines on {generation['config']['processes']} processes "
         f"(`benchmarks/generate_derivatives.py`; target {generation['target']['seconds'] / 60:.0f} min)",
         f"{generation['seconds']:.0f} s", "derivative_generation_time"),
        ("Notebook 05, whole notebook (reads or generates its lines)", f"{runtimes['05_derivative_dataset.ipynb'] / 60:.1f} min", "notebook_runtimes"),
        (f"Notebook 06, training the encoder-decoder ({passes(seq2seq['epochs_run'])})",
         f"{seq2seq['training_seconds'] / 3600:.1f} h", "derivative_models"),
        (f"Notebook 06, training the tagger ({passes(tagger['epochs_run'])})", f"{tagger['training_seconds'] / 3600:.1f} h", "derivative_models"),
        (f"Notebook 06, decoding: greedy on the {derivatives['examples']['test']:,} test functions / beam {width} "
         f"and beam {width} with SymPy's check on {sample:,} of them",
         f"{decoding['greedy']:.0f} s / {decoding['beam']:.0f} s / {decoding['confirmed']:.0f} s", "derivative_models"),
        ("Notebook 06, whole notebook " + ("with the committed models" if loaded else "training both models"),
         f"{runtimes['06_derivative_models.ipynb'] / 60:.1f} min", "notebook_runtimes"),
        (f"`derive` on {results['derive_speed']['config']['lines']:,} lines (`benchmarks/derive_speed.py`; target "
         f"{results['derive_speed']['target']['seconds'] / 60:.0f} min)", f"{results['derive_speed']['seconds']:.0f} s", "derive_speed"),
    ]
    lines = ["| step | time | source |", "| --- | --- | --- |"]
    lines += [f"| {step} | {time} | {source(name)} |" for step, time, name in rows]
    return "\n".join(lines)


def _models_loaded(derivatives: dict) -> bool:
    """Whether notebook 06's run loaded both committed models instead of training them."""
    return all(model.get("loaded_committed") for model in derivatives["models"].values())


def runtime_table(results: dict) -> str:
    """How long each notebook took in its last full run, and on which processor."""
    runtimes = results["notebook_runtimes"]
    derivatives = results["derivative_models"]["models"]
    training_hours = sum(model["training_seconds"] for model in derivatives.values()) / 3600
    lines = ["| notebook | full-mode run time here | processor |", "| --- | --- | --- |"]
    loaded = _models_loaded(results["derivative_models"])
    for notebook, seconds in runtimes["seconds"].items():
        time = f"{seconds / 60:.1f} min"
        if notebook.startswith("06_"):
            # A full run loads the committed models when they match; training them is stated beside it.
            time = (
                f"{seconds / 60:.1f} min with the committed models ({training_hours:.1f} h to train them)"
                if loaded else f"{seconds / 3600:.1f} h, training both models"
            )
        processor = runtimes["processor_by_notebook"][notebook].replace("(R)", "").replace(" Processor", "")
        lines.append(f"| [{notebook[:2]}](notebooks/{notebook}) | {time} | {processor} |")
    return "\n".join(lines)


BENCHMARK_LABELS = {
    "published_a": "Published (a): two LSTM(128) with dropout 0.3, 500 tokens padded in front, batch 64",
    "published_b_lstm": "Published (b) LSTM: one LSTM(128), 500 tokens padded behind, batch 64",
    "published_b_simplernn": "Published (b) SimpleRNN: one SimpleRNN(128), 500 tokens padded behind, batch 64",
    "published_c": "Published (c): one SimpleRNN(128), 200 tokens padded behind, batch 32",
    "ours_imdb": "Ours: notebook 02's stacked LSTM, maxlen 500",
    "ours_imdb_maxlen_200": "Ours: notebook 02's stacked LSTM, maxlen 200",
    "ours_derivative": "Ours: notebook 06's encoder-decoder (derivatives; timed on a twentieth of an epoch)",
}


def benchmark_table(results: dict) -> str:
    """`benchmarks/training_speed.py`: the published IMDB configurations against ours, and the encoder-decoder timed."""
    configs = {entry["name"]: entry for entry in results["benchmark_cpu"]["configs"]}
    reference = configs["published_a"]["seconds_per_epoch"]
    lines = [
        "| configuration | seconds per epoch | speed-up over (a) | samples per second | peak memory (MiB) | epochs "
        "| time to 0.85 validation accuracy | test accuracy |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, label in BENCHMARK_LABELS.items():
        entry = configs[name]
        measured = f"{entry['samples_per_second']:,.0f} | {entry['peak_memory_mib']:,.0f}"
        if entry.get("test_accuracy") is None:  # Timed only: the encoder-decoder.
            lines.append(f"| {label} | {entry['seconds_per_epoch']:.0f} | – | {measured} | – | – | – |")
            continue
        reached = entry["seconds_to_validation_accuracy_085"]
        lines.append(
            f"| {label} | {entry['seconds_per_epoch']:.0f} | {reference / entry['seconds_per_epoch']:.2f} | {measured} "
            f"| {entry['epochs']} | {'not reached' if reached is None else f'{reached:.0f} s'} | {entry['test_accuracy']:.4f} |"
        )
    return "\n".join(lines)


IMDB_LEVER_LABELS = {
    "padded_500_pre_no_mask_batch_64": "Configuration (a)'s input: every review padded in front to 500 tokens, no mask, batch 64",
    "padded_500_post_masked_batch_64": "Padded behind to 500 with a mask, batch 64",
    "bucketed_500_batch_128": "Length buckets of 50 tokens, maxlen 500, padded behind with a mask, batch 128",
    "bucketed_500_batch_128_xla": "XLA on those buckets (`jit_compile=True`)",
    "bucketed_200_batch_128_bucket_width_10": "Buckets of 10, maxlen 200, masked",
    "bucketed_500_batch_128_pre_no_mask_bucket_width_10": "Ours (notebook 02): buckets of 10, maxlen 500, padded in front, no mask",
    "bucketed_200_batch_128_pre_no_mask_bucket_width_10": "Ours cut at 200 tokens: the same with maxlen 200",
}
DERIVATIVE_LEVER_LABELS = {
    "bucketed_batch_256": "Batches of 256 similar-length lines, each padded to its longest, masked (the reference)",
    "bucketed_batch_512": "Batches of 512 (notebook 06's feeding now)",
    "padded_to_longest_batch_256": "Every line padded to the longest line of the dataset",
    "padded_to_longest_batch_256_unroll": "Unrolled, every line padded to the longest (`unroll=True` needs a fixed length)",
    "bucketed_batch_256_xla": "XLA on batches of 256 (`jit_compile=True`)",
}


def _levers_table(variants: dict, labels: dict, header: str, speedup_key: str) -> str:
    lines = [header, "| --- | --- | --- |"]
    # A smoke run times a few variants only.
    lines += [
        f"| {label} | {variants[name]['seconds_per_epoch']:.0f} | {variants[name][speedup_key]:.2f} |"
        for name, label in labels.items() if name in variants
    ]
    return "\n".join(lines)


def imdb_levers_table(results: dict) -> str:
    """`benchmarks/imdb_levers.py`: seconds per IMDB epoch of notebook 02's stacked LSTM, one input setting at a time."""
    return _levers_table(results["imdb_levers_cpu"]["variants"], IMDB_LEVER_LABELS,
                         "| IMDB input (notebook 02's stacked LSTM) | seconds per epoch | speed-up over (a)'s input |", "speedup_over_padded_500")


def derivative_levers_table(results: dict) -> str:
    """`benchmarks/derivative_levers.py`: seconds per epoch of notebook 06's encoder-decoder, one input setting at a time."""
    return _levers_table(results["derivative_levers_cpu"]["variants"], DERIVATIVE_LEVER_LABELS,
                         "| derivative input (notebook 06's encoder-decoder) | seconds per epoch | speed-up over batches of 256 |", "speedup_over_notebook")


ADDING_MODELS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def adding_problem_table(results: dict) -> str:
    """Notebook 04's adding problem: test MSE by sequence length and cell, then the lengths each solved."""
    runs = results["adding_problem"]["runs"]
    lines = ["| sequence length | " + " | ".join(ADDING_MODELS.values()) + " |", "| --- |" + " --- |" * len(ADDING_MODELS)]
    for length in sorted({run["T"] for run in runs}):
        mse = {run["model"]: run["test_mse"] for run in runs if run["T"] == length}
        lines.append(f"| T = {length} | " + " | ".join(f"{mse[model]:.4f}" for model in ADDING_MODELS) + " |")
    solved = []
    for model, label in ADDING_MODELS.items():
        lengths = sorted(run["T"] for run in runs if run["model"] == model and run["solved"])
        solved.append(f"{label} at T = {', '.join(map(str, lengths))}" if lengths else f"{label} at no length")
    lines += ["", f"Solved: {'; '.join(solved)}."]
    return "\n".join(lines)


def with_summary(readme: str, table: str, start: str = START, end: str = END) -> str:
    """`readme` with the text between the markers `start` and `end` replaced by `table`."""
    if readme.count(start) != 1 or readme.count(end) != 1 or readme.index(start) > readme.index(end):
        raise ValueError(f"README.md needs the markers {start!r} and {end!r}, once each, in that order")
    before, rest = readme.split(start)
    after = rest.split(end)[1]
    return f"{before}{start}\n{table}\n{end}{after}"


def _longest_solved(runs: list[dict], model: str) -> str:
    lengths = [run["T"] for run in runs if run["model"] == model and run["solved"]]
    return str(max(lengths)) if lengths else "none"
