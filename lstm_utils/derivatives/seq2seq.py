"""The derivative encoder-decoder: token vocabulary, model, greedy and beam-search decoding.

Notebook 06 trains the model; `python -m lstm_utils derive` loads it. Both need the same
vocabulary and the same decoding code, so they live here.
"""

import json
from pathlib import Path

import numpy as np

from .. import config
from ..saved_models import load_model, load_settings, save_model
from ..training.sequences import pad_sequences
from .notation import FUNCTIONS, VARIABLES, detokenize, tokenize

PAD, START, END = "<pad>", "<start>", "<end>"
MODEL_NAME = "derivative_seq2seq"


class TokenVocabulary:
    """Maps the notation's tokens to integers: 0 padding, 1 start, 2 end, then the tokens."""

    def __init__(self, tokens: list[str]):
        self.tokens = [PAD, START, END, *sorted(set(tokens) - {PAD, START, END})]
        self.index = {token: i for i, token in enumerate(self.tokens)}

    @classmethod
    def for_notation(cls) -> "TokenVocabulary":
        """Every token the notation has: digits, variables, `exp`/`sin`/`cos`, and the symbols."""
        return cls([*"0123456789", *VARIABLES, *FUNCTIONS, *"()^*+-/=d"])

    @classmethod
    def from_texts(cls, texts) -> "TokenVocabulary":
        return cls([token for text in texts for token in tokenize(text)])

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def start_id(self) -> int:
        return self.index[START]

    @property
    def end_id(self) -> int:
        return self.index[END]

    def encode(self, text: str) -> list[int]:
        """Token ids of `text`; a token the vocabulary has never seen raises `KeyError`."""
        return [self.index[token] for token in tokenize(text)]

    def decode(self, ids) -> str:
        """Text of the ids up to the first end token, with padding and start tokens dropped."""
        tokens = []
        for i in ids:
            token = self.tokens[int(i)]
            if token == END:
                break
            if token not in (PAD, START):
                tokens.append(token)
        return detokenize(tokens)

    def to_json(self) -> str:
        return json.dumps({"tokens": self.tokens})

    @classmethod
    def from_json(cls, text: str) -> "TokenVocabulary":
        return cls(json.loads(text)["tokens"])


def teacher_forcing_arrays(vocabulary, sources, targets):
    """Encoder input, decoder input (`<start>` + target) and decoder output (target + `<end>`)."""
    return _teacher_forcing_batch(
        vocabulary,
        [vocabulary.encode(s) for s in sources],
        [vocabulary.encode(t) for t in targets],
    )


def _teacher_forcing_batch(vocabulary, source_ids, target_ids):
    decoder_in = [[vocabulary.start_id, *ids] for ids in target_ids]
    decoder_out = [[*ids, vocabulary.end_id] for ids in target_ids]
    return tuple(pad_sequences(ids, padding="post", truncating="post") for ids in (source_ids, decoder_in, decoder_out))


def seq2seq_dataset(
    vocabulary, sources, targets, batch_size: int, shuffle: bool = True, seed: int = 0
):
    """Teacher-forcing batches of similar-length lines, each padded only to its own longest line.

    Yields `((encoder input, decoder input), decoder target)`; see `teacher_forcing_arrays`.
    """
    import tensorflow as tf

    from ..training.pipelines import batches_dataset

    source_ids = [vocabulary.encode(s) for s in sources]
    target_ids = [vocabulary.encode(t) for t in targets]
    lengths = np.array(
        [max(len(s), len(t) + 1) for s, t in zip(source_ids, target_ids)]
    )

    def make_batch(batch):
        encoder_in, decoder_in, decoder_out = _teacher_forcing_batch(
            vocabulary, [source_ids[i] for i in batch], [target_ids[i] for i in batch]
        )
        return (encoder_in, decoder_in), decoder_out

    matrix = tf.TensorSpec(shape=(None, None), dtype=tf.int32)
    return batches_dataset(
        lengths, batch_size, make_batch, ((matrix, matrix), matrix), shuffle, seed
    )


