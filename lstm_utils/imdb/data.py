"""The Large Movie Review Dataset (Maas et al., 2011), loaded from its raw text.

Where the data is looked for, in order:

1. the `path` argument (an archive, an extracted `aclImdb/` folder, or a folder holding either);
2. the folder named by the `LSTM_TUTORIAL_DATA` environment variable;
3. the Keras download cache (`$KERAS_HOME/datasets`, else `~/.keras/datasets`);
4. otherwise the official archive is downloaded once into the Keras cache.

Tokenised datasets are cached on disk, keyed by their parameters, so a second load is fast.
"""

import hashlib
import io
import json
import os
import re
import tarfile
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .. import config
from ..errors import DataError
from ..files import atomic_write_bytes
from .text import WordIndex

IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
IMDB_ARCHIVE_NAME = "aclImdb_v1.tar.gz"
# Checksum of the official archive as registered by TensorFlow Datasets for `imdb_reviews`.
IMDB_ARCHIVE_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
ARCHIVE_NAMES = (IMDB_ARCHIVE_NAME, "aclImdb_v1_labeled.tar.gz")
SPLITS = ("train", "test")
CLASSES = ("neg", "pos")  # label 0 is negative, label 1 is positive
REVIEWS_PER_CLASS = 12_500
# Bump when tokenisation or the cache layout changes, so older caches are rebuilt.
CACHE_FORMAT_VERSION = 1

_REVIEW_PATH = re.compile(r"^(?:\./)?aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")


@dataclass
class RawSplit:
    texts: list[str]
    labels: np.ndarray  # 0 = negative, 1 = positive
    ratings: np.ndarray  # the 1-10 star rating in each file name
    ids: np.ndarray  # the id in each file name; reviews of one film have neighbouring ids


# --------------------------------------------------------------------------- finding the data


def _source_in_folder(folder: Path) -> Path | None:
    """The dataset inside `folder`: an extracted `aclImdb/`, the folder itself, or an archive."""
    if (folder / "train").is_dir() and (folder / "test").is_dir():
        return folder
    if (folder / "aclImdb").is_dir():
        return folder / "aclImdb"
    for name in ARCHIVE_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def _resolve_explicit(path: Path, origin: str) -> Path:
    if path.is_file():
        return path
    if path.is_dir():
        source = _source_in_folder(path)
        if source is not None:
            return source
        raise DataError(
            f"{origin} points at {path}, which holds neither an extracted 'aclImdb/' folder nor "
            f"one of the archives {', '.join(ARCHIVE_NAMES)}."
        )
    raise DataError(f"{origin} points at {path}, which does not exist.")


def find_imdb_source(path: str | os.PathLike | None = None, download: bool = True) -> Path:
    """Locate the dataset (archive file or `aclImdb` folder), downloading it if allowed."""
    if path is not None:
        return _resolve_explicit(Path(path).expanduser(), "The path argument")
    from_env = os.environ.get(config.DATA_ENV_VAR)
    if from_env:
        folder = Path(from_env).expanduser()
        # Notebooks run inside notebooks/, so a relative path is also tried from the repository root.
        if not folder.is_absolute() and not folder.exists():
            folder = config.REPOSITORY_ROOT / folder
        return _resolve_explicit(folder, config.DATA_ENV_VAR)
    keras_cache = config.keras_datasets_dir()
    if keras_cache.is_dir():
        source = _source_in_folder(keras_cache)
        if source is not None:
            return source
    if not download:
        raise DataError(_no_data_message("downloading is switched off"))
    return download_imdb_archive()


def _no_data_message(reason: str) -> str:
    return (
        f"The IMDB dataset could not be found or downloaded ({reason}). "
        f"To work offline, put {IMDB_ARCHIVE_NAME} (or an extracted aclImdb/ folder) in a folder "
        f"and set {config.DATA_ENV_VAR} to it, e.g. `export {config.DATA_ENV_VAR}=../shared/data`."
    )


