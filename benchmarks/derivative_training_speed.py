"""Training speed of notebook 05's two models; writes results/derivative_training_speed.json.

    python benchmarks/derivative_training_speed.py [--steps N] [--batch-size B]

Times `N` training steps of the full-mode encoder-decoder and of the published per-position
tagger on batches shaped like the derivative dataset (30 token positions), after one warm-up
step, and projects the time of one epoch over the 750,000 training lines. It answers "how long
will notebook 05 take on this machine?" before committing hours to it.
"""

import argparse
import time

import keras
import numpy as np
from keras import layers

from lstm_utils.results import save_results
from lstm_utils.seq2seq import TokenVocabulary, build_seq2seq

WIDTH = 30  # The longest side of a line, in tokens, is at most 30.
TRAINING_LINES = 750_000


def published_tagger(vocabulary_size: int) -> keras.Model:
    """The same layers as `build_tagger` in notebook 05, at the published sizes."""
    token_ids = keras.Input(shape=(None,), dtype="int32")
    sequence = layers.Embedding(vocabulary_size, 256)(token_ids)
    sequence = layers.Bidirectional(layers.LSTM(256, return_sequences=True))(sequence)
    sequence = layers.Bidirectional(layers.LSTM(256, return_sequences=True))(sequence)
    return keras.Model(token_ids, layers.Dense(vocabulary_size, activation="softmax")(sequence))


def lines_per_second(model, inputs, targets, batch_size: int) -> float:
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    warm_up = [x[:batch_size] for x in inputs] if isinstance(inputs, list) else inputs[:batch_size]
    model.fit(warm_up, targets[:batch_size], batch_size=batch_size, verbose=0)
    started = time.perf_counter()
    model.fit(inputs, targets, batch_size=batch_size, verbose=0)
    return len(targets) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="timed training steps per model")
    parser.add_argument("--batch-size", type=int, default=256)
    arguments = parser.parse_args()
    vocabulary_size = len(TokenVocabulary.for_notation())
    rng = np.random.default_rng(0)
    lines = arguments.steps * arguments.batch_size
    source, target = (rng.integers(3, vocabulary_size, (lines, WIDTH), dtype=np.int32) for _ in range(2))
    keras.utils.set_random_seed(0)
    models = {
        "seq2seq": (build_seq2seq(vocabulary_size, 64, 128, 256), [source, target]),
        "tagger": (published_tagger(vocabulary_size), source),
    }
    measured = {}
    for name, (model, inputs) in models.items():
        rate = lines_per_second(model, inputs, target, arguments.batch_size)
        measured[name] = {
            "parameters": model.count_params(),
            "lines_per_second": rate,
            "minutes_per_epoch": TRAINING_LINES / rate / 60,
        }
        print(f"{name}: {rate:,.0f} lines/s, {TRAINING_LINES / rate / 60:.0f} min per epoch of {TRAINING_LINES:,} lines")
    path = save_results(
        "derivative_training_speed",
        {
            "config": {"steps": arguments.steps, "batch_size": arguments.batch_size, "width": WIDTH},
            "training_lines": TRAINING_LINES,
            "models": measured,
        },
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
