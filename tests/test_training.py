import keras
import numpy as np
import pytest
import tensorflow as tf

from lstm_utils import config
from lstm_utils.training.fit import fit_resumable, replay_monitor_history, set_seeds
from lstm_utils.training.pipelines import array_dataset, bucketed_dataset, predict_probabilities
from lstm_utils.training.sequences import pad_sequences


def tiny_sequences(count=40, seed=0):
    rng = np.random.default_rng(seed)
    sequences = np.empty(count, dtype=object)
    sequences[:] = [
        rng.integers(1, 30, size=n).astype(np.int32)
        for n in rng.integers(1, 90, size=count)
    ]
    labels = (np.array([s.mean() for s in sequences]) > 15).astype(np.int32)
    return sequences, labels


def tiny_model(mask=True):
    set_seeds(0)
    token_ids = keras.Input(shape=(None,), dtype="int32")
    vectors = keras.layers.Embedding(30, 8, mask_zero=mask)(token_ids)
    state = keras.layers.LSTM(6)(vectors)
    model = keras.Model(token_ids, keras.layers.Dense(1, activation="sigmoid")(state))
    model.compile(
        "adam", "binary_crossentropy", metrics=["accuracy"], jit_compile=False
    )
    return model


def test_dataset_yields_every_example_once_per_pass_in_a_new_order():
    sequences, labels = tiny_sequences()
    labels = np.arange(
        len(labels), dtype=np.int32
    )  # Labels that identify each example.
    dataset = bucketed_dataset(
        sequences, labels, batch_size=8, maxlen=50, shuffle=True, seed=1
    )
    assert int(dataset.cardinality()) == 5
    passes = [[int(y) for _, y_batch in dataset for y in y_batch] for _ in range(2)]
    assert sorted(passes[0]) == sorted(passes[1]) == list(range(40))
    assert passes[0] != passes[1]


def test_a_bucketed_dataset_pads_at_the_end_or_in_front():
    sequences, labels = tiny_sequences()
    labels = np.arange(len(labels), dtype=np.int32)  # Labels that identify each example.
    for padding in ("post", "pre"):
        dataset = bucketed_dataset(
            sequences, labels, batch_size=8, maxlen=50, shuffle=False, bucket_width=10, padding=padding
        )
        for x_batch, y_batch in dataset:
            x_batch = x_batch.numpy()
            assert x_batch.shape[1] % 10 == 0
            for row, index in zip(x_batch, y_batch.numpy()):
                kept = sequences[index][-50:]
                padded = np.zeros(x_batch.shape[1], dtype=np.int32)
                if padding == "post":
                    padded[: len(kept)] = kept
                else:
                    padded[len(padded) - len(kept) :] = kept
                np.testing.assert_array_equal(row, padded)


def test_an_array_dataset_gives_every_row_once_per_pass_in_a_new_reproducible_order():
    inputs = np.arange(20 * 3, dtype=np.float32).reshape(20, 3)
    labels = np.arange(20, dtype=np.int32)

    def passes(dataset):
        return [[int(y) for _, y_batch in dataset for y in y_batch] for _ in range(2)]

    dataset = array_dataset(inputs, labels, batch_size=6, seed=3)
    first, second = passes(dataset)
    assert sorted(first) == sorted(second) == list(range(20)) and first != second
    assert passes(array_dataset(inputs, labels, batch_size=6, seed=3)) == [first, second]
    x_batch, y_batch = next(iter(dataset))
    np.testing.assert_array_equal(x_batch.numpy(), inputs[y_batch.numpy()])
    unshuffled = array_dataset(inputs, labels, batch_size=6, shuffle=False)
    assert [int(y) for _, y_batch in unshuffled for y in y_batch] == list(range(20))


def test_predictions_come_back_in_input_order_and_ignore_padding():
    sequences, _ = tiny_sequences()
    model = tiny_model()
    bucketed = predict_probabilities(model, sequences, maxlen=200, batch_size=7)
    one_by_one = [float(model.predict_on_batch(s[None, :])[0, 0]) for s in sequences]
    np.testing.assert_allclose(bucketed, one_by_one, atol=1e-5)


def test_predictions_pad_on_the_side_the_model_was_trained_with():
    # Without a mask the model reads the padding, so the side it sits on changes the prediction.
    sequences = np.random.default_rng(1).integers(1, 30, size=(9, 30)).astype(np.int32)
    model = tiny_model(mask=False)
    in_front = predict_probabilities(model, list(sequences), maxlen=200, padding="pre")
    expected = model.predict_on_batch(pad_sequences(list(sequences), 50, "pre", "pre"))[:, 0]
    np.testing.assert_allclose(in_front, expected, atol=1e-6)
    behind = predict_probabilities(model, list(sequences), maxlen=200)
    assert np.abs(in_front - behind).max() > 1e-4


def test_a_prediction_does_not_depend_on_the_sequences_predicted_with_it():
    sequences, _ = tiny_sequences()
    model = tiny_model(mask=False)
    together = predict_probabilities(model, sequences, maxlen=200, padding="pre", bucket_width=10)
    alone = [predict_probabilities(model, [s], maxlen=200, padding="pre", bucket_width=10)[0] for s in sequences[:5]]
    np.testing.assert_allclose(together[:5], alone, atol=1e-6)