def seq2seq_passes_dataset(vocabulary, passes, batch_size: int, seed: int = 0):
    """Teacher-forcing batches as `seq2seq_dataset` makes them, pass `k` over `passes[k]`.

    `passes` is a list of equally long lists of `(source, target)` pairs, such as the training
    split followed by fresh draws of generated lines: epoch `k` trains on `passes[k % len(passes)]`,
    so that no line comes back before every pass has been used.
    """
    import tensorflow as tf

    from ..training.pipelines import pass_batches_dataset

    def pass_data(pass_number):
        pairs = passes[pass_number % len(passes)]
        source_ids = [vocabulary.encode(s) for s, _ in pairs]
        target_ids = [vocabulary.encode(t) for _, t in pairs]
        lengths = np.array([max(len(s), len(t) + 1) for s, t in zip(source_ids, target_ids)])

        def make_batch(batch):
            encoder_in, decoder_in, decoder_out = _teacher_forcing_batch(
                vocabulary, [source_ids[i] for i in batch], [target_ids[i] for i in batch]
            )
            return (encoder_in, decoder_in), decoder_out

        return lengths, make_batch

    sizes = {len(pairs) for pairs in passes}
    if len(sizes) != 1:
        raise ValueError(f"every pass needs as many lines; got {sorted(sizes)}")
    matrix = tf.TensorSpec(shape=(None, None), dtype=tf.int32)
    return pass_batches_dataset(pass_data, sizes.pop(), batch_size, ((matrix, matrix), matrix), seed)


