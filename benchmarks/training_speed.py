"""Training speed of the published configurations and ours, side by side on one machine.

    python benchmarks/training_speed.py            # trains every configuration to the end (hours on a CPU)
    python benchmarks/training_speed.py --quick    # throughput only, in under 3 minutes
    python benchmarks/training_speed.py --only published_a ours_imdb

Writes results/benchmark_<device>.json (device: cpu or gpu) and figures/benchmark_<device>.png;
`--quick` writes build/full/benchmarks/benchmark_<device>_quick.json instead, since it trains nothing
to the end. Each configuration runs in a process of its own, so that its peak memory is its own.
Each finished configuration is also kept in build/full/benchmarks/benchmark_<device>_finished/:
a run that was stopped, started again on the same processor with the same settings, reuses them
(`--fresh` does not).

The published IMDB configurations, as the public project ran them: the 10,000 most frequent
words, Embedding(128), Adam(1e-3), five epochs, no mask,
  published_a             maxlen 500, pre-padding, LSTM(128)+Dropout(0.3) twice, batch 64;
  published_b_lstm        maxlen 500, post-padding, one LSTM(128), batch 64;
  published_b_simplernn   maxlen 500, post-padding, one SimpleRNN(128), batch 64;
  published_c             maxlen 200, post-padding, one SimpleRNN(128), batch 32.
Ours: notebook 02's stacked LSTM and notebook 06's encoder-decoder, each a fresh copy of the
committed model's architecture, trained with its notebook's settings (from its results file);
and notebook 02's model again with every review cut to its last 200 tokens instead of 500.
The derivative model is timed, not trained to the end: an epoch takes about 20 minutes on the
CPU, and notebook 06 reports its accuracy.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone

QUICK_STEPS = 10
PUBLISHED = {
    "published_a": {"maxlen": 500, "padding": "pre", "layers": ["lstm", "lstm"], "dropout": 0.3, "batch_size": 64},
    "published_b_lstm": {"maxlen": 500, "padding": "post", "layers": ["lstm"], "dropout": 0.0, "batch_size": 64},
    "published_b_simplernn": {"maxlen": 500, "padding": "post", "layers": ["simple_rnn"], "dropout": 0.0, "batch_size": 64},
    "published_c": {"maxlen": 200, "padding": "post", "layers": ["simple_rnn"], "dropout": 0.0, "batch_size": 32},
}
PUBLISHED_EPOCHS = 5
# Notebook 02's model with its reviews cut to their last 200 tokens: faster, and the benchmark
# measures what that costs in accuracy.
SHORT_MAXLEN = 200
CONFIGS = [*PUBLISHED, "ours_imdb", f"ours_imdb_maxlen_{SHORT_MAXLEN}", "ours_derivative"]
TARGET_VALIDATION_ACCURACY = 0.85
RESULT_PREFIX = "benchmark result: "  # Marks the worker's one line of JSON among its progress output.


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"time {QUICK_STEPS} training steps of each, train none")
    parser.add_argument("--only", nargs="+", choices=CONFIGS, default=CONFIGS, metavar="NAME", help="configurations to run")
    parser.add_argument("--fresh", action="store_true", help="measure again what a stopped run had finished")
    parser.add_argument("--worker", choices=CONFIGS, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        print(RESULT_PREFIX + json.dumps(measure(arguments.worker, arguments.quick)))
        return 0

    finished = None if arguments.quick else _finished_folder()
    measured = []
    for name in arguments.only:
        entry = None if finished is None or arguments.fresh else _finished_entry(finished, name)
        if entry:
            print(f"{name}: finished on this processor at {entry['measured_at']}, reused (--fresh measures again)")
        else:
            print(f"{name}: {'timing' if arguments.quick else 'training'} ...", flush=True)
            command = [sys.executable, __file__, "--worker", name] + (["--quick"] if arguments.quick else [])
            entry, returncode = _run_worker(command)
            if returncode != 0 or entry is None:
                print(f"{name}: failed (exit code {returncode}); see the messages above", file=sys.stderr)
                return 1
            if finished is not None:
                (finished / f"{name}.json").write_text(json.dumps(entry, indent=2))
        measured.append(entry)
        print(describe(entry), flush=True)
    save(measured, arguments.quick)
    return 0


def _run_worker(command: list[str]) -> tuple[dict | None, int]:
    """Run one worker, passing its progress through as it comes, and return its result line."""
    entry = None
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as worker:
        for line in worker.stdout:
            if line.startswith(RESULT_PREFIX):
                entry = json.loads(line.removeprefix(RESULT_PREFIX))
            else:
                print(line, end="", flush=True)
    return entry, worker.returncode


def _finished_folder():
    from lstm_utils import config
    from lstm_utils.results import device_kind

    folder = config.scratch_dir() / "benchmarks" / f"benchmark_{device_kind()}_finished"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _finished_entry(folder, name: str) -> dict | None:
    """What an earlier, stopped run measured for `name`, if it ran on this processor with these settings."""
    from lstm_utils.results import hardware_info

    path = folder / f"{name}.json"
    if not path.is_file():
        return None
    entry = json.loads(path.read_text())
    here = hardware_info()
    same_machine = all(entry["hardware"].get(key) == here[key] for key in ("processor", "cpu_count", "vector_extensions"))
    return entry if same_machine and entry["settings"] == _settings(name) else None


def describe(entry: dict) -> str:
    accuracy = f", test accuracy {entry['test_accuracy']:.4f}" if entry.get("test_accuracy") is not None else ""
    return (
        f"  {entry['samples_per_second']:,.0f} samples/s, {entry['seconds_per_epoch']:,.0f} s per epoch, "
        f"peak memory {entry['peak_memory_mib']:,.0f} MiB{accuracy}"
    )


def measure(name: str, quick: bool) -> dict:
    """Runs in the worker process: train or time one configuration, report its numbers."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if name == "ours_derivative":
        entry = _derivative(quick)
    else:
        entry = _imdb(name, quick)
    entry["peak_memory_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import tensorflow as tf

    from lstm_utils.results import hardware_info

    if tf.config.list_physical_devices("GPU"):
        entry["peak_gpu_memory_mib"] = tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20
    measured_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return {"name": name, **entry, "hardware": hardware_info(), "measured_at": measured_at}


def _imdb(name: str, quick: bool) -> dict:
    import keras
    import tensorflow as tf
    from sklearn.model_selection import train_test_split

    from lstm_utils import config
    from lstm_utils.imdb.data import load_imdb, subsample
    from lstm_utils.imdb.metrics import binary_classification_metrics
    from lstm_utils.training.fit import EpochTimer, set_seeds
    from lstm_utils.training.pipelines import bucketed_dataset, predict_probabilities
    from lstm_utils.training.sequences import pad_sequences

    settings = _settings(name)
    (x_train_all, y_train_all), (x_test, y_test), _ = load_imdb(num_words=10_000)
    if config.is_smoke_mode():
        x_train_all, y_train_all = subsample(x_train_all, y_train_all, 640, seed=0)
        x_test, y_test = subsample(x_test, y_test, 256, seed=0)
    x_train, x_val, y_train, y_val = train_test_split(
        x_train_all, y_train_all, test_size=0.1, stratify=y_train_all, random_state=42
    )
    set_seeds(42)
    if name in PUBLISHED:
        model = _published_model(settings)
        padding = settings["padding"]
        arrays = {
            split: (tf.constant(pad_sequences(x, settings["maxlen"], padding, "pre")), y)
            for split, (x, y) in {"train": (x_train, y_train), "val": (x_val, y_val), "test": (x_test, y_test)}.items()
        }
        train = tf.data.Dataset.from_tensor_slices(arrays["train"]).shuffle(len(x_train), seed=42).batch(settings["batch_size"])
        validation = tf.data.Dataset.from_tensor_slices(arrays["val"]).batch(256)
        epochs, callbacks = PUBLISHED_EPOCHS, []
        optimizer = keras.optimizers.Adam(1e-3)
    else:
        model = _fresh_copy("imdb_stacked_lstm")
        feeding = {"padding": settings["padding"], "bucket_width": settings["bucket_width"]}
        train = bucketed_dataset(
            x_train, y_train, settings["batch_size"], settings["maxlen"], settings["truncating"], seed=42, **feeding
        )
        validation = bucketed_dataset(
            x_val, y_val, settings["batch_size"], settings["maxlen"], settings["truncating"], shuffle=False, **feeding
        )
        epochs = settings["epochs"]
        callbacks = [
            keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=settings["early_stopping_patience"], restore_best_weights=True),
            keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=settings["learning_rate_factor"], patience=0),
        ]
        optimizer = keras.optimizers.Adam(settings["learning_rate"], clipnorm=settings["clipnorm"])
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"], jit_compile=False)
    if quick:
        return _throughput(model, train, len(x_train))

    history = model.fit(
        train, validation_data=validation, epochs=epochs, callbacks=[EpochTimer(), *callbacks], shuffle=False, verbose=2
    )
    if name in PUBLISHED:
        probabilities = model.predict(arrays["test"][0], batch_size=256, verbose=0)[:, 0]
    else:
        probabilities = predict_probabilities(model, x_test, settings["maxlen"], settings["truncating"], **feeding)
    accuracy = binary_classification_metrics(y_test, probabilities)["accuracy"]
    validation_accuracy = history.history["val_accuracy"]
    reached = next((i for i, value in enumerate(validation_accuracy) if value >= TARGET_VALIDATION_ACCURACY), None)
    seconds = history.history["epoch_seconds"]
    return {
        "settings": settings,
        "train_examples": len(x_train),
        "epochs": len(seconds),
        "epoch_seconds": seconds,
        "seconds_per_epoch": sum(seconds) / len(seconds),
        "samples_per_second": len(x_train) * len(seconds) / sum(seconds),
        "validation_accuracy": validation_accuracy,
        "seconds_to_validation_accuracy_085": None if reached is None else sum(seconds[: reached + 1]),
        "test_accuracy": accuracy,
    }