def test_fit_resumable_reports_history_and_keeps_the_finished_run():
    sequences, labels = tiny_sequences()
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
    model = tiny_model()
    run = fit_resumable(model, dataset, dataset, epochs=2, run_name="unit", verbose=0)
    assert run["epochs_run"] == 2 and len(run["epoch_seconds"]) == 2
    assert run["training_seconds"] == sum(run["epoch_seconds"]) > 0
    assert set(run["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert run["best_epoch"] == int(np.argmax(run["history"]["val_accuracy"])) + 1
    folder = config.checkpoints_dir()
    assert not (folder / "unit").exists()
    assert len((folder / "unit.csv").read_text().splitlines()) == 3

    # The same run again is not retrained: its record comes back and its weights are loaded.
    again = tiny_model()
    assert (
        fit_resumable(again, dataset, dataset, epochs=2, run_name="unit", verbose=0)
        == run
    )
    for trained, loaded in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(trained, loaded)


def test_fit_resumable_trains_again_when_the_settings_change():
    sequences, labels = tiny_sequences()
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
    fit_resumable(
        tiny_model(), dataset, dataset, epochs=1, run_name="changed", verbose=0
    )
    run = fit_resumable(
        tiny_model(), dataset, dataset, epochs=2, run_name="changed", verbose=0
    )
    assert run["epochs_run"] == 2


def test_a_fresh_run_trains_again_from_scratch(monkeypatch):
    sequences, labels = tiny_sequences()
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
    fit_resumable(tiny_model(), dataset, dataset, epochs=1, run_name="again", verbose=0)
    monkeypatch.setenv(config.FRESH_ENV_VAR, "1")
    counter = CountBatches()
    run = fit_resumable(tiny_model(), dataset, dataset, epochs=1, run_name="again", verbose=0, extra_callbacks=[counter])
    assert counter.trained == 5 and run["epochs_run"] == 1


class StopAtSecondEpoch(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt


def test_fit_resumable_resumes_after_an_interruption_with_the_whole_history():
    sequences, labels = tiny_sequences()
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
    with pytest.raises(KeyboardInterrupt):
        fit_resumable(
            tiny_model(),
            dataset,
            dataset,
            epochs=3,
            run_name="cut",
            verbose=0,
            extra_callbacks=[StopAtSecondEpoch()],
        )
    first_epoch = (config.checkpoints_dir() / "cut.csv").read_text().splitlines()[1]
    run = fit_resumable(
        tiny_model(), dataset, dataset, epochs=3, run_name="cut", verbose=0
    )
    assert run["epochs_run"] == 3 and len(run["history"]["loss"]) == 3
    assert (config.checkpoints_dir() / "cut.csv").read_text().splitlines()[
        1
    ] == first_epoch


def test_early_stopping_remembers_the_epochs_before_a_restart():
    stopping = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=3)
    stopping.on_train_begin()
    replay_monitor_history(stopping, [0.5, 0.7, 0.6, 0.65])
    assert (stopping.best, stopping.wait) == (0.7, 2)


def test_a_plateau_already_acted_on_is_not_acted_on_again():
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", patience=1)
    plateau.on_train_begin()
    replay_monitor_history(plateau, [0.5, 0.4, 0.45])
    assert (plateau.best, plateau.wait) == (0.4, 0)


def test_a_resumed_fit_gives_plateau_callbacks_the_epochs_before_the_restart():
    sequences, labels = tiny_sequences()
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
    with pytest.raises(KeyboardInterrupt):
        fit_resumable(
            tiny_model(), dataset, dataset, epochs=3, run_name="plateau", verbose=0,
            extra_callbacks=[StopAtSecondEpoch()],
        )
    # The training loss falls, so its highest value is the first epoch's, logged before the cut.
    highest_loss = keras.callbacks.ReduceLROnPlateau(monitor="loss", mode="max", patience=10)
    run = fit_resumable(
        tiny_model(), dataset, dataset, epochs=3, run_name="plateau", verbose=0, extra_callbacks=[highest_loss]
    )
    losses = run["history"]["loss"]
    assert losses[0] == max(losses)
    assert highest_loss.best == pytest.approx(losses[0])


def test_a_dataset_told_to_start_at_a_later_pass_draws_that_pass_order():
    sequences, labels = tiny_sequences()
    labels = np.arange(len(labels), dtype=np.int32)
    fresh = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50, seed=1)
    third_pass = [[int(y) for _, y_batch in fresh for y in y_batch] for _ in range(3)][2]
    resumed = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50, seed=1)
    resumed.batch_order.start_at(2)
    assert [int(y) for _, y_batch in resumed for y in y_batch] == third_pass


class StopWithinAnEpoch(keras.callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.epoch, self.batch = epoch, batch

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.current_epoch, batch) == (self.epoch, self.batch):
            raise KeyboardInterrupt


