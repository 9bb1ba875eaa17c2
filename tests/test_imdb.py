import shutil
import tarfile

import numpy as np
import pytest

from conftest import TINY_REVIEWS, build_archive
from lstm_utils import config
from lstm_utils.errors import DataError
from lstm_utils.imdb import data as imdb
from lstm_utils.imdb.text import OOV_INDEX, START_INDEX


def load_tiny(path, **options):
    return imdb.load_imdb(path, num_words=10, reviews_per_class=3, **options)


def test_loads_official_split_with_labels_from_folders(tiny_archive):
    (x_train, y_train), (x_test, y_test), word_index = load_tiny(tiny_archive)
    assert len(x_train) == len(y_train) == 6 and len(x_test) == len(y_test) == 6
    assert y_train.tolist() == [0, 0, 0, 1, 1, 1]
    assert all(sequence[0] == START_INDEX for sequence in x_train)
    # Negative reviews come first, ordered by review id.
    assert word_index.decode(x_train[0]) == "<start> a bad film"


def test_unlabelled_and_other_files_are_ignored(tiny_archive):
    raw = imdb.read_imdb_reviews(tiny_archive, reviews_per_class=3)
    assert not any("unlabelled" in text for split in raw.values() for text in split.texts)
    assert raw["train"].ratings.tolist() == [2, 2, 2, 8, 8, 8]


def test_vocabulary_comes_from_the_training_split_only(tiny_archive):
    _, (x_test, _), word_index = load_tiny(tiny_archive)
    assert "wonderful" not in word_index.word_to_index
    assert word_index.decode(x_test[4]) == "<start> a <oov> film"
    # "great" (7 times) and "bad" (5 times) are the most frequent training words.
    assert word_index.word_to_index["great"] == 3 and word_index.word_to_index["bad"] == 4


def test_html_breaks_are_stripped_and_text_lowercased(tiny_archive):
    (x_train, _), _, word_index = load_tiny(tiny_archive)
    assert word_index.decode(x_train[1]) == "<start> bad bad acting boring"


def test_num_words_limits_indices(tiny_archive):
    (x_train, _), _, word_index = imdb.load_imdb(tiny_archive, num_words=5, reviews_per_class=3)
    assert max(int(max(s)) for s in x_train) == 4
    assert OOV_INDEX in x_train[1] or OOV_INDEX in x_train[2]
    assert len(word_index) == 5


def test_extracted_folder_gives_the_same_dataset(tiny_archive, tmp_path):
    extracted = tmp_path / "extracted"
    with tarfile.open(tiny_archive) as tar:
        tar.extractall(extracted, filter="data")
    from_archive = load_tiny(tiny_archive, use_cache=False)
    from_folder = load_tiny(extracted, use_cache=False)  # folder holding aclImdb/
    from_inner = load_tiny(extracted / "aclImdb", use_cache=False)
    for other in (from_folder, from_inner):
        for (x_a, y_a), (x_b, y_b) in zip(from_archive[:2], other[:2]):
            assert [s.tolist() for s in x_a] == [s.tolist() for s in x_b]
            assert y_a.tolist() == y_b.tolist()


def test_search_order_env_var_then_keras_cache(tiny_archive, tmp_path, monkeypatch):
    keras_datasets = config.keras_datasets_dir()
    keras_datasets.mkdir(parents=True)
    shutil.copy(tiny_archive, keras_datasets / imdb.IMDB_ARCHIVE_NAME)
    assert imdb.find_imdb_source() == keras_datasets / imdb.IMDB_ARCHIVE_NAME

    data_folder = tmp_path / "data"
    data_folder.mkdir()
    build_archive(data_folder / "aclImdb_v1_labeled.tar.gz")
    monkeypatch.setenv(config.DATA_ENV_VAR, str(data_folder))
    assert imdb.find_imdb_source() == data_folder / "aclImdb_v1_labeled.tar.gz"
    assert imdb.find_imdb_source(tiny_archive) == tiny_archive