def _derivative(quick: bool) -> dict:
    import keras

    from lstm_utils import config
    from lstm_utils.derivatives.dataset import load_dataset
    from lstm_utils.derivatives.seq2seq import TokenVocabulary, seq2seq_dataset
    from lstm_utils.training.fit import set_seeds

    settings = _committed_config("derivative_models")
    recorded = _settings("ours_derivative")
    size = 5_000 if config.is_smoke_mode() else settings["dataset_size"]
    train = load_dataset(size, settings["seed"], progress=False)["train"]
    sources = [e.source for e in train]
    targets = [e.target for e in train]
    set_seeds(42)
    model = _fresh_copy("derivative_seq2seq")
    model.compile(
        optimizer=keras.optimizers.Adam(settings["seq2seq"]["learning_rate"], clipnorm=settings["seq2seq"]["clipnorm"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    data = seq2seq_dataset(TokenVocabulary.for_notation(), sources, targets, recorded["batch_size"], seed=42)
    # A whole epoch takes about 20 minutes on the CPU: a twentieth of it is timed instead.
    steps = QUICK_STEPS if quick else max(QUICK_STEPS, len(data) // 20)
    entry = _throughput(model, data, len(sources), steps)
    return {"settings": recorded, **entry}


def _settings(name: str) -> dict:
    """What decides a configuration's numbers besides the code: its recorded `settings`."""
    if name == "ours_derivative":
        return {"batch_size": _committed_config("derivative_models")["seq2seq"]["batch_size"]}
    settings = PUBLISHED.get(name) or _committed_config("imdb_comparison")
    if name == f"ours_imdb_maxlen_{SHORT_MAXLEN}":
        settings = {**settings, "maxlen": SHORT_MAXLEN}
    return settings


def _published_model(settings: dict):
    import keras
    from keras import layers

    token_ids = keras.Input(shape=(settings["maxlen"],), dtype="int32")
    sequence = layers.Embedding(10_000, 128)(token_ids)
    for position, kind in enumerate(settings["layers"]):
        last = position == len(settings["layers"]) - 1
        recurrent = layers.LSTM if kind == "lstm" else layers.SimpleRNN
        sequence = recurrent(128, return_sequences=not last)(sequence)
        if settings["dropout"]:
            sequence = layers.Dropout(settings["dropout"])(sequence)
    return keras.Model(token_ids, layers.Dense(1, activation="sigmoid")(sequence))


def _fresh_copy(model_name: str):
    """The committed model's architecture with new weights (the seed is set by the caller)."""
    import keras

    from lstm_utils.saved_models import committed_models_dir, model_files

    model_file, _ = model_files(model_name, committed_models_dir(model_name))
    return keras.models.clone_model(keras.saving.load_model(model_file, compile=False))


def _committed_config(experiment: str) -> dict:
    """The settings a notebook's full run used, from its committed results file."""
    from lstm_utils import config
    from lstm_utils.errors import ConfigurationError

    path = config.REPOSITORY_ROOT / "results" / f"{experiment}.json"
    if not path.is_file():
        raise ConfigurationError(f"{path} not found: the benchmark times the settings of that run (restore it with git checkout)")
    return json.loads(path.read_text())["config"]


def _throughput(model, dataset, examples: int, steps: int = QUICK_STEPS) -> dict:
    """Samples per second over `steps` training steps.

    The same batches are trained on twice and only the second pass is timed: the first traces
    the training step for every batch shape, a cost that a whole epoch spreads thin.
    """
    batches = list(dataset.take(steps))
    samples = sum(_batch_size(batch) for batch in batches)
    for inputs, targets in batches:
        model.train_on_batch(inputs, targets)
    started = time.perf_counter()
    for inputs, targets in batches:
        model.train_on_batch(inputs, targets)
    rate = samples / (time.perf_counter() - started)
    return {"steps_timed": steps, "samples_per_second": rate, "seconds_per_epoch": examples / rate, "test_accuracy": None}


def _batch_size(batch) -> int:
    inputs = batch[0]
    return int((inputs[0] if isinstance(inputs, tuple) else inputs).shape[0])


def save(measured: list[dict], quick: bool) -> None:
    from lstm_utils import config
    from lstm_utils.results import device_kind, save_results

    device = device_kind()
    payload = {"device": device, "configs": measured}
    if quick:
        path = save_results(f"benchmark_{device}_quick", {**payload, "mode": "quick"}, config.scratch_dir() / "benchmarks")
    else:
        path = save_results(f"benchmark_{device}", payload)
        _plot(measured, device)
    print(f"results in {path}")


def _plot(measured: list[dict], device: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lstm_utils.plotting import save_fig

    # Only the IMDB configurations are drawn: the derivative model's epochs are of another task and
    # several times longer, and would squeeze every IMDB bar against the axis.
    trained = [entry for entry in measured if entry.get("test_accuracy") is not None]
    names = [entry["name"] for entry in trained]
    figure, (speed, accuracy) = plt.subplots(1, 2, figsize=(11, 4))
    speed.barh(names, [entry["seconds_per_epoch"] for entry in trained], color="tab:blue")
    speed.set(xlabel="seconds per epoch (lower is faster)", title=f"IMDB training time per epoch ({device.upper()})")
    speed.invert_yaxis()
    accuracy.barh(names, [entry["test_accuracy"] for entry in trained], color="tab:green")
    accuracy.set(xlabel="IMDB test accuracy", xlim=(0.4, 1.0), title="Accuracy after training")
    accuracy.invert_yaxis()
    save_fig(figure, f"benchmark_{device}", show=False)


if __name__ == "__main__":
    sys.exit(main())
