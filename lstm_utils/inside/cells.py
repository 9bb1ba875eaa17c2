"""The LSTM and SimpleRNN cells from scratch in NumPy, run on the weights of Keras layers.

Notebook 04 writes `lstm_forward` and `simple_rnn_forward` in its cells, where it teaches them;
`tests/test_twins.py` keeps those cells and the functions here the same code.

Running the textbook equations step by step on a Keras layer's own weights, and getting Keras'
numbers back, shows that nothing else happens inside the layer. It also exposes what Keras does
not return: the cell state at every step and the four gate activations over time.
"""

from dataclasses import dataclass

import keras
import numpy as np

from ..errors import LstmTutorialError

GATES = ("input", "forget", "candidate", "output")
"""The LSTM's gates in the order Keras packs them side by side (i, f, c, o)."""


class UnsupportedLayerError(LstmTutorialError):
    """A Keras layer these NumPy cells cannot reproduce (wrong type, activation or direction)."""


@dataclass(frozen=True)
class LstmTrace:
    """Everything an LSTM computes over a batch of sequences; every array is (batch, time, units).

    `hidden` holds h_t and `cell` holds c_t; `gates` maps each name in `GATES` to its activation.
    On a masked step the gates did not act, so they hold NaN there (plots leave a gap; average
    with `np.nanmean`), while `hidden` and `cell` repeat the previous step's values.
    """

    hidden: np.ndarray
    cell: np.ndarray
    gates: dict[str, np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + e^-z), written with tanh so large |z| cannot overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def split_lstm_weights(layer: keras.layers.LSTM) -> dict[str, dict[str, np.ndarray]]:
    """The LSTM's packed weights as four gates: `{gate: {"kernel", "recurrent_kernel", "bias"}}`.

    Keras keeps all four gates in one kernel (input_dim, 4*units), one recurrent kernel
    (units, 4*units) and one bias (4*units,), as column blocks in the order of `GATES`, so that
    one matrix product gives every pre-activation at once. In a gate, `kernel` multiplies x_t and
    `recurrent_kernel` multiplies h_{t-1}: stacked, they are the W of the textbook W·[h_{t-1}, x_t]
    (transposed, as Keras multiplies row vectors from the right). Arrays are float64 copies.
    """
    check_layer(layer, keras.layers.LSTM)
    kernel, recurrent_kernel, bias = float64_weights(layer)
    blocks = zip(
        GATES, np.split(kernel, 4, axis=1), np.split(recurrent_kernel, 4, axis=1), np.split(bias, 4)
    )
    return {
        gate: {"kernel": k, "recurrent_kernel": u, "bias": b} for gate, k, u, b in blocks
    }


def lstm_forward(layer: keras.layers.LSTM, x, mask=None) -> LstmTrace:
    """Run the LSTM equations step by step on a batch `x` of shape (batch, time, features).

    In float64, from a zero state, at every step t:
        f_t = σ(W_f·[h_{t-1}, x_t] + b_f)        forget gate
        i_t = σ(W_i·[h_{t-1}, x_t] + b_i)        input gate
        c̃_t = tanh(W_c·[h_{t-1}, x_t] + b_c)     candidate
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t
        o_t = σ(W_o·[h_{t-1}, x_t] + b_o)        output gate
        h_t = o_t ⊙ tanh(c_t)
    `mask` (batch, time), True where a step is real, has Keras' meaning: on a masked step h and c
    keep their previous values. `trace.hidden` then equals Keras' `return_sequences` output.
    """
    weights = split_lstm_weights(layer)
    x, mask = checked_inputs(x, mask, weights["input"]["kernel"].shape[0])
    batch, steps, _ = x.shape
    shape = (batch, steps, layer.units)
    hidden, cell = np.empty(shape), np.empty(shape)
    gates = {gate: np.full(shape, np.nan) for gate in GATES}
    h, c = np.zeros((batch, layer.units)), np.zeros((batch, layer.units))

    def pre_activation(gate, x_t):
        """W·[h_{t-1}, x_t] + b for one gate, as Keras' two kernels compute it."""
        return x_t @ weights[gate]["kernel"] + h @ weights[gate]["recurrent_kernel"] + weights[gate]["bias"]

    for t in range(steps):
        f = sigmoid(pre_activation("forget", x[:, t]))
        i = sigmoid(pre_activation("input", x[:, t]))
        candidate = np.tanh(pre_activation("candidate", x[:, t]))
        o = sigmoid(pre_activation("output", x[:, t]))
        real = mask[:, t, None]
        c = np.where(real, f * c + i * candidate, c)
        h = np.where(real, o * np.tanh(c), h)
        hidden[:, t], cell[:, t] = h, c
        for gate, value in zip(GATES, (i, f, candidate, o)):
            gates[gate][:, t] = np.where(real, value, np.nan)
    return LstmTrace(hidden=hidden, cell=cell, gates=gates)


def simple_rnn_forward(layer: keras.layers.SimpleRNN, x, mask=None) -> np.ndarray:
    """The hidden states h_t = tanh(W·x_t + U·h_{t-1} + b) of a SimpleRNN, (batch, time, units).

    Runs in float64 from a zero state; `mask` works as in `lstm_forward`.
    """
    check_layer(layer, keras.layers.SimpleRNN)
    kernel, recurrent_kernel, bias = float64_weights(layer)
    x, mask = checked_inputs(x, mask, kernel.shape[0])
    hidden = np.empty((*x.shape[:2], layer.units))
    h = np.zeros((x.shape[0], layer.units))
    for t in range(x.shape[1]):
        h = np.where(mask[:, t, None], np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias), h)
        hidden[:, t] = h
    return hidden



def check_layer(layer, kind) -> None:
    """Refuse a layer whose computation differs from the equations here, rather than disagree."""
    if not isinstance(layer, kind):
        raise UnsupportedLayerError(f"Expected a keras.layers.{kind.__name__}, got {layer!r}.")
    expected = {"activation": "tanh"}
    if kind is keras.layers.LSTM:
        expected["recurrent_activation"] = "sigmoid"
    for name, wanted in expected.items():
        found = keras.activations.serialize(getattr(layer, name))
        if found != wanted:
            raise UnsupportedLayerError(
                f"{layer.name} uses {name}={found!r}; the NumPy cell implements {wanted!r} only."
            )
    if layer.go_backwards:
        raise UnsupportedLayerError(f"{layer.name} runs backwards; the NumPy cell runs forwards.")
    if not layer.built:
        raise UnsupportedLayerError(f"{layer.name} has no weights yet: call it on an input first.")


def float64_weights(layer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kernel, recurrent kernel and bias as float64; a layer without bias gets zeros."""
    kernel, recurrent_kernel, *bias = (w.astype(np.float64) for w in layer.get_weights())
    return kernel, recurrent_kernel, bias[0] if bias else np.zeros(kernel.shape[1])


def checked_inputs(x, mask, features: int) -> tuple[np.ndarray, np.ndarray]:
    """`x` as float64 (batch, time, features) and the mask as booleans, all True when None."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3 or x.shape[2] != features:
        raise LstmTutorialError(f"x must have shape (batch, time, {features}), got {x.shape}.")
    if mask is None:
        return x, np.ones(x.shape[:2], dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != x.shape[:2]:
        raise LstmTutorialError(f"mask must have shape {x.shape[:2]} like x's, got {mask.shape}.")
    return x, mask
