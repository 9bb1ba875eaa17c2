"""The encoder-decoder and plain greedy and beam-search decoding loops, as notebook 06 teaches them in its cells.

`tests/test_twins.py` keeps these and the notebook's cells the same code. The fast batched
decoder, saving and loading live in `seq2seq.py`, which imports Keras only when it needs it, so
that `derive` can refuse a damaged model file before TensorFlow starts.
"""

import keras
import numpy as np
from keras import layers


def build_seq2seq(vocabulary_size, embedding_dim=64, encoder_units=128, decoder_units=256):
    """Bidirectional LSTM encoder, LSTM decoder with dot-product (Luong) attention after it."""
    if decoder_units != 2 * encoder_units:
        raise ValueError("decoder_units must be twice encoder_units: the decoder starts from both directions' states")
    source = keras.Input((None,), dtype="int32", name="source")
    target_in = keras.Input((None,), dtype="int32", name="target_in")

    # The encoder leaves one vector per input token, and its final forward and backward states.
    source_embedded = layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True, name="source_embedding")(source)
    encoder = layers.Bidirectional(layers.LSTM(encoder_units, return_sequences=True, return_state=True), name="encoder")
    encoder_outputs, forward_h, forward_c, backward_h, backward_c = encoder(source_embedded)
    state_h = layers.Concatenate(name="state_h")([forward_h, backward_h])
    state_c = layers.Concatenate(name="state_c")([forward_c, backward_c])

    # The decoder starts from those states and reads the derivative written so far.
    target_embedded = layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True, name="target_embedding")(target_in)
    decoder = layers.LSTM(decoder_units, return_sequences=True, return_state=True, name="decoder")
    decoder_outputs, _, _ = decoder(target_embedded, initial_state=[state_h, state_c])

    # Each decoder output scores every encoder vector by a dot product and reads their weighted average.
    context = layers.Attention(name="attention")([decoder_outputs, encoder_outputs])
    combined = layers.Concatenate(name="decoder_and_context")([decoder_outputs, context])
    attentional = layers.Dense(decoder_units, activation="tanh", name="attentional")(combined)
    next_token = layers.Dense(vocabulary_size, activation="softmax", name="next_token")(attentional)
    return keras.Model([source, target_in], next_token, name="derivative_seq2seq")


def greedy_decode(model, vocabulary, function_line, max_length=40):
    """One derivative, token by token: the model reads the function and what it has written so
    far, and the most likely next token is kept, until it writes `<end>`."""
    source_ids = np.array([vocabulary.encode(function_line)])
    written = [vocabulary.start_id]
    for _ in range(max_length):
        probabilities = model([source_ids, np.array([written])], training=False)
        next_id = int(np.argmax(probabilities[0, -1]))
        if next_id == vocabulary.end_id:
            break
        written.append(next_id)
    return vocabulary.decode(written)


def beam_decode(model, vocabulary, function_line, beam_width=4, max_length=40):
    """The likeliest derivative among `beam_width` hypotheses kept at every step, each scored by
    the sum of its tokens' log-probabilities; a hypothesis that has written `<end>` keeps its
    score and competes with the longer ones as it is."""
    source_ids = np.array([vocabulary.encode(function_line)])
    beam = [([vocabulary.start_id], 0.0)]
    for _ in range(max_length):
        candidates = []
        for written, score in beam:
            if written[-1] == vocabulary.end_id:
                candidates.append((written, score))
                continue
            probabilities = model([source_ids, np.array([written])], training=False)
            log_probabilities = np.log(np.asarray(probabilities[0, -1], dtype=np.float64))
            candidates += [(written + [token], score + log_probabilities[token]) for token in range(len(log_probabilities))]
        beam = sorted(candidates, key=lambda hypothesis: hypothesis[1], reverse=True)[:beam_width]
        if all(written[-1] == vocabulary.end_id for written, _ in beam):
            break
    return vocabulary.decode(beam[0][0])
