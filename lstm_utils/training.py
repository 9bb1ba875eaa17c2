"""Training helpers: input pipelines, seeds, timing and resumable `fit`."""

import itertools
import shutil
import time

import keras
import numpy as np
import tensorflow as tf

from . import config
from .sequences import (
    bucket_by_length,
    bucket_width_for,
    length_bucketed_batches,
    pad_sequences,
    sequence_lengths,
)


def set_seeds(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow in one call."""
    keras.utils.set_random_seed(seed)


def bucketed_dataset(
    sequences,
    labels: np.ndarray,
    batch_size: int,
    maxlen: int,
    truncating: str = "pre",
    shuffle: bool = True,
    seed: int = 0,
) -> tf.data.Dataset:
    """A `tf.data` pipeline of length-bucketed, right-padded batches.

    With `shuffle`, each pass over the data draws a new batch order from `seed` and the pass
    number, so training is reproducible but does not repeat one order every epoch.
    """
    passes = itertools.count()

    def generate():
        pass_seed = seed + next(passes) if shuffle else None
        yield from length_bucketed_batches(
            sequences, labels, batch_size, maxlen, truncating=truncating, seed=pass_seed
        )

    signature = (
        tf.TensorSpec(shape=(None, None), dtype=tf.int32),
        tf.TensorSpec(shape=(None,), dtype=labels.dtype),
    )
    batches = -(-len(labels) // batch_size)
    dataset = tf.data.Dataset.from_generator(generate, output_signature=signature)
    # A known length lets Keras show progress bars with a total from the first epoch on.
    return dataset.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(2)


class EpochTimer(keras.callbacks.Callback):
    """Records the wall-clock seconds of every epoch in `self.seconds`."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._started)


def fit_resumable(
    model: keras.Model,
    train_data,
    validation_data,
    epochs: int,
    run_name: str,
    patience: int | None = None,
    extra_callbacks: list | None = None,
    verbose: int = 1,
) -> dict:
    """`model.fit` that checkpoints every epoch and resumes after an interruption.

    A run killed half-way continues from its last finished epoch when started again.
    With `patience`, training stops once validation accuracy has not improved for that many
    epochs, and the weights of the best epoch are restored.
    Returns the per-epoch history, epoch durations and total training time.
    """
    backup_dir = config.checkpoints_dir() / run_name
    timer = EpochTimer()
    resuming = backup_dir.is_dir() and any(backup_dir.iterdir())
    backup_dir.mkdir(parents=True, exist_ok=True)
    callbacks = [
        keras.callbacks.BackupAndRestore(str(backup_dir)),
        # A plain-text log of every finished epoch, handy for watching a long headless run.
        keras.callbacks.CSVLogger(str(backup_dir.with_suffix(".csv")), append=resuming),
        timer,
        *(extra_callbacks or []),
    ]
    if patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_accuracy", mode="max", patience=patience, restore_best_weights=True
            )
        )
    started = time.perf_counter()
    history = model.fit(
        train_data,
        validation_data=validation_data,
        epochs=epochs,
        callbacks=callbacks,
        shuffle=False,  # The datasets shuffle themselves, reproducibly.
        verbose=verbose,
    )
    training_seconds = time.perf_counter() - started
    shutil.rmtree(backup_dir, ignore_errors=True)
    best_epoch = int(np.argmax(history.history["val_accuracy"])) + 1
    return {
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
        "epochs_run": len(history.history["loss"]),
        "best_epoch": best_epoch,
        "epoch_seconds": timer.seconds,
        "training_seconds": training_seconds,
    }


def predict_probabilities(
    model: keras.Model,
    sequences,
    maxlen: int,
    truncating: str = "pre",
    batch_size: int = 256,
    bucket_width: int = 50,
) -> np.ndarray:
    """Predicted probabilities in the order of `sequences`, computed on length-bucketed batches."""
    lengths = np.maximum(np.minimum(sequence_lengths(sequences), maxlen), 1)
    batches = bucket_by_length(lengths, batch_size, seed=None)

    def generate():
        for batch in batches:
            width = bucket_width_for(lengths[batch].max(), maxlen, bucket_width)
            yield pad_sequences([sequences[i] for i in batch], width, "post", truncating)

    dataset = tf.data.Dataset.from_generator(
        generate, output_signature=tf.TensorSpec(shape=(None, None), dtype=tf.int32)
    ).apply(tf.data.experimental.assert_cardinality(len(batches)))
    probabilities = np.empty(len(sequences), dtype=np.float32)
    probabilities[np.concatenate(batches)] = model.predict(dataset, verbose=0).ravel()
    return probabilities