class Seq2SeqDecoder:
    """Greedy and beam-search decoding with the layers of a trained `build_seq2seq` model."""

    def __init__(self, model, vocabulary: TokenVocabulary, max_length: int = 40):
        import tensorflow as tf

        self.model = model
        self.vocabulary = vocabulary
        self.max_length = max_length
        layer = model.get_layer
        self._source_embedding = layer("source_embedding")
        self._encoder = layer("encoder")
        self._target_embedding = layer("target_embedding")
        self._decoder = layer("decoder")
        self._attention = layer("attention")
        self._attentional = layer("attentional")
        self._next_token = layer("next_token")
        self._encode = tf.function(self._encode_eager, reduce_retracing=True)
        self._step = tf.function(self._step_eager, reduce_retracing=True)

    def _encode_eager(self, source):
        import tensorflow as tf

        mask = tf.not_equal(source, 0)
        embedded = self._source_embedding(source)
        outputs, forward_h, forward_c, backward_h, backward_c = self._encoder(
            embedded, mask=mask
        )
        state_h = tf.concat([forward_h, backward_h], axis=-1)
        state_c = tf.concat([forward_c, backward_c], axis=-1)
        return outputs, mask, state_h, state_c

    def _step_eager(self, tokens, state_h, state_c, encoder_outputs, source_mask):
        """One decoder step for a batch: log-probabilities of the next token and the new state."""
        import tensorflow as tf

        embedded = self._target_embedding(tokens[:, None])
        output, state_h, state_c = self._decoder(
            embedded, initial_state=[state_h, state_c]
        )
        context, weights = self._attention(
            [output, encoder_outputs],
            mask=[None, source_mask],
            return_attention_scores=True,
        )
        attentional = self._attentional(tf.concat([output, context], axis=-1))
        probabilities = self._next_token(attentional)[:, 0]
        return tf.math.log(probabilities + 1e-9), state_h, state_c, weights[:, 0]

    def encode_sources(self, sources: list[str]) -> np.ndarray:
        return pad_sequences([self.vocabulary.encode(s) for s in sources], padding="post", truncating="post")

    def greedy(
        self,
        source_ids: np.ndarray,
        return_attention: bool = False,
        return_scores: bool = False,
    ):
        """Most likely token at every step, for a whole batch at once.

        With `return_scores`, also the summed log-probability of each text up to its `<end>`;
        with `return_attention`, also the attention weights (batch, written token, input token).
        """
        encoder_outputs, mask, state_h, state_c = self._encode(source_ids)
        batch = source_ids.shape[0]
        tokens = np.full(batch, self.vocabulary.start_id, dtype=np.int32)
        outputs, attention = [], []
        finished = np.zeros(batch, dtype=bool)
        scores = np.zeros(batch)
        for _ in range(self.max_length):
            log_probabilities, state_h, state_c, weights = self._step(
                tokens, state_h, state_c, encoder_outputs, mask
            )
            log_probabilities = log_probabilities.numpy()
            tokens = np.argmax(log_probabilities, axis=-1).astype(np.int32)
            scores += np.where(
                finished, 0.0, log_probabilities[np.arange(batch), tokens]
            )
            outputs.append(tokens)
            if return_attention:
                attention.append(weights.numpy())
            finished |= tokens == self.vocabulary.end_id
            if finished.all():
                break
        texts = [self.vocabulary.decode(row) for row in np.stack(outputs, axis=1)]
        extras = ([np.stack(attention, axis=1)] if return_attention else []) + (
            [scores] if return_scores else []
        )
        return (texts, *extras) if extras else texts

    def beam_search(
        self,
        source_ids: np.ndarray,
        beam_width: int = 4,
        return_scores: bool = False,
        return_all: bool = False,
    ):
        """The highest-scoring sequence among `beam_width` hypotheses kept at every step.

        Scores are summed log-probabilities; a finished hypothesis keeps its score unchanged.
        With `return_scores`, also the winning score of each text. With `return_all`, every
        source gets the list of its distinct final hypotheses, best first, instead of one text.
        """
        import tensorflow as tf

        batch = source_ids.shape[0]
        vocabulary_size = len(self.vocabulary)
        encoder_outputs, mask, state_h, state_c = self._encode(source_ids)
        # Every sentence gets `beam_width` rows: row b * beam_width + j is its hypothesis j.
        repeat = lambda tensor: tf.repeat(tensor, beam_width, axis=0)
        encoder_outputs, mask, state_h, state_c = map(
            repeat, (encoder_outputs, mask, state_h, state_c)
        )
        scores = np.full((batch, beam_width), -np.inf)
        scores[:, 0] = (
            0.0  # All hypotheses start equal; keep one so the first step does not repeat.
        )
        tokens = np.full(batch * beam_width, self.vocabulary.start_id, dtype=np.int32)
        history = np.zeros((batch, beam_width, 0), dtype=np.int32)
        finished = np.zeros((batch, beam_width), dtype=bool)
        for _ in range(self.max_length):
            log_probabilities, state_h, state_c, _ = self._step(
                tokens, state_h, state_c, encoder_outputs, mask
            )
            log_probabilities = log_probabilities.numpy().reshape(
                batch, beam_width, vocabulary_size
            )
            # A finished hypothesis can only be extended by padding, at no cost.
            log_probabilities[finished] = -np.inf
            log_probabilities[finished, 0] = 0.0
            candidates = (scores[:, :, None] + log_probabilities).reshape(batch, -1)
            best = np.argsort(-candidates, axis=1, kind="stable")[:, :beam_width]
            parent, token = (
                best // vocabulary_size,
                (best % vocabulary_size).astype(np.int32),
            )
            scores = np.take_along_axis(candidates, best, axis=1)
            history = np.concatenate(
                [
                    np.take_along_axis(history, parent[:, :, None], axis=1),
                    token[:, :, None],
                ],
                axis=2,
            )
            finished = np.take_along_axis(finished, parent, axis=1) | (
                token == self.vocabulary.end_id
            )
            rows = (parent + np.arange(batch)[:, None] * beam_width).ravel()
            state_h, state_c = tf.gather(state_h, rows), tf.gather(state_c, rows)
            tokens = token.ravel()
            if finished.all():
                break
        if return_all:
            ranked = np.argsort(-scores, axis=1, kind="stable")
            return [
                list(dict.fromkeys(self.vocabulary.decode(history[b, j]) for j in ranked[b] if np.isfinite(scores[b, j])))
                for b in range(batch)
            ]
        best = np.argmax(scores, axis=1)
        texts = [self.vocabulary.decode(row) for row in history[np.arange(batch), best]]
        return (texts, scores[np.arange(batch), best]) if return_scores else texts

    def predict(
        self, sources: list[str], beam_width: int = 1, batch_size: int = 512
    ) -> list[str]:
        """Predicted derivative strings, in order, decoded in length-sorted batches."""
        order = np.argsort([len(s) for s in sources], kind="stable")
        predictions = [""] * len(sources)
        for begin in range(0, len(sources), batch_size):
            chunk = order[begin : begin + batch_size]
            source_ids = self.encode_sources([sources[i] for i in chunk])
            texts = (
                self.greedy(source_ids)
                if beam_width == 1
                else self.beam_search(source_ids, beam_width)
            )
            for i, text in zip(chunk, texts):
                predictions[i] = text
        return predictions

    def candidates(self, sources: list[str], beam_width: int, batch_size: int = 512) -> list[list[str]]:
        """Each source's distinct beam hypotheses, best first, then the greedy text if it is not
        among them: what `derive` lets SymPy check, in that order."""
        beams = [[] for _ in sources]
        order = np.argsort([len(s) for s in sources], kind="stable")
        for begin in range(0, len(sources), batch_size):
            chunk = order[begin : begin + batch_size]
            source_ids = self.encode_sources([sources[i] for i in chunk])
            for i, hypotheses in zip(chunk, self.beam_search(source_ids, beam_width, return_all=True)):
                beams[i] = hypotheses
        greedy = self.predict(sources, batch_size=batch_size)
        return [hypotheses + [text] if text not in hypotheses else hypotheses for hypotheses, text in zip(beams, greedy)]


