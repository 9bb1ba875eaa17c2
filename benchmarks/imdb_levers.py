"""What makes notebook 02's stacked LSTM train faster here: one setting changed at a time, measured.

    python benchmarks/imdb_levers.py                         # about 20 minutes on the 2-core CPU
    LSTM_TUTORIAL_SMOKE=1 python benchmarks/imdb_levers.py   # tiny, for the tests

Every variant is notebook 02's stacked LSTM (its committed configuration: Embedding(128), two
LSTM(128) with dropout) on the real IMDB training reviews. The first variant feeds the model the
way the published configuration (a) does, every review padded at the front to 500 tokens with no
mask; each later one changes one setting from a reference (`bucketed_500_batch_128`: batches of 128
similar-length reviews, padded behind to a multiple of 50 tokens, masked), and the last ones
combine the settings that helped on their own.

How it is timed (`step_timing.py`): each variant trains on a sixteenth of one epoch's batches,
picked evenly across their widths so that short and long batches are represented as in a whole
epoch. One untimed pass traces the training step for every batch width; then several rounds
visit every variant in turn, and each batch keeps its fastest step over the rounds. Seconds per
epoch are the training reviews divided by the samples per second.

Only speed is measured here; whether a faster setting keeps the accuracy is for a full
training to say (notebook 02 and `benchmarks/training_speed.py`).

Writes results/imdb_levers_<device>.json.
"""

import json
import os
import sys
import time

from step_timing import FastestSteps, measure_variants, sample_by_width

NOTEBOOK = {"pipeline": "bucketed", "maxlen": 500, "batch_size": 128, "bucket_width": 50, "jit_compile": False}
VARIANTS = {
    "padded_500_pre_no_mask_batch_64": {"pipeline": "padded", "padding": "pre", "mask": False, "batch_size": 64},
    "padded_500_post_masked_batch_64": {"pipeline": "padded", "padding": "post", "mask": True, "batch_size": 64},
    "bucketed_500_batch_64": {"batch_size": 64},
    "bucketed_500_batch_128": {},
    "bucketed_500_batch_256": {"batch_size": 256},
    "bucketed_500_batch_128_bucket_width_10": {"bucket_width": 10},
    "bucketed_400_batch_128": {"maxlen": 400},
    "bucketed_300_batch_128": {"maxlen": 300},
    "bucketed_200_batch_128": {"maxlen": 200},
    "bucketed_500_batch_128_xla": {"jit_compile": True},
    "bucketed_500_batch_128_pre_no_mask": {"padding": "pre", "mask": False},
    "bucketed_500_batch_128_pre_no_mask_bucket_width_10": {"padding": "pre", "mask": False, "bucket_width": 10},
    # Combinations of the settings that helped on their own.
    "bucketed_200_batch_128_bucket_width_10": {"maxlen": 200, "bucket_width": 10},
    "bucketed_300_batch_128_pre_no_mask_bucket_width_10": {"maxlen": 300, "padding": "pre", "mask": False, "bucket_width": 10},
    "bucketed_200_batch_128_pre_no_mask_bucket_width_10": {"maxlen": 200, "padding": "pre", "mask": False, "bucket_width": 10},
}
TIMED_SHARE = 1 / 16
ROUNDS = {"full": 3, "smoke": 2}
# Smoke mode times the padded and the bucketed reference only: enough to exercise every step.
SMOKE_VARIANTS = ["padded_500_pre_no_mask_batch_64", "bucketed_500_batch_128"]


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    from sklearn.model_selection import train_test_split

    from lstm_utils import config
    from lstm_utils.imdb.data import load_imdb, subsample
    from lstm_utils.results import device_kind, save_results

    notebook_config = json.loads((config.REPOSITORY_ROOT / "results" / "imdb_comparison.json").read_text())["config"]
    (x_all, y_all), _, _ = load_imdb(num_words=notebook_config["num_words"])
    if config.is_smoke_mode():
        x_all, y_all = subsample(x_all, y_all, 1_000, seed=0)
    x_train, _, y_train, _ = train_test_split(
        x_all, y_all, test_size=notebook_config["validation_fraction"], stratify=y_all, random_state=42
    )
    tf.get_logger().setLevel("ERROR")  # Each batch width traces the step once; the warning about it is expected.
    variants = {name: VARIANTS[name] for name in SMOKE_VARIANTS} if config.is_smoke_mode() else VARIANTS
    started = time.perf_counter()
    measured = measure_variants(
        {name: {**NOTEBOOK, "padding": "post", "mask": True, **changes} for name, changes in variants.items()},
        lambda settings: timed_variant(settings, notebook_config, x_train, y_train),
        ROUNDS[config.run_mode()], len(x_train), "padded_500_pre_no_mask_batch_64", "speedup_over_padded_500",
    )
    device = device_kind()
    path = save_results(
        f"imdb_levers_{device}",
        {
            "device": device,
            "train_examples": len(x_train),
            "timed_share_of_an_epoch": TIMED_SHARE,
            "rounds": ROUNDS[config.run_mode()],
            "variants": measured,
            "seconds": time.perf_counter() - started,
        },
    )
    print(f"results in {path}")
    return 0


def timed_variant(settings: dict, notebook_config: dict, x_train, y_train) -> FastestSteps:
    """The variant's compiled model on a sixteenth of an epoch's batches, traced for every width."""
    import numpy as np

    from lstm_utils.training.fit import set_seeds
    from lstm_utils.training.pipelines import bucketed_dataset
    from lstm_utils.training.sequences import pad_sequences

    set_seeds(42)
    model = build_model(notebook_config, settings["mask"])
    model.compile("adam", "binary_crossentropy", jit_compile=settings["jit_compile"])
    if settings["pipeline"] == "padded":
        padded = pad_sequences(x_train, settings["maxlen"], settings["padding"], "pre")
        order = np.random.default_rng(42).permutation(len(x_train))
        batches = [
            (padded[order[i : i + settings["batch_size"]]], y_train[order[i : i + settings["batch_size"]]])
            for i in range(0, len(order), settings["batch_size"])
        ]
    else:
        dataset = bucketed_dataset(
            x_train, y_train, settings["batch_size"], settings["maxlen"], "pre", seed=42,
            bucket_width=settings["bucket_width"], padding=settings["padding"],
        )
        batches = [(x.numpy(), y.numpy()) for x, y in dataset]
    return FastestSteps(model, sample_by_width(batches, TIMED_SHARE))


def build_model(notebook_config: dict, mask: bool):
    """Notebook 02's stacked LSTM; without `mask`, padding is read like any other token."""
    import keras
    from keras import layers

    token_ids = keras.Input(shape=(None,), dtype="int32")
    vectors = layers.Embedding(notebook_config["num_words"], notebook_config["embedding_dim"], mask_zero=mask)(token_ids)
    vectors = layers.SpatialDropout1D(notebook_config["embedding_dropout"])(vectors)
    units, dropout = notebook_config["units"], notebook_config["input_dropout"]
    sequence = layers.LSTM(units, return_sequences=True, dropout=dropout)(vectors)
    sequence = layers.Dropout(notebook_config["dropout"])(sequence)
    final_state = layers.LSTM(units, dropout=dropout)(sequence)
    output = layers.Dense(1, activation="sigmoid")(layers.Dropout(notebook_config["dropout"])(final_state))
    return keras.Model(token_ids, output)


if __name__ == "__main__":
    sys.exit(main())
