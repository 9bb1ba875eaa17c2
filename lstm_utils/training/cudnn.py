"""Which recurrent layers of a model can run on NVIDIA's fused cuDNN kernel, and why not.

On a GPU, Keras runs an `LSTM` or `GRU` layer with cuDNN, many times faster than its generic
step loop, only when the layer keeps cuDNN's fixed cell: `tanh` and `sigmoid`, a bias, no
`recurrent_dropout`, no `unroll` (and, for `GRU`, `reset_after=True`). At run time the mask must
also be right-padded. A layer that breaks one of these rules falls back silently; this module
says so before a long run. `SimpleRNN` has no cuDNN kernel at all and is not checked.
"""

import keras


def cudnn_blockers(model: keras.Model) -> dict[str, list[str]]:
    """For each `LSTM`/`GRU` layer (inside `Bidirectional` too) that would lose cuDNN, the reasons."""
    blockers = {}
    for layer in _recurrent_layers(model):
        reasons = _reasons(layer)
        if reasons:
            blockers[layer.name] = reasons
    return blockers


def _recurrent_layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            yield layer.forward_layer
            yield layer.backward_layer
        elif isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
            yield layer
        elif isinstance(layer, keras.Model):
            yield from _recurrent_layers(layer)


def _reasons(layer) -> list[str]:
    cell = layer.cell
    reasons = []
    if _name(cell.activation) != "tanh":
        reasons.append(f"activation {_name(cell.activation)} (cuDNN: tanh)")
    if _name(cell.recurrent_activation) != "sigmoid":
        reasons.append(f"recurrent_activation {_name(cell.recurrent_activation)} (cuDNN: sigmoid)")
    if cell.recurrent_dropout:
        reasons.append(f"recurrent_dropout {cell.recurrent_dropout} (cuDNN: 0)")
    if layer.unroll:
        reasons.append("unroll=True")
    if not cell.use_bias:
        reasons.append("use_bias=False")
    if isinstance(layer, keras.layers.GRU) and not cell.reset_after:
        reasons.append("reset_after=False")
    if layer.use_cudnn is False:
        reasons.append("use_cudnn=False")
    return reasons


def _name(activation) -> str:
    return keras.activations.serialize(activation) if not isinstance(activation, str) else activation
