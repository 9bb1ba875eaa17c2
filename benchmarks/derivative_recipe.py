"""Which training recipe gets notebook 06's encoder-decoder furthest for its budget: measured on validation.

    python benchmarks/derivative_recipe.py                        # about 100 minutes on the 2-core CPU
    python benchmarks/derivative_recipe.py --variant fresh_512_warmup_cosine
    LSTM_TUTORIAL_SMOKE=1 python benchmarks/derivative_recipe.py  # tiny, for the tests

Every variant trains notebook 06's encoder-decoder from scratch on the same number of lines
(750,000, as many as the training split has) and is then scored by greedy exact match
on 10,000 validation functions, overall and per family. The test split is never read. One lever
changes at a time:

- `repeated_256`: notebook 06's feeding so far, the same lines every pass, batches of 256, Adam
  at 1e-3; the lines are an eighth of the training split seen 8 times, about the repetition a
  long run over the whole split has (notebook 06 trained 29 epochs), so that a short budget
  shows what repetition does;
- `fresh_256`: newly generated lines, none seen twice (`fresh_training_examples`: no validation
  or test function among them), otherwise the same: do memorised coefficient products give way
  to rules when no line comes back?
- `fresh_512`: batches of 512 at twice the learning rate (1.32x faster per line on this CPU,
  `results/derivative_levers_cpu.json`);
- `fresh_512_warmup_cosine`: the same, the learning rate warmed up over the first 2% of steps and
  then decayed to zero along a cosine over the budget, instead of held constant;
- `fresh_512_weak_kinds`: `fresh_512` with a fifth of the fresh lines given to the kinds the
  committed encoder-decoder (`models/`, notebook 06) gets wrong on the validation functions, each
  in proportion to its share of those errors, on top of its share of the rest: do more of them
  help those kinds without costing the others? The kinds are found on validation, at run time.

A stopped run continues where it was (`fit_resumable`), and a finished variant is kept in the
results file when the script runs again with other variants. Writes
results/derivative_recipe_<device>.json.
"""

import argparse
import json
import os
import sys
import time

SEED = 42
VARIANTS = {
    "repeated_256": {"fresh": False, "batch_size": 256, "learning_rate": 1e-3, "schedule": "constant"},
    "fresh_256": {"fresh": True, "batch_size": 256, "learning_rate": 1e-3, "schedule": "constant"},
    "fresh_512": {"fresh": True, "batch_size": 512, "learning_rate": 2e-3, "schedule": "constant"},
    "fresh_512_warmup_cosine": {"fresh": True, "batch_size": 512, "learning_rate": 2e-3, "schedule": "warmup_cosine"},
    "fresh_512_weak_kinds": {"fresh": True, "batch_size": 512, "learning_rate": 2e-3, "schedule": "constant",
                             "weak_kinds_share": 0.2},
}
WARMUP_SHARE = 0.02
PASSES = 1  # Budget: as many lines as one pass over the training split.
REPEATS = 8  # The repeated variant sees an eighth of the training lines, 8 times per pass.
SETTINGS = {
    "full": {"dataset_size": 1_000_000, "validation_lines": 10_000,
             "model": {"embedding_dim": 64, "encoder_units": 128, "decoder_units": 256}},
    "smoke": {"dataset_size": 3_000, "validation_lines": 100,
              "model": {"embedding_dim": 16, "encoder_units": 16, "decoder_units": 32}},
}


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from lstm_utils import config
    from lstm_utils.derivatives.dataset import load_dataset
    from lstm_utils.results import device_kind, save_results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=list(VARIANTS), nargs="+", default=list(VARIANTS), help="variants to run (default: all)")
    arguments = parser.parse_args()
    mode = config.run_mode()
    settings = SETTINGS[mode]
    dataset = load_dataset(settings["dataset_size"], SEED)
    device = device_kind()
    results_file = config.results_dir() / f"derivative_recipe_{device}.json"
    earlier = json.loads(results_file.read_text()) if results_file.is_file() else {}
    measured = earlier.get("variants", {}) if earlier.get("mode") == mode else {}
    for name in arguments.variant:
        measured[name] = train_variant(name, VARIANTS[name], settings, dataset)
        path = save_results(
            f"derivative_recipe_{device}",
            {
                "device": device,
                "config": {**settings, "seed": SEED, "passes": PASSES, "repeats": REPEATS, "warmup_share": WARMUP_SHARE,
                           "lines_per_variant": PASSES * len(dataset["train"])},
                "variants": {name: measured[name] for name in VARIANTS if name in measured},
            },
        )
        print(f"{name}: validation exact match {measured[name]['validation_exact_match']:.4f}; results in {path}", flush=True)
    return 0