class CountBatches(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.trained = getattr(self, "trained", 0)

    def on_train_batch_end(self, batch, logs=None):
        self.trained += 1


@pytest.mark.parametrize("cut_epoch", [0, 1])
def test_a_run_cut_within_an_epoch_continues_from_the_last_batch_saved(cut_epoch):
    sequences, labels = tiny_sequences()
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
    validation = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50, shuffle=False)
    uninterrupted = tiny_model()
    expected = fit_resumable(uninterrupted, dataset, validation, epochs=3, run_name="whole", verbose=0)

    with pytest.raises(KeyboardInterrupt):
        fit_resumable(
            tiny_model(), dataset, validation, epochs=3, run_name="cut_within", verbose=0,
            checkpoint_seconds=0, extra_callbacks=[StopWithinAnEpoch(cut_epoch, batch=3)],
        )
    resumed_model, counter = tiny_model(), CountBatches()
    run = fit_resumable(
        resumed_model, dataset, validation, epochs=3, run_name="cut_within", verbose=0,
        checkpoint_seconds=0, extra_callbacks=[counter],
    )
    # Five batches per epoch: the three before the cut are not trained again.
    assert counter.trained == 3 * 5 - (cut_epoch * 5 + 3)
    np.testing.assert_allclose(run["history"]["val_loss"], expected["history"]["val_loss"], rtol=1e-5)
    for resumed, whole in zip(resumed_model.get_weights(), uninterrupted.get_weights()):
        np.testing.assert_allclose(resumed, whole, rtol=1e-5, atol=1e-6)
    assert not (config.checkpoints_dir() / "cut_within.mid-epoch").exists()


def test_a_loss_can_be_the_monitor_with_lower_is_better():
    sequences, labels = tiny_sequences()
    dataset = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50)
    validation = bucketed_dataset(sequences, labels, batch_size=8, maxlen=50, shuffle=False)
    model = tiny_model()
    run = fit_resumable(model, dataset, validation, epochs=3, run_name="lowest", monitor="val_loss", mode="min", verbose=0)
    losses = run["history"]["val_loss"]
    assert run["best_epoch"] == int(np.argmin(losses)) + 1
    assert model.evaluate(validation, verbose=0)[0] == pytest.approx(min(losses), rel=1e-5)
    with pytest.raises(ValueError, match="mode must be"):
        fit_resumable(tiny_model(), dataset, validation, epochs=1, run_name="bad_mode", mode="lowest", verbose=0)


def endless_stream():
    """Padded sequences shuffled anew on every pass and repeated without end, like the adding problem's."""
    sequences, labels = tiny_sequences()
    padded = pad_sequences(sequences, 50, padding="post", truncating="post")
    return tf.data.Dataset.from_tensor_slices((padded, labels)).shuffle(40, seed=1).repeat().batch(8)


@pytest.mark.parametrize("cut_epoch, cut_batch", [(1, 0), (1, 2)])
def test_a_stream_cut_anywhere_resumes_on_the_batches_an_uninterrupted_run_sees(cut_epoch, cut_batch):
    validation = bucketed_dataset(*tiny_sequences(seed=1), batch_size=8, maxlen=50, shuffle=False)
    uninterrupted = tiny_model()
    expected = fit_resumable(
        uninterrupted, endless_stream(), validation, epochs=3, steps_per_epoch=3, run_name="stream", verbose=0
    )
    with pytest.raises(KeyboardInterrupt):
        fit_resumable(
            tiny_model(), endless_stream(), validation, epochs=3, steps_per_epoch=3, run_name="stream_cut",
            verbose=0, checkpoint_seconds=0, extra_callbacks=[StopWithinAnEpoch(cut_epoch, cut_batch)],
        )
    resumed_model, counter = tiny_model(), CountBatches()
    run = fit_resumable(
        resumed_model, endless_stream(), validation, epochs=3, steps_per_epoch=3, run_name="stream_cut",
        verbose=0, checkpoint_seconds=0, extra_callbacks=[counter],
    )
    # A cut epoch of a stream starts again from its first batch.
    assert counter.trained == 3 * 3 - cut_epoch * 3
    assert run["epochs_run"] == 3
    np.testing.assert_allclose(run["history"]["val_loss"], expected["history"]["val_loss"], rtol=1e-5)
    for resumed, whole in zip(resumed_model.get_weights(), uninterrupted.get_weights()):
        np.testing.assert_allclose(resumed, whole, rtol=1e-5, atol=1e-6)


def test_warmup_cosine_rises_to_its_peak_then_falls_to_zero():
    from lstm_utils.training.fit import warmup_cosine

    schedule = warmup_cosine(2e-3, steps=1_000, warmup_share=0.02)
    rates = [float(schedule(step)) for step in (0, 10, 20, 510, 1_000)]
    assert rates[0] == 0.0 and rates[1] == pytest.approx(1e-3) and rates[2] == pytest.approx(2e-3)
    assert rates[3] == pytest.approx(1e-3, rel=1e-3)  # Half-way down the cosine.
    assert rates[4] == pytest.approx(0.0, abs=1e-9)
