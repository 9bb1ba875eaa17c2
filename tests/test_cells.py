import keras
import numpy as np
import pytest

from lstm_utils.errors import LstmTutorialError
from lstm_utils.inside.cells import (
    GATES,
    UnsupportedLayerError,
    lstm_forward,
    simple_rnn_forward,
    split_lstm_weights,
)
from lstm_utils.training.fit import set_seeds

BATCH, STEPS, FEATURES, UNITS = 3, 9, 4, 5
# Keras computes in float32, the NumPy cells in float64; the issue asks for agreement to 1e-5.
TOLERANCE = 1e-5


def built_layer(layer, seed=0):
    """Build `layer` and give it random weights, biases included, so every gate differs."""
    set_seeds(seed)
    layer.build((None, None, FEATURES))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(scale=0.6, size=w.shape) for w in layer.get_weights()])
    return layer


def random_inputs(seed=1):
    return np.random.default_rng(seed).normal(size=(BATCH, STEPS, FEATURES)).astype(np.float32)


def padding_mask():
    """Right padding of different lengths, plus one masked step inside a sequence."""
    mask = np.arange(STEPS) < np.array([[STEPS], [6], [2]])
    mask[0, 4] = False
    return mask


def lstm_layer(**options):
    layer = keras.layers.LSTM(UNITS, return_sequences=True, return_state=True, **options)
    return built_layer(layer)


@pytest.mark.parametrize("use_bias", [True, False])
def test_lstm_matches_keras(use_bias):
    layer, x = lstm_layer(use_bias=use_bias), random_inputs()
    sequence, h_last, c_last = (np.asarray(a) for a in layer(x))
    trace = lstm_forward(layer, x)
    np.testing.assert_allclose(trace.hidden, sequence, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(trace.hidden[:, -1], h_last, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(trace.cell[:, -1], c_last, rtol=0, atol=TOLERANCE)


def test_lstm_cell_state_at_every_step_matches_keras():
    # Keras returns only the last cell state: run it on every prefix to get c_t for each t.
    layer, x = lstm_layer(), random_inputs()
    trace = lstm_forward(layer, x)
    for t in range(STEPS):
        _, _, c_t = layer(x[:, : t + 1])
        np.testing.assert_allclose(trace.cell[:, t], np.asarray(c_t), rtol=0, atol=TOLERANCE)


def test_lstm_with_mask_matches_keras_and_holds_state_on_masked_steps():
    layer, x, mask = lstm_layer(), random_inputs(), padding_mask()
    sequence, h_last, c_last = (np.asarray(a) for a in layer(x, mask=mask))
    trace = lstm_forward(layer, x, mask=mask)
    np.testing.assert_allclose(trace.hidden, sequence, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(trace.hidden[:, -1], h_last, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(trace.cell[:, -1], c_last, rtol=0, atol=TOLERANCE)
    np.testing.assert_array_equal(trace.cell[0, 4], trace.cell[0, 3])
    held = np.broadcast_to(trace.hidden[2, 1], (STEPS - 2, UNITS))
    np.testing.assert_array_equal(trace.hidden[2, 2:], held)
    for gate in GATES:
        assert np.array_equal(np.isnan(trace.gates[gate]).any(axis=2), ~mask)


def test_lstm_gates_are_in_range_and_rebuild_the_states():
    trace = lstm_forward(lstm_layer(), random_inputs())
    for gate in ("input", "forget", "output"):
        assert ((trace.gates[gate] > 0) & (trace.gates[gate] < 1)).all()
    assert (np.abs(trace.gates["candidate"]) < 1).all()
    previous = np.concatenate([np.zeros((BATCH, 1, UNITS)), trace.cell[:, :-1]], axis=1)
    g = trace.gates
    np.testing.assert_allclose(trace.cell, g["forget"] * previous + g["input"] * g["candidate"])
    np.testing.assert_allclose(trace.hidden, g["output"] * np.tanh(trace.cell))


@pytest.mark.parametrize("masked", [False, True])
def test_simple_rnn_matches_keras(masked):
    layer = built_layer(keras.layers.SimpleRNN(UNITS, return_sequences=True, return_state=True))
    x, mask = random_inputs(), padding_mask() if masked else None
    sequence, h_last = (np.asarray(a) for a in layer(x, mask=mask))
    hidden = simple_rnn_forward(layer, x, mask=mask)
    np.testing.assert_allclose(hidden, sequence, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(hidden[:, -1], h_last, rtol=0, atol=TOLERANCE)


def test_gate_split_reproduces_the_packed_weights():
    layer = lstm_layer()
    gates = split_lstm_weights(layer)
    assert list(gates) == list(GATES)
    kernel, recurrent_kernel, bias = layer.get_weights()
    packed_weights = {"kernel": kernel, "recurrent_kernel": recurrent_kernel, "bias": bias}
    for name, packed in packed_weights.items():
        rebuilt = np.concatenate([gates[gate][name] for gate in GATES], axis=-1)
        np.testing.assert_array_equal(rebuilt, packed)
    assert gates["forget"]["kernel"].shape == (FEATURES, UNITS)
    assert gates["forget"]["recurrent_kernel"].shape == (UNITS, UNITS)


def test_keras_puts_the_forget_gate_second():
    # A fresh LSTM initialises the forget-gate bias to 1 and all others to 0 (unit_forget_bias):
    # Keras itself says which block belongs to the forget gate.
    layer = keras.layers.LSTM(UNITS)
    layer.build((None, None, FEATURES))
    biases = {gate: weights["bias"] for gate, weights in split_lstm_weights(layer).items()}
    assert (biases["forget"] == 1).all()
    assert all((biases[gate] == 0).all() for gate in ("input", "candidate", "output"))


@pytest.mark.parametrize(
    "layer, message",
    [
        (keras.layers.GRU(2), "Expected a keras.layers.LSTM"),
        (keras.layers.LSTM(2, recurrent_activation="hard_sigmoid"), "recurrent_activation"),
        (keras.layers.LSTM(2, activation="relu"), "activation='relu'"),
        (keras.layers.LSTM(2, go_backwards=True), "backwards"),
        (keras.layers.LSTM(2), "no weights yet"),
    ],
)
def test_unsupported_lstm_layers_are_refused(layer, message):
    with pytest.raises(UnsupportedLayerError, match=message):
        lstm_forward(layer, random_inputs())


def test_inputs_of_the_wrong_shape_are_refused():
    layer = lstm_layer()
    with pytest.raises(LstmTutorialError, match="x must have shape"):
        lstm_forward(layer, random_inputs()[..., :2])
    with pytest.raises(LstmTutorialError, match="mask must have shape"):
        simple_rnn_forward(built_layer(keras.layers.SimpleRNN(2)), random_inputs(), np.ones(3))
