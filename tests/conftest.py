"""Shared fixtures: a tiny IMDB archive built on the fly, and an isolated environment."""

import io
import tarfile
from pathlib import Path

import pytest

from lstm_utils import config

# Three reviews per class and split; the words are chosen so vocabulary ranks are predictable.
TINY_REVIEWS = {
    ("train", "pos"): ["A great great film.<br /><br />Loved it", "great acting", "Great fun, great cast"],
    ("train", "neg"): ["A bad film", "bad bad acting.<br />Boring", "boring and BAD"],
    ("test", "pos"): ["great", "a wonderful film", "great great"],
    ("test", "neg"): ["bad", "terrible film", "awful and bad"],
}


def build_archive(
    path: Path,
    reviews: dict[tuple[str, str], list[str]] = TINY_REVIEWS,
    extra_files: dict[str, str] | None = None,
) -> Path:
    """Write a `.tar.gz` laid out like the official aclImdb archive."""
    files = {"aclImdb/README": "tiny test copy", "aclImdb/imdb.vocab": "great\nbad\n"}
    for (split, label), texts in reviews.items():
        for review_id, text in enumerate(texts):
            rating = 8 if label == "pos" else 2
            files[f"aclImdb/{split}/{label}/{review_id}_{rating}.txt"] = text
    files.update(extra_files or {})
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode("utf-8")
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return path


@pytest.fixture
def tiny_archive(tmp_path) -> Path:
    return build_archive(
        tmp_path / "aclImdb_v1.tar.gz",
        extra_files={
            "aclImdb/train/unsup/0_0.txt": "unlabelled and ignored",
            "aclImdb/train/urls_pos.txt": "x",
        },
    )


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """Keep every test away from the real data, caches and committed outputs."""
    monkeypatch.delenv(config.DATA_ENV_VAR, raising=False)
    monkeypatch.delenv(config.SMOKE_ENV_VAR, raising=False)
    monkeypatch.setenv(config.CACHE_ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.setenv(config.OUTPUT_ENV_VAR, str(tmp_path / "output"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