def download_imdb_archive() -> Path:
    """Download the official archive once into the Keras cache, with a progress bar."""
    import keras  # Imported here: the loader works without TensorFlow when no download is needed.

    target_dir = config.keras_datasets_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    print(f"Downloading the IMDB archive (84 MB) from {IMDB_URL} into {target_dir} ...")
    try:
        downloaded = keras.utils.get_file(
            fname=IMDB_ARCHIVE_NAME,
            origin=IMDB_URL,
            file_hash=IMDB_ARCHIVE_SHA256,
            cache_dir=str(target_dir.parent),
            cache_subdir=target_dir.name,
        )
    except Exception as error:  # noqa: BLE001 - get_file raises bare Exceptions for network failures.
        raise DataError(_no_data_message(f"download failed: {error}")) from None
    return Path(downloaded)


# --------------------------------------------------------------------------- reading raw reviews


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify_listed_checksum(archive: Path) -> None:
    """If a SHA256SUMS file beside the archive lists it, the archive must match."""
    sums_file = archive.parent / "SHA256SUMS"
    if not sums_file.is_file():
        return
    for line in sums_file.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("*") == archive.name:
            if _sha256(archive) != parts[0]:
                raise DataError(
                    f"{archive} does not match its checksum in {sums_file}: the file is damaged "
                    "or incomplete. Copy or download it again."
                )
            return


def _iter_archive_reviews(archive: Path):
    _verify_listed_checksum(archive)
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                match = _REVIEW_PATH.match(member.name)
                if match and member.isfile():
                    text = tar.extractfile(member).read().decode("utf-8")
                    yield match.groups(), text
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError) as error:
        raise DataError(
            f"{archive} is not a readable IMDB archive ({type(error).__name__}: {error}). It is "
            "corrupt, truncated or of another format: delete it and download or copy it again."
        ) from None


def _iter_folder_reviews(folder: Path):
    for split in SPLITS:
        for label in CLASSES:
            class_dir = folder / split / label
            if not class_dir.is_dir():
                continue
            for file in class_dir.iterdir():
                match = _REVIEW_PATH.match(f"aclImdb/{split}/{label}/{file.name}")
                if match:
                    try:
                        yield match.groups(), file.read_text(encoding="utf-8")
                    except (OSError, UnicodeDecodeError) as error:
                        raise DataError(f"Could not read review {file}: {error}") from None


def read_imdb_reviews(
    path: str | os.PathLike | None = None,
    reviews_per_class: int | None = REVIEWS_PER_CLASS,
) -> dict[str, RawSplit]:
    """Raw reviews of the official train and test splits, in a fixed order.

    Only `{train,test}/{pos,neg}/<id>_<rating>.txt` are read: `train/unsup` and every other file
    are ignored. Each of the four folders must hold `reviews_per_class` reviews (pass `None` to
    accept any non-zero count), so a damaged copy never yields a silently partial dataset.
    """
    source = find_imdb_source(path)
    reviews = _iter_archive_reviews(source) if source.is_file() else _iter_folder_reviews(source)
    found: dict[tuple[str, str], list[tuple[int, int, str]]] = {
        (split, label): [] for split in SPLITS for label in CLASSES
    }
    for (split, label, review_id, rating), text in tqdm(
        reviews, desc=f"Reading {source.name}", unit=" reviews", mininterval=1.0
    ):
        found[split, label].append((int(review_id), int(rating), text))
    _check_counts(source, found, reviews_per_class)

    result = {}
    for split in SPLITS:
        texts, labels, ratings, ids = [], [], [], []
        for label_value, label in enumerate(CLASSES):
            for review_id, rating, text in sorted(found[split, label]):
                texts.append(text)
                labels.append(label_value)
                ratings.append(rating)
                ids.append(review_id)
        result[split] = RawSplit(
            texts, np.array(labels, np.int32), np.array(ratings, np.int32), np.array(ids, np.int32)
        )
    return result