def training_lines(variant: dict, dataset: dict, extra_shares: dict) -> list:
    """The lines of every pass, one after another: the training split again, or fresh draws of its size."""
    from lstm_utils.derivatives.dataset import fresh_training_examples

    size = len(dataset["train"])
    if not variant["fresh"]:
        share = size // REPEATS
        return dataset["train"][:share] * (REPEATS * PASSES)
    return [e for draw in range(PASSES) for e in fresh_training_examples(dataset, size, SEED, draw, extra_shares=extra_shares)]


def weak_kind_shares(total_share: float, validation: list) -> dict:
    """`total_share` of the lines, spread over the kinds the committed encoder-decoder gets wrong on
    `validation` in proportion to their share of its errors. The test split is never read."""
    from collections import Counter

    from lstm_utils import config
    from lstm_utils.derivatives.seq2seq import load_seq2seq

    decoder = load_seq2seq(config.REPOSITORY_ROOT / "models")
    predictions = decoder.predict([e.source for e in validation])
    errors = Counter(e.family for e, predicted in zip(validation, predictions, strict=True) if predicted != e.target)
    total = sum(errors.values())
    return {family: total_share * count / total for family, count in sorted(errors.items())} if total else {}


def optimizer(variant: dict, steps: int):
    import keras

    from lstm_utils.training.fit import warmup_cosine

    rate = variant["learning_rate"]
    if variant["schedule"] == "warmup_cosine":
        rate = warmup_cosine(rate, steps, WARMUP_SHARE)
    return keras.optimizers.Adam(rate, clipnorm=1.0)


def progress_callback():
    import keras

    class BatchProgress(keras.callbacks.Callback):
        """A line every `every` batches: a single long epoch would otherwise say nothing for half an hour."""

        def __init__(self, every: int, total: int, label: str):
            super().__init__()
            self.every, self.total, self.label = every, total, label
            self.started = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if (batch + 1) % self.every == 0:
                minutes = (time.perf_counter() - self.started) / 60
                print(f"{self.label}: batch {batch + 1:,}/{self.total:,}, loss {logs['loss']:.4f}, {minutes:.1f} min", flush=True)

    return BatchProgress


def train_variant(name: str, variant: dict, settings: dict, dataset: dict) -> dict:
    """Train one variant over its lines as a single epoch; its validation scores and times."""
    import math

    from lstm_utils.derivatives.metrics import accuracy_by_group
    from lstm_utils.derivatives.model import build_seq2seq
    from lstm_utils.derivatives.notation import tokenize
    from lstm_utils.derivatives.seq2seq import Seq2SeqDecoder, TokenVocabulary, seq2seq_dataset
    from lstm_utils.training.fit import fit_resumable, set_seeds

    BatchProgress = progress_callback()
    started = time.perf_counter()
    print(f"{name}: preparing {PASSES * len(dataset['train']):,} training lines", flush=True)
    validation = dataset["validation"][: settings["validation_lines"]]
    extra_shares = weak_kind_shares(variant["weak_kinds_share"], validation) if "weak_kinds_share" in variant else {}
    lines = training_lines(variant, dataset, extra_shares)
    generation_seconds = time.perf_counter() - started
    vocabulary = TokenVocabulary.for_notation()
    set_seeds(SEED)
    model = build_seq2seq(len(vocabulary), **settings["model"])
    steps = math.ceil(len(lines) / variant["batch_size"])
    model.compile(optimizer=optimizer(variant, steps), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # One epoch over all passes: the fresh variants' passes differ, and the schedule spans them all.
    run = fit_resumable(
        model,
        seq2seq_dataset(vocabulary, [e.source for e in lines], [e.target for e in lines], variant["batch_size"], seed=SEED),
        seq2seq_dataset(vocabulary, [e.source for e in validation], [e.target for e in validation], 512, shuffle=False),
        epochs=1,
        run_name=f"derivative_recipe_{name}",
        monitor="val_loss",
        mode="min",
        verbose=0,
        extra_callbacks=[BatchProgress(every=max(steps // 50, 1), total=steps, label=name)],
    )
    max_length = max(len(tokenize(e.target)) for e in dataset["train"]) + 1
    predictions = Seq2SeqDecoder(model, vocabulary, max_length).predict([e.source for e in validation])
    exact = [p == e.target for p, e in zip(predictions, validation, strict=True)]
    return {
        "settings": variant,
        "extra_shares": extra_shares,
        "lines": len(lines),
        "distinct_lines": len({e.line for e in lines}),
        "steps": steps,
        "validation_examples": len(validation),
        "validation_exact_match": sum(exact) / len(exact),
        "validation_exact_match_by_family": accuracy_by_group(exact, [e.family for e in validation]),
        "final_training_loss": run["history"]["loss"][-1],
        "validation_loss": run["history"]["val_loss"][-1],
        "generation_seconds": generation_seconds,
        "training_seconds": run["training_seconds"],
        "seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    sys.exit(main())
