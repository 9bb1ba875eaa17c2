"""Training helpers: input pipelines, seeds, timing and resumable `fit`."""

import csv
import hashlib
import itertools
import json
import shutil
import time

import keras
import numpy as np
import tensorflow as tf

from . import config
from .files import atomic_write_bytes
from .sequences import (
    bucket_by_length,
    bucket_width_for,
    pad_sequences,
    sequence_lengths,
)


def set_seeds(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow in one call."""
    keras.utils.set_random_seed(seed)


def batches_dataset(
    lengths: np.ndarray,
    batch_size: int,
    make_batch,
    output_signature,
    shuffle: bool = True,
    seed: int = 0,
) -> tf.data.Dataset:
    """A `tf.data` pipeline of batches of similar-length examples.

    `make_batch(indices)` builds one batch from the example indices it is given. With
    `shuffle`, each pass over the data draws a new batch order from `seed` and the pass
    number, so training is reproducible but does not repeat one order every epoch.
    """
    passes = itertools.count()

    def generate():
        pass_seed = seed + next(passes) if shuffle else None
        for batch in bucket_by_length(lengths, batch_size, pass_seed):
            yield make_batch(batch)

    dataset = tf.data.Dataset.from_generator(
        generate, output_signature=output_signature
    )
    # A known length lets Keras show progress bars with a total from the first epoch on.
    batches = -(-len(lengths) // batch_size)
    return dataset.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(2)


def bucketed_dataset(
    sequences,
    labels: np.ndarray,
    batch_size: int,
    maxlen: int,
    truncating: str = "pre",
    shuffle: bool = True,
    seed: int = 0,
    bucket_width: int = 50,
) -> tf.data.Dataset:
    """Length-bucketed batches of reviews, right-padded to a multiple of `bucket_width` tokens.

    Most reviews are much shorter than `maxlen`, so padding each batch only as far as its own
    longest review (rounded up to a few fixed widths) saves most of the recurrent steps.
    """
    lengths = np.minimum(sequence_lengths(sequences), maxlen)

    def make_batch(batch):
        width = bucket_width_for(lengths[batch].max(), maxlen, bucket_width)
        return pad_sequences(
            [sequences[i] for i in batch], width, "post", truncating
        ), labels[batch]

    signature = (
        tf.TensorSpec(shape=(None, None), dtype=tf.int32),
        tf.TensorSpec(shape=(None,), dtype=labels.dtype),
    )
    return batches_dataset(lengths, batch_size, make_batch, signature, shuffle, seed)


class EpochTimer(keras.callbacks.Callback):
    """Adds the wall-clock seconds of every epoch to the logs, as `epoch_seconds`."""

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs["epoch_seconds"] = time.perf_counter() - self._started


class MonitorStateRestorer(keras.callbacks.Callback):
    """Give early stopping and learning-rate schedules back what they saw before a restart.

    Keras resets their best value and patience counter at the start of every `fit`, so a run
    resumed from a checkpoint would otherwise wait `patience` epochs afresh, and a plateau
    seen before the interruption would be forgotten. Runs after them in `on_train_begin` and
    replays the logged history of each one's monitored metric.
    """

    def __init__(self, callbacks, history: dict[str, list[float]]):
        super().__init__()
        self.callbacks, self.history = callbacks, history

    def on_train_begin(self, logs=None):
        for callback in self.callbacks:
            replay_monitor_history(callback, self.history.get(callback.monitor, []))


def replay_monitor_history(callback, values: list[float]) -> None:
    """Set `callback.best` and `callback.wait` as if it had seen `values`, epoch by epoch."""
    higher_is_better = callback.mode == "max" or (callback.mode == "auto" and "loss" not in callback.monitor)
    delta = abs(getattr(callback, "min_delta", 0.0))
    reduces_learning_rate = isinstance(callback, keras.callbacks.ReduceLROnPlateau)
    for value in values:
        if callback.best is None or (
            value > callback.best + delta if higher_is_better else value < callback.best - delta
        ):
            callback.best, callback.wait = value, 0
        else:
            callback.wait += 1
            if reduces_learning_rate and callback.wait >= callback.patience:
                callback.wait = 0  # It lowered the rate then; the optimizer state kept the new rate.


def fit_resumable(
    model: keras.Model,
    train_data,
    validation_data,
    epochs: int,
    run_name: str,
    patience: int | None = None,
    monitor: str = "val_accuracy",
    extra_callbacks: list | None = None,
    verbose: int = 1,
) -> dict:
    """`model.fit` that survives interruptions and is not repeated once it has finished.

    - Every epoch is checkpointed (weights and optimizer state); a run killed half-way
      continues from its last finished epoch when started again.
    - The weights of the best epoch by `monitor` (higher is better) are kept and restored at
      the end; with `patience`, training stops once `monitor` has not improved for that many
      epochs, counted across restarts (early stopping and `ReduceLROnPlateau` callbacks are
      given back the history they saw before an interruption).
    - A finished run is stored beside the checkpoints: calling again with the same model,
      optimizer, data size and epochs loads its weights and returns its record at once.
      Delete `build/.../checkpoints/<run_name>*` to train again from scratch.

    Returns the per-epoch history (including epochs before a restart), epoch durations,
    total training time and the best epoch.
    """
    folder = config.checkpoints_dir()
    backup_dir, log_file = folder / run_name, folder / f"{run_name}.csv"
    best_weights, record_file = (
        folder / f"{run_name}.best.weights.h5",
        folder / f"{run_name}.json",
    )
    fingerprint = _run_fingerprint(model, train_data, epochs, patience, monitor)
    finished = _finished_run(record_file, best_weights, fingerprint)
    if finished is not None:
        model.optimizer.build(
            model.trainable_variables
        )  # So the saved optimizer state has a place to go.
        model.load_weights(best_weights)
        print(
            f"{run_name}: already trained ({finished['epochs_run']} epochs); weights loaded from {best_weights}"
        )
        return finished

    resuming = backup_dir.is_dir() and any(backup_dir.iterdir()) and log_file.is_file()
    if not resuming:
        for stale in (backup_dir, log_file, best_weights, record_file):
            shutil.rmtree(
                stale, ignore_errors=True
            ) if stale.is_dir() else stale.unlink(missing_ok=True)
    backup_dir.mkdir(parents=True, exist_ok=True)
    best_so_far = _read_log(log_file).get(monitor, []) if resuming else []
    callbacks = [
        EpochTimer(),
        *(extra_callbacks or []),  # Before the log, so metrics they add are logged too.
        keras.callbacks.ModelCheckpoint(
            str(best_weights),
            monitor=monitor,
            mode="max",
            save_best_only=True,
            save_weights_only=True,
            initial_value_threshold=max(best_so_far) if best_so_far else None,
        ),
        # A plain-text log of every finished epoch, handy for watching a long headless run.
        keras.callbacks.CSVLogger(str(log_file), append=resuming),
        # Last, so an epoch is checkpointed only once it is logged.
        keras.callbacks.BackupAndRestore(str(backup_dir)),
    ]
    if patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, mode="max", patience=patience
            )
        )
    watchers = [c for c in callbacks if isinstance(c, (keras.callbacks.EarlyStopping, keras.callbacks.ReduceLROnPlateau))]
    if resuming and watchers:
        callbacks.append(MonitorStateRestorer(watchers, _read_log(log_file)))
    model.fit(
        train_data,
        validation_data=validation_data,
        epochs=epochs,
        callbacks=callbacks,
        shuffle=False,  # The datasets shuffle themselves, reproducibly.
        verbose=verbose,
    )
    model.load_weights(best_weights)
    shutil.rmtree(backup_dir, ignore_errors=True)
    log = _read_log(log_file)
    epoch_seconds = log.pop("epoch_seconds")
    log.pop("epoch")
    log.pop("learning_rate", None)
    run = {
        "history": log,
        "epochs_run": len(epoch_seconds),
        "best_epoch": int(np.argmax(log[monitor])) + 1,
        "epoch_seconds": epoch_seconds,
        "training_seconds": float(sum(epoch_seconds)),
    }
    atomic_write_bytes(record_file, json.dumps({"fingerprint": fingerprint, "run": run}).encode())
    return run


def _run_fingerprint(model, train_data, epochs, patience, monitor) -> str:
    """A hash of everything that decides what a finished run would have produced."""
    try:
        batches = len(train_data)
    except TypeError:
        batches = None
    # Layer names are left out: Keras numbers unnamed layers per session (`lstm_1`, `lstm_2`).
    layers = [
        _without_names(layer.get_config()) | {"class": type(layer).__name__}
        for layer in model.layers
    ]
    settings = [
        layers,
        _without_names(model.optimizer.get_config()),
        batches,
        epochs,
        patience,
        monitor,
    ]
    return hashlib.sha256(
        json.dumps(settings, sort_keys=True, default=str).encode()
    ).hexdigest()


def _without_names(settings):
    if isinstance(settings, dict):
        return {
            key: _without_names(value)
            for key, value in settings.items()
            if key != "name"
        }
    if isinstance(settings, list):
        return [_without_names(value) for value in settings]
    return settings


def _finished_run(record_file, weights_file, fingerprint) -> dict | None:
    if not (record_file.is_file() and weights_file.is_file()):
        return None
    record = json.loads(record_file.read_text())
    return record["run"] if record.get("fingerprint") == fingerprint else None


def _read_log(log_file) -> dict[str, list[float]]:
    """The CSV training log as columns of floats."""
    with open(log_file, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {key: [float(row[key]) for row in rows] for key in (rows[0] if rows else {})}


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
            yield pad_sequences(
                [sequences[i] for i in batch], width, "post", truncating
            )

    dataset = tf.data.Dataset.from_generator(
        generate, output_signature=tf.TensorSpec(shape=(None, None), dtype=tf.int32)
    ).apply(tf.data.experimental.assert_cardinality(len(batches)))
    probabilities = np.empty(len(sequences), dtype=np.float32)
    probabilities[np.concatenate(batches)] = model.predict(dataset, verbose=0).ravel()
    return probabilities