def _check_counts(source: Path, found: dict, reviews_per_class: int | None) -> None:
    problems = []
    for (split, label), reviews in found.items():
        if not reviews:
            problems.append(f"{split}/{label} is missing or empty")
        elif reviews_per_class is not None and len(reviews) != reviews_per_class:
            problems.append(f"{split}/{label} holds {len(reviews)} reviews, not {reviews_per_class}")
    if problems:
        raise DataError(
            f"{source} is not a complete IMDB dataset: {'; '.join(problems)}. "
            "Download or copy the archive again."
        )


# --------------------------------------------------------------------------- tokenised, cached


def _source_fingerprint(source: Path) -> dict:
    stat = source.stat()
    return {"path": str(source.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _cache_file(parameters: dict) -> Path:
    key = hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest()[:16]
    return config.cache_dir() / f"imdb_{key}.npz"


def _pack(sequences: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.array([len(s) for s in sequences], np.int64)
    flat = np.fromiter((i for s in sequences for i in s), np.int32, count=int(lengths.sum()))
    return flat, np.cumsum(lengths)[:-1]


def _unpack(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    sequences = np.empty(len(offsets) + 1, dtype=object)
    sequences[:] = np.split(flat, offsets)
    return sequences


def _read_cache(cache_file: Path, parameters: dict):
    """The cached dataset, or None (with a warning) when the file is unusable or stale."""
    if not cache_file.is_file():
        return None
    try:
        with np.load(cache_file, allow_pickle=False) as cached:
            stored = json.loads(str(cached["parameters"]))
            if stored != parameters:
                warnings.warn(
                    f"Ignoring stale IMDB cache {cache_file}: it was built with {stored}, "
                    f"not {parameters}. Rebuilding it.",
                    stacklevel=3,
                )
                return None
            word_index = WordIndex.from_json(str(cached["word_index"]))
            splits = [
                (_unpack(cached[f"x_{s}"], cached[f"offsets_{s}"]), cached[f"y_{s}"].copy()) for s in SPLITS
            ]
    except (OSError, ValueError, KeyError, zlib.error) as error:
        warnings.warn(f"Ignoring unreadable IMDB cache {cache_file} ({error}). Rebuilding it.", stacklevel=3)
        return None
    return splits[0], splits[1], word_index


def _write_cache(cache_file: Path, parameters: dict, splits, word_index: WordIndex) -> None:
    arrays = {"parameters": json.dumps(parameters), "word_index": word_index.to_json()}
    for split, (sequences, labels) in zip(SPLITS, splits):
        arrays[f"x_{split}"], arrays[f"offsets_{split}"] = _pack(sequences)
        arrays[f"y_{split}"] = labels
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    atomic_write_bytes(cache_file, buffer.getvalue())


def load_imdb(
    path: str | os.PathLike | None = None,
    num_words: int = 20_000,
    use_cache: bool = True,
    reviews_per_class: int | None = REVIEWS_PER_CLASS,
):
    """Tokenised IMDB reviews: `(x_train, y_train), (x_test, y_test), word_index`.

    Each sequence starts with the start index 1. The vocabulary holds the `num_words - 3` most
    frequent words of the training split (indices 0-2 are reserved, as in `keras.datasets.imdb`);
    every other word becomes the out-of-vocabulary index 2. Sequences are not padded.
    """
    source = find_imdb_source(path)
    parameters = {
        "source": _source_fingerprint(source),
        "num_words": num_words,
        "reviews_per_class": reviews_per_class,
        "format_version": CACHE_FORMAT_VERSION,
    }
    cache_file = _cache_file(parameters)
    if use_cache:
        cached = _read_cache(cache_file, parameters)
        if cached is not None:
            return cached

    raw = read_imdb_reviews(source, reviews_per_class)
    word_index = WordIndex.from_texts(raw["train"].texts, num_words)
    splits = []
    for split in SPLITS:
        sequences = [
            word_index.encode(text)
            for text in tqdm(raw[split].texts, desc=f"Tokenising {split}", mininterval=1.0)
        ]
        splits.append((sequences, raw[split].labels))
    if use_cache:
        _write_cache(cache_file, parameters, splits, word_index)
    packed = [(_unpack(*_pack(sequences)), labels) for sequences, labels in splits]
    return packed[0], packed[1], word_index


def subsample(x: np.ndarray, y: np.ndarray, size: int, seed: int = 0):
    """A class-balanced random subset of `size` examples (used by smoke mode)."""
    chosen = subsample_indices(y, size, seed)
    return x[chosen], y[chosen]


def subsample_indices(y: np.ndarray, size: int, seed: int = 0) -> np.ndarray:
    """The indices `subsample` keeps, in order: all of them when `size` covers the data."""
    if size >= len(y):
        return np.arange(len(y))
    rng = np.random.default_rng(seed)
    chosen = np.concatenate(
        [rng.choice(np.flatnonzero(y == label), size // 2, replace=False) for label in (0, 1)]
    )
    chosen.sort()
    return chosen


# Reviews of one film have neighbouring ids within a class (up to 30 of them), so blocks this
# long keep nearly every film on one side of a split.
ID_BLOCK = 250


def split_by_id_blocks(
    ids: np.ndarray, labels: np.ndarray, validation_fraction: float, seed: int = 0, block: int = ID_BLOCK
) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation indices that keep the films of the validation reviews out of training.

    Within each class, reviews are grouped in blocks of `block` consecutive ids (`id // block`),
    and whole blocks, chosen at random with `seed`, go to validation until it holds
    `validation_fraction` of the class. A random split would put reviews of the same film, with
    its title, actors and plot, on both sides, and the validation score would flatter a model that
    memorises names. Both index arrays are sorted.
    """
    rng = np.random.default_rng(seed)
    validation = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        blocks = ids[members] // block
        order = rng.permutation(np.unique(blocks))
        wanted, taken = round(validation_fraction * len(members)), 0
        for chosen in order:
            if taken >= wanted:
                break
            in_block = members[blocks == chosen]
            validation.append(in_block)
            taken += len(in_block)
    validation = np.sort(np.concatenate(validation)) if validation else np.array([], dtype=np.int64)
    training = np.setdiff1d(np.arange(len(labels)), validation)
    return training, validation


@dataclass
class LabelledReviews:
    """One split's reviews as token ids, raw texts and 0/1 labels, in the same order."""

    sequences: np.ndarray
    texts: list[str]
    labels: np.ndarray


def load_imdb_splits(
    num_words: int,
    train_examples: int,
    test_examples: int,
    validation_fraction: float,
    seed: int,
    path: str | os.PathLike | None = None,
    reviews_per_class: int | None = REVIEWS_PER_CLASS,
    id_block: int = ID_BLOCK,
) -> tuple[dict[str, LabelledReviews], WordIndex]:
    """Training, validation and test reviews as notebooks 02 and 04 use them, and the word index.

    `train_examples` and `test_examples` class-balanced reviews are kept (all 25,000 in full
    mode); the validation reviews are whole blocks of neighbouring ids (`split_by_id_blocks`),
    so that the films of the validation reviews are not in training.
    """
    raw = read_imdb_reviews(path, reviews_per_class)
    (x_train_all, y_train_all), (x_test, y_test), word_index = load_imdb(
        path, num_words=num_words, reviews_per_class=reviews_per_class
    )
    train_kept = subsample_indices(y_train_all, train_examples, seed)
    test_kept = subsample_indices(y_test, test_examples, seed)
    training, validation = split_by_id_blocks(
        raw["train"].ids[train_kept], y_train_all[train_kept], validation_fraction, seed, id_block
    )

    def part(sequences, labels, texts, kept, chosen=None):
        indices = kept if chosen is None else kept[chosen]
        return LabelledReviews(sequences[indices], [texts[i] for i in indices], labels[indices])

    splits = {
        "train": part(x_train_all, y_train_all, raw["train"].texts, train_kept, training),
        "validation": part(x_train_all, y_train_all, raw["train"].texts, train_kept, validation),
        "test": part(x_test, y_test, raw["test"].texts, test_kept),
    }
    return splits, word_index

