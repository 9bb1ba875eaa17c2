"""Training: seeds, a learning-rate schedule, and `fit` that survives interruptions (`fit_resumable`)."""

import csv
import hashlib
import json
import shutil
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from .. import config
from ..errors import ConfigurationError
from ..files import atomic_write_bytes
from .pipelines import BatchOrder


def set_seeds(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow in one call."""
    keras.utils.set_random_seed(seed)


def warmup_cosine(peak_rate: float, steps: int, warmup_share: float) -> keras.optimizers.schedules.LearningRateSchedule:
    """A learning rate warmed up linearly to `peak_rate` over the first `warmup_share` of `steps`,
    then decayed to zero along a cosine over the rest. Keras counts the steps in the optimizer,
    whose state every checkpoint keeps, so a resumed run continues on the same curve."""
    warmup = max(int(warmup_share * steps), 1)
    return keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=steps - warmup, warmup_target=peak_rate, warmup_steps=warmup
    )


class PassPerEpoch(keras.callbacks.Callback):
    """Gives epoch `k` the batch order of pass `k` (see `BatchOrder`).

    Set at the start of each epoch rather than counted, because a distribution strategy
    may open the dataset once more before training to inspect it.
    """

    def __init__(self, batch_order: "BatchOrder | None"):
        super().__init__()
        self.batch_order = batch_order

    def on_epoch_begin(self, epoch, logs=None):
        if self.batch_order is not None:
            self.batch_order.start_at(epoch)


class EpochTimer(keras.callbacks.Callback):
    """Adds the wall-clock seconds of every epoch to the logs, as `epoch_seconds`.

    `carried_seconds` are added to the first epoch: the time it ran before an interruption.
    """

    def __init__(self, carried_seconds: float = 0.0):
        super().__init__()
        self.carried_seconds = carried_seconds

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter() - self.carried_seconds
        self.carried_seconds = 0.0

    def on_epoch_end(self, epoch, logs=None):
        logs["epoch_seconds"] = time.perf_counter() - self._started


def improves(value: float, best: float | None, higher_is_better: bool, delta: float = 0.0) -> bool:
    """Whether `value` beats `best` by more than `delta` (anything beats no best yet)."""
    if best is None:
        return True
    return value > best + delta if higher_is_better else value < best - delta


class BestWeights(keras.callbacks.Callback):
    """Keeps the weights of the epoch with the best `monitor` (highest, or lowest with `mode="min"`).

    Unlike `ModelCheckpoint`, a kill while the file is written leaves the previous best whole.
    """

    def __init__(self, path: Path, monitor: str, best: float | None = None, mode: str = "max"):
        super().__init__()
        self.path, self.monitor, self.best, self.mode = path, monitor, best, mode

    def on_epoch_end(self, epoch, logs=None):
        value = logs[self.monitor]
        if improves(value, self.best, higher_is_better=self.mode == "max"):
            self.best = value
            temporary = self.path.with_name(f".tmp.{self.path.name}")
            self.model.save_weights(temporary)
            temporary.replace(self.path)


class MidEpochCheckpoint(keras.callbacks.Callback):
    """Saves weights and optimizer state every `every_seconds` during an epoch.

    Long epochs (an hour on a CPU) are then not lost to an interruption: `fit_resumable`
    continues the epoch from the last batch saved. The files go once the epoch has ended
    and its own checkpoint is written, so this callback must come after `BackupAndRestore`.
    """

    def __init__(self, folder: Path, every_seconds: float, resumed: dict | None = None):
        super().__init__()
        self.folder, self.every_seconds, self.resumed = folder, every_seconds, resumed

    def on_train_begin(self, logs=None):
        if self.resumed is not None:
            if not self.model.optimizer.built:  # Nothing saved at an epoch's end has built it.
                self.model.optimizer.build(self.model.trainable_variables)
            self.model.load_weights(self.folder / self.resumed["weights"])

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch, self._last_saved = epoch, time.perf_counter()
        resumed, self.resumed = self.resumed or {}, None
        self._batches_before = resumed.get("batches", 0)
        self._started = time.perf_counter() - resumed.get("seconds", 0.0)

    def on_train_batch_end(self, batch, logs=None):
        if time.perf_counter() - self._last_saved >= self.every_seconds:
            self._save(self._batches_before + batch + 1)
            self._last_saved = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        shutil.rmtree(self.folder, ignore_errors=True)

    def _save(self, batches: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        weights = f"batch-{batches}.weights.h5"
        self.model.save_weights(self.folder / weights)
        seconds = time.perf_counter() - self._started
        state = {"epoch": self._epoch, "batches": batches, "seconds": seconds, "weights": weights}
        atomic_write_bytes(self.folder / "state.json", json.dumps(state).encode())
        for older in self.folder.glob("batch-*.weights.h5"):
            if older.name != weights:
                older.unlink()


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
        if improves(value, callback.best, higher_is_better, delta):
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
    mode: str = "max",
    extra_callbacks: list | None = None,
    verbose: int = 1,
    checkpoint_seconds: float | None = 600,
    strategy: tf.distribute.Strategy | None = None,
    steps_per_epoch: int | None = None,
) -> dict:
    """`model.fit` that survives interruptions and is not repeated once it has finished.

    - Every epoch is checkpointed (weights and optimizer state), and within an epoch every
      `checkpoint_seconds` too; a run killed half-way continues from the last batch saved
      when started again, with the batches an uninterrupted run would have seen (for
      datasets from `batches_dataset`). The training metrics of a resumed epoch cover the
      batches after the restart; its `epoch_seconds` include the time before it.
    - The weights of the best epoch by `monitor` (higher is better; lower with `mode="min"`,
      for a loss) are kept and restored at the end; with `patience`, training stops once
      `monitor` has not improved for that many epochs, counted across restarts (early
      stopping and `ReduceLROnPlateau` callbacks are given back the history they saw
      before an interruption).
    - A finished run is stored beside the checkpoints: calling again with the same model,
      optimizer, data size and epochs loads its weights and returns its record at once.
      Set `LSTM_TUTORIAL_FRESH=1` (or run `python -m lstm_utils notebooks --fresh`) to train
      from scratch instead.
    - With a `strategy` (see `lstm_utils.training.distribute`), the model must have been built and
      compiled inside `strategy.scope()`; this is checked before any training.
    - With `steps_per_epoch`, `train_data` is one endless stream (a repeated `tf.data`
      dataset) and an epoch is that many batches of it; a resumed run skips the batches
      already trained on, so it too sees what an uninterrupted run would have seen. Such
      epochs are checkpointed at their end only: a second pass over a reshuffling stream
      would not repeat the first, so a cut epoch is trained again from its start.

    Returns the per-epoch history (including epochs before a restart), epoch durations,
    total training time and the best epoch.
    """
    if strategy is not None and not all(strategy.extended.variable_created_in_scope(v.value) for v in model.variables):
        raise ConfigurationError(
            f"model {model.name!r} was built outside the strategy's scope: build and compile it "
            "inside `with strategy.scope():`"
        )
    folder = config.checkpoints_dir()
    backup_dir, log_file = folder / run_name, folder / f"{run_name}.csv"
    mid_epoch_dir = folder / f"{run_name}.mid-epoch"
    best_weights, record_file = (
        folder / f"{run_name}.best.weights.h5",
        folder / f"{run_name}.json",
    )
    if mode not in ("max", "min"):
        raise ValueError(f"mode must be 'max' or 'min', got {mode!r}")
    best_of = max if mode == "max" else min
    fingerprint = _run_fingerprint(model, train_data, epochs, patience, monitor, mode, steps_per_epoch)
    if config.is_fresh_run():
        _remove(backup_dir, mid_epoch_dir, log_file, best_weights, record_file)
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

    resuming = log_file.is_file() and (
        (backup_dir.is_dir() and any(backup_dir.iterdir())) or (mid_epoch_dir / "state.json").is_file()
    )
    if not resuming:
        _remove(backup_dir, mid_epoch_dir, log_file, best_weights, record_file)
    backup_dir.mkdir(parents=True, exist_ok=True)
    # A resumed epoch is finished in a `fit` of its own, on the batches it had not yet seen.
    while True:
        first_epoch = _epochs_checkpointed(backup_dir)
        mid_epoch = _mid_epoch_state(mid_epoch_dir, first_epoch)
        log = _read_log(log_file) if log_file.is_file() else {}
        best_so_far = log.get(monitor, [])
        callbacks = [
            EpochTimer(mid_epoch["seconds"] if mid_epoch else 0.0),
            PassPerEpoch(getattr(train_data, "batch_order", None)),
            *(extra_callbacks or []),  # Before the log, so metrics they add are logged too.
            BestWeights(best_weights, monitor, best_of(best_so_far) if best_so_far else None, mode),
            # A plain-text log of every finished epoch, handy for watching a long headless run.
            keras.callbacks.CSVLogger(str(log_file), append=bool(log)),
            # After the log, so an epoch is checkpointed only once it is logged.
            # With a second copy, so a kill while one is being written leaves the other.
            keras.callbacks.BackupAndRestore(str(backup_dir), delete_checkpoint=False, double_checkpoint=True),
        ]
        if checkpoint_seconds is not None and steps_per_epoch is None:
            callbacks.append(MidEpochCheckpoint(mid_epoch_dir, checkpoint_seconds, mid_epoch))
        if patience is not None:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor=monitor, mode=mode, patience=patience
                )
            )
        watchers = [c for c in callbacks if isinstance(c, (keras.callbacks.EarlyStopping, keras.callbacks.ReduceLROnPlateau))]
        if log and watchers:
            callbacks.append(MonitorStateRestorer(watchers, log))
        # A stream (which has no mid-epoch saves) skips every batch of the epochs trained so far.
        batches_done = mid_epoch["batches"] if mid_epoch else first_epoch * (steps_per_epoch or 0)
        model.fit(
            train_data.skip(batches_done) if batches_done else train_data,
            validation_data=validation_data,
            epochs=first_epoch + 1 if mid_epoch else epochs,
            steps_per_epoch=steps_per_epoch,
            callbacks=callbacks,
            shuffle=False,  # The datasets shuffle themselves, reproducibly.
            verbose=verbose,
        )
        if not mid_epoch or model.stop_training or first_epoch + 1 >= epochs:
            break
    model.load_weights(best_weights)
    shutil.rmtree(backup_dir, ignore_errors=True)
    log = _read_log(log_file)
    epoch_seconds = log.pop("epoch_seconds")
    log.pop("epoch")
    log.pop("learning_rate", None)
    run = {
        "history": log,
        "epochs_run": len(epoch_seconds),
        "best_epoch": int(np.argmax(log[monitor]) if mode == "max" else np.argmin(log[monitor])) + 1,
        "epoch_seconds": epoch_seconds,
        "training_seconds": float(sum(epoch_seconds)),
    }
    atomic_write_bytes(record_file, json.dumps({"fingerprint": fingerprint, "run": run}).encode())
    return run


def _remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def _epochs_checkpointed(backup_dir: Path) -> int:
    """How many epochs `BackupAndRestore` has saved, so the epoch a resumed run starts at."""
    metadata = backup_dir / "training_metadata.json"
    return json.loads(metadata.read_text())["epoch"] if metadata.is_file() else 0


def _mid_epoch_state(folder: Path, epoch: int) -> dict | None:
    """The last mid-epoch save of `epoch`, or `None` if there is none to continue from."""
    state_file = folder / "state.json"
    if not state_file.is_file():
        return None
    state = json.loads(state_file.read_text())
    if state["epoch"] != epoch or not (folder / state["weights"]).is_file():
        return None
    return state


def _run_fingerprint(model, train_data, epochs, patience, monitor, mode, steps_per_epoch) -> str:
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
    # Only when set, so the records of runs finished before these options existed still match.
    if mode != "max":
        settings.append(mode)
    if steps_per_epoch is not None:
        settings.append(steps_per_epoch)
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