def test_no_data_offline_says_how_to_set_the_env_var(monkeypatch):
    # Port 9 on the loopback interface refuses connections at once: a download that must fail.
    monkeypatch.setattr(imdb, "IMDB_URL", "http://127.0.0.1:9/aclImdb_v1.tar.gz")
    with pytest.raises(DataError, match=config.DATA_ENV_VAR):
        imdb.load_imdb()
    assert not (config.keras_datasets_dir() / imdb.IMDB_ARCHIVE_NAME).exists()


@pytest.mark.parametrize("where", ["missing", "empty folder"])
def test_env_var_pointing_at_nothing_is_an_error(tmp_path, monkeypatch, where):
    target = tmp_path / "nothing"
    if where == "empty folder":
        target.mkdir()
    monkeypatch.setenv(config.DATA_ENV_VAR, str(target))
    with pytest.raises(DataError, match=config.DATA_ENV_VAR):
        imdb.load_imdb()


def test_corrupt_archive_is_a_clear_error(tmp_path):
    archive = tmp_path / "aclImdb_v1.tar.gz"
    archive.write_bytes(b"this is not a gzip file at all" * 100)
    with pytest.raises(DataError, match="corrupt, truncated"):
        load_tiny(archive)


def test_truncated_archive_is_a_clear_error(tiny_archive, tmp_path):
    truncated = tmp_path / "truncated" / "aclImdb_v1.tar.gz"
    truncated.parent.mkdir()
    truncated.write_bytes(tiny_archive.read_bytes()[: tiny_archive.stat().st_size // 2])
    with pytest.raises(DataError, match="corrupt, truncated"):
        load_tiny(truncated)


def test_empty_archive_file_is_a_clear_error(tmp_path):
    archive = tmp_path / "aclImdb_v1.tar.gz"
    archive.write_bytes(b"")
    with pytest.raises(DataError, match="corrupt, truncated"):
        load_tiny(archive)


def test_archive_of_something_else_is_a_clear_error(tmp_path):
    archive = build_archive(tmp_path / "aclImdb_v1.tar.gz", reviews={}, extra_files={"photos/cat.txt": "meow"})
    with pytest.raises(DataError, match="train/neg is missing"):
        load_tiny(archive)


def test_checksum_listed_beside_the_archive_must_match(tiny_archive):
    (tiny_archive.parent / "SHA256SUMS").write_text(f"{'0' * 64}  {tiny_archive.name}\n")
    with pytest.raises(DataError, match="checksum"):
        load_tiny(tiny_archive)


def test_missing_class_is_a_clear_error(tmp_path):
    reviews = {key: texts for key, texts in TINY_REVIEWS.items() if key != ("test", "neg")}
    archive = build_archive(tmp_path / "aclImdb_v1.tar.gz", reviews)
    with pytest.raises(DataError, match="test/neg is missing"):
        load_tiny(archive)


def test_wrong_count_is_a_clear_error(tiny_archive):
    with pytest.raises(DataError, match="holds 3 reviews, not 12500"):
        imdb.load_imdb(tiny_archive)


def test_second_load_comes_from_the_cache(tiny_archive, monkeypatch):
    first = load_tiny(tiny_archive)

    def fail(*args, **kwargs):
        raise AssertionError("the raw archive was read again")

    monkeypatch.setattr(imdb, "read_imdb_reviews", fail)
    second = load_tiny(tiny_archive)
    assert [s.tolist() for s in first[0][0]] == [s.tolist() for s in second[0][0]]
    assert first[2].word_to_index == second[2].word_to_index


def test_stale_cache_is_detected_and_rebuilt(tiny_archive):
    load_tiny(tiny_archive)
    [cache_file] = list(config.cache_dir().glob("imdb_*.npz"))
    with np.load(cache_file) as cached:
        arrays = dict(cached)
    arrays["parameters"] = np.array('{"num_words": 99}')
    np.savez(cache_file, **arrays)
    with pytest.warns(UserWarning, match="stale IMDB cache"):
        (x_train, _), _, word_index = load_tiny(tiny_archive)
    assert word_index.num_words == 10 and len(x_train) == 6


def test_unreadable_cache_is_rebuilt(tiny_archive):
    load_tiny(tiny_archive)
    [cache_file] = list(config.cache_dir().glob("imdb_*.npz"))
    cache_file.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="unreadable IMDB cache"):
        (x_train, _), _, _ = load_tiny(tiny_archive)
    assert len(x_train) == 6


def test_subsample_is_balanced_and_reproducible():
    x = np.empty(100, dtype=object)
    x[:] = [[i] for i in range(100)]
    y = np.array([0] * 50 + [1] * 50)
    x_small, y_small = imdb.subsample(x, y, 20, seed=3)
    assert len(x_small) == 20 and y_small.sum() == 10
    assert [s for s in x_small] == [s for s in imdb.subsample(x, y, 20, seed=3)[0]]


def test_each_review_keeps_the_id_of_its_file_in_the_order_of_the_sequences(tiny_archive):
    raw = imdb.read_imdb_reviews(tiny_archive, reviews_per_class=3)
    assert raw["train"].ids.tolist() == [0, 1, 2, 0, 1, 2]
    assert len(raw["test"].ids) == len(raw["test"].texts)


def films(per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids, labels and film numbers laid out as in the archive: a film's reviews have neighbouring ids."""
    rng = np.random.default_rng(seed)
    ids, labels, film_of = [], [], []
    film = 0
    for label in (0, 1):
        review_id = 0
        while review_id < per_class:
            size = min(int(rng.integers(1, 31)), per_class - review_id)
            ids += range(review_id, review_id + size)
            labels += [label] * size
            film_of += [film] * size
            review_id += size
            film += 1
    return np.array(ids), np.array(labels), np.array(film_of)


def seen_in_training(film_of, training, validation) -> float:
    """The share of validation reviews whose film has a review in training too."""
    return float(np.isin(film_of[validation], film_of[training]).mean())


def test_a_split_by_id_blocks_keeps_nearly_every_film_on_one_side():
    ids, labels, film_of = films(12_500, seed=0)
    training, validation = imdb.split_by_id_blocks(ids, labels, 0.1, seed=42)
    assert sorted(np.concatenate([training, validation]).tolist()) == list(range(len(ids)))
    for label in (0, 1):
        share = np.mean(labels[validation] == label) * len(validation) / np.sum(labels == label)
        assert share == pytest.approx(0.1, abs=0.01)
    # Only the films cut by a block's edge have reviews on both sides.
    assert seen_in_training(film_of, training, validation) < 0.1
    # A random split of the same size puts nearly every validation review's film in training too.
    random_validation = np.sort(np.random.default_rng(0).choice(len(ids), len(validation), replace=False))
    random_training = np.setdiff1d(np.arange(len(ids)), random_validation)
    assert seen_in_training(film_of, random_training, random_validation) > 0.8
    again = imdb.split_by_id_blocks(ids, labels, 0.1, seed=42)
    assert all(np.array_equal(a, b) for a, b in zip(again, (training, validation)))
    other = imdb.split_by_id_blocks(ids, labels, 0.1, seed=7)
    assert not np.array_equal(other[1], validation)


def test_subsample_indices_are_class_balanced_and_sorted():
    labels = np.array([0] * 50 + [1] * 50)
    chosen = imdb.subsample_indices(labels, 20, seed=1)
    assert len(chosen) == 20 and np.all(np.diff(chosen) > 0) and labels[chosen].sum() == 10
    assert np.array_equal(imdb.subsample_indices(labels, 500), np.arange(100))


def test_the_splits_keep_sequences_texts_and_labels_of_each_review_together(tiny_archive):
    splits, word_index = imdb.load_imdb_splits(
        10, 6, 6, 0.34, seed=0, path=tiny_archive, reviews_per_class=3, id_block=1
    )
    assert [len(splits[name].labels) for name in ("train", "validation", "test")] == [4, 2, 6]
    for part in splits.values():
        assert len(part.sequences) == len(part.texts) == len(part.labels)
        for sequence, text in zip(part.sequences, part.texts):
            assert list(sequence) == word_index.encode(text)
    # One validation review of each class, whole id blocks.
    assert sorted(splits["validation"].labels.tolist()) == [0, 1]
