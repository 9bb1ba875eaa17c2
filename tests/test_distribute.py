"""More than one device: `tf.distribute` strategies by name, and training under `MirroredStrategy`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import nbformat
import pytest
import tensorflow as tf
from test_training import tiny_model, tiny_sequences

from lstm_utils import config
from lstm_utils.errors import ConfigurationError
from lstm_utils.notebooks import executed_dir, run_notebooks
from lstm_utils.training.distribute import describe, distribution_strategy, use_mixed_precision_if_asked
from lstm_utils.training.fit import fit_resumable
from lstm_utils.training.pipelines import bucketed_dataset

SCRIPT = Path(__file__).with_name("distributed_script.py")
# Read before the isolated environment of conftest.py hides it from the tests.
DATA = os.environ.get(config.DATA_ENV_VAR)
IMDB_NOTEBOOK = "02_simple_rnn_vs_lstm.ipynb"


def test_two_cpu_replicas_train_a_model_to_the_same_weights_as_one_device():
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SCRIPT.parent), os.environ.get("PYTHONPATH", "")])}
    finished = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, env=environment, timeout=300, check=True
    )
    outcome = json.loads(finished.stdout.strip().splitlines()[-1])
    assert outcome["replicas"] == 2
    assert outcome["largest_change"] > 1e-3  # Training moved the weights ...
    assert outcome["largest_difference"] < 1e-5  # ... and both ways moved them alike.


def test_the_default_strategy_is_one_device_and_is_named_in_one_line(monkeypatch):
    monkeypatch.delenv(config.STRATEGY_ENV_VAR, raising=False)
    strategy = distribution_strategy()
    assert strategy is tf.distribute.get_strategy()
    assert describe(strategy).endswith("with 1 replica")


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({config.STRATEGY_ENV_VAR: "horovod"}, "unknown LSTM_TUTORIAL_STRATEGY 'horovod'"),
        ({config.STRATEGY_ENV_VAR: "multi-worker"}, "needs TF_CONFIG"),
        ({config.STRATEGY_ENV_VAR: "mirrored", config.CPU_DEVICES_ENV_VAR: "two"}, "must be a whole number"),
        ({config.STRATEGY_ENV_VAR: "mirrored", config.CPU_DEVICES_ENV_VAR: "0"}, "must be a whole number"),
    ],
)
def test_a_strategy_that_cannot_be_had_is_refused_with_the_reason(variables, message, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        distribution_strategy()


def test_splitting_the_cpu_after_tensorflow_started_says_when_it_must_be_done(monkeypatch):
    tf.constant(1.0)  # TensorFlow has started.
    monkeypatch.setenv(config.STRATEGY_ENV_VAR, "mirrored")
    monkeypatch.setenv(config.CPU_DEVICES_ENV_VAR, "3")
    with pytest.raises(ConfigurationError, match="before the first cell that trains"):
        distribution_strategy()


def test_training_refuses_a_model_built_outside_the_strategy():
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    sequences, labels = tiny_sequences()
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
    with pytest.raises(ConfigurationError, match="inside `with strategy.scope"):
        fit_resumable(tiny_model(), dataset, dataset, epochs=1, run_name="outside", strategy=strategy)
    assert not config.checkpoints_dir().exists()


@pytest.fixture
def float32_afterwards():
    yield
    keras.mixed_precision.set_global_policy("float32")


def test_mixed_precision_is_declined_on_a_cpu_with_the_reason(monkeypatch, capsys, float32_afterwards):
    monkeypatch.setenv(config.MIXED_PRECISION_ENV_VAR, "1")
    assert use_mixed_precision_if_asked() == "float32"
    assert keras.mixed_precision.global_policy().name == "float32"
    assert "no GPU" in capsys.readouterr().out


def test_mixed_precision_on_a_gpu_computes_in_float16_and_answers_in_float32(monkeypatch, float32_afterwards):
    monkeypatch.setenv(config.MIXED_PRECISION_ENV_VAR, "1")
    physical_devices = tf.config.list_physical_devices
    monkeypatch.setattr(
        tf.config, "list_physical_devices", lambda kind=None: ["GPU:0"] if kind == "GPU" else physical_devices(kind)
    )
    assert use_mixed_precision_if_asked() == "mixed_float16"
    token_ids = keras.Input(shape=(None,), dtype="int32")
    state = keras.layers.LSTM(4)(keras.layers.Embedding(10, 4)(token_ids))
    model = keras.Model(token_ids, keras.layers.Dense(1, activation="sigmoid", dtype="float32")(state))
    assert model.layers[2].compute_dtype == "float16" and model.layers[2].variable_dtype == "float32"
    assert model(tf.constant([[1, 2, 3]])).dtype == "float32"


def test_without_the_setting_training_stays_in_float32(monkeypatch, float32_afterwards):
    monkeypatch.delenv(config.MIXED_PRECISION_ENV_VAR, raising=False)
    assert use_mixed_precision_if_asked() == "float32"


def metrics_of(folder):
    models = json.loads((folder / "results" / "imdb_comparison.json").read_text())["models"]
    return {
        name: {"losses": [*run["history"]["loss"], *run["history"]["val_loss"]], "test_accuracy": run["test"]["accuracy"]}
        for name, run in models.items()
        if "history" in run  # The bag-of-words baseline trains no network.
    }


@pytest.mark.slow
def test_the_imdb_notebook_trains_on_two_cpu_replicas_like_on_one_device(tmp_path, monkeypatch):
    if not DATA:
        pytest.skip(f"{config.DATA_ENV_VAR} is not set: notebook 02 needs the IMDB archive")
    monkeypatch.setenv(config.SMOKE_ENV_VAR, "1")
    monkeypatch.setenv(config.DATA_ENV_VAR, DATA)
    monkeypatch.setenv(config.OUTPUT_ENV_VAR, str(tmp_path / "one"))
    run_notebooks([IMDB_NOTEBOOK])
    monkeypatch.setenv(config.OUTPUT_ENV_VAR, str(tmp_path / "two"))
    monkeypatch.setenv(config.STRATEGY_ENV_VAR, "mirrored")
    monkeypatch.setenv(config.CPU_DEVICES_ENV_VAR, "2")
    run_notebooks([IMDB_NOTEBOOK])

    executed = nbformat.read(executed_dir() / IMDB_NOTEBOOK, as_version=4)
    printed = "".join(output.get("text", "") for cell in executed.cells for output in cell.get("outputs", []))
    assert "Training with MirroredStrategy with 2 replicas" in printed
    # Dropout draws different masks on each replica, so the two runs agree closely, not exactly:
    # after one smoke epoch their validation losses have been seen 0.016 apart.
    one_device, two_replicas = metrics_of(tmp_path / "one"), metrics_of(tmp_path / "two")
    assert one_device.keys() == two_replicas.keys() == {"simple_rnn", "stacked_lstm"}
    for name, metrics in one_device.items():
        assert two_replicas[name]["losses"] == pytest.approx(metrics["losses"], abs=0.03)
        assert two_replicas[name]["test_accuracy"] == pytest.approx(metrics["test_accuracy"], abs=0.1)
