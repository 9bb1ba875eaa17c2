import keras
import numpy as np

from lstm_utils import config
from lstm_utils.training import (
    bucketed_dataset,
    fit_resumable,
    predict_probabilities,
    set_seeds,
)


def tiny_sequences(count=40, seed=0):
    rng = np.random.default_rng(seed)
    sequences = np.empty(count, dtype=object)
    sequences[:] = [rng.integers(1, 30, size=n).astype(np.int32) for n in rng.integers(1, 90, size=count)]
    labels = (np.array([s.mean() for s in sequences]) > 15).astype(np.int32)
    return sequences, labels


def tiny_model():
    set_seeds(0)
    token_ids = keras.Input(shape=(None,), dtype="int32")
    vectors = keras.layers.Embedding(30, 8, mask_zero=True)(token_ids)
    state = keras.layers.LSTM(6)(vectors)
    model = keras.Model(token_ids, keras.layers.Dense(1, activation="sigmoid")(state))
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"], jit_compile=False)
    return model


def test_dataset_yields_every_example_once_per_pass_in_a_new_order():
    sequences, labels = tiny_sequences()
    labels = np.arange(len(labels), dtype=np.int32)  # Labels that identify each example.
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50, shuffle=True, seed=1)
    assert int(dataset.cardinality()) == 5
    passes = [[int(y) for _, y_batch in dataset for y in y_batch] for _ in range(2)]
    assert sorted(passes[0]) == sorted(passes[1]) == list(range(40))
    assert passes[0] != passes[1]


def test_predictions_come_back_in_input_order_and_ignore_padding():
    sequences, _ = tiny_sequences()
    model = tiny_model()
    bucketed = predict_probabilities(model, sequences, maxlen=200, batch_size=7)
    one_by_one = [float(model.predict_on_batch(s[None, :])[0, 0]) for s in sequences]
    np.testing.assert_allclose(bucketed, one_by_one, atol=1e-5)


def test_fit_resumable_reports_history_and_cleans_up():
    sequences, labels = tiny_sequences()
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
    run = fit_resumable(tiny_model(), dataset, dataset, epochs=2, run_name="unit", verbose=0)
    assert run["epochs_run"] == 2 and len(run["epoch_seconds"]) == 2
    assert set(run["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert 1 <= run["best_epoch"] <= 2
    assert not (config.checkpoints_dir() / "unit").exists()
    assert len((config.checkpoints_dir() / "unit.csv").read_text().splitlines()) == 3