def greedy_exact_match_callback(vocabulary, sources, targets, max_length: int = 40):
    """A Keras callback that logs `val_exact_match`: greedy whole-derivative accuracy on `sources`.

    Teacher-forced token accuracy flatters a decoder that has never fed back its own output;
    this is the number that matters, measured after every epoch (so early stopping can use it).
    """
    import keras

    class GreedyExactMatch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            predictions = Seq2SeqDecoder(self.model, vocabulary, max_length).predict(
                sources
            )
            logs["val_exact_match"] = float(
                np.mean([p == t for p, t in zip(predictions, targets)])
            )

    return GreedyExactMatch()


def save_seq2seq(model, vocabulary: TokenVocabulary, max_length: int, models_dir=None, **extra):
    """Save the model with its vocabulary, the longest output it decodes and the run mode.

    `extra` settings are stored too, such as the `fingerprint` and training `run` record that
    `saved_models.committed_model` reads.
    """
    settings = {"max_length": max_length, "mode": config.run_mode(), **json.loads(vocabulary.to_json()), **extra}
    return save_model(model, settings, MODEL_NAME, models_dir)


_SAVED = (MODEL_NAME, "derivative", "06_derivative_models.ipynb")
_SETTINGS = ("tokens", "max_length", "mode")


def load_seq2seq(models_dir: Path | None = None) -> Seq2SeqDecoder:
    """The saved derivative model, ready to decode; a clear error when it is missing."""
    name, kind, trained_by = _SAVED
    model, settings = load_model(name, models_dir, kind, trained_by, _SETTINGS)
    return Seq2SeqDecoder(
        model, TokenVocabulary(settings["tokens"]), settings["max_length"]
    )


def saved_seq2seq_mode(models_dir: Path | None = None) -> str:
    """`"full"` or `"smoke"`: the mode of the run that saved the model `load_seq2seq` would load."""
    name, kind, trained_by = _SAVED
    return load_settings(name, models_dir, kind, trained_by, _SETTINGS)["mode"]
