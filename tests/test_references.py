"""REFERENCES.md and the citations agree: every citation has an entry, every entry is cited."""

import importlib.util
import json

import pytest

from lstm_utils import config

ROOT = config.REPOSITORY_ROOT
_spec = importlib.util.spec_from_file_location("references", ROOT / "report" / "references.py")
references = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(references)


def cited_texts() -> dict[str, str]:
    """The prose that cites: notebook Markdown cells, the README, its pages under docs/ and the report."""
    texts = {}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        texts[notebook.name] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for document in (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "report" / "report.md"):
        if document.is_file():
            texts[document.name] = document.read_text()
    return texts


def test_entries_are_read_with_their_in_text_names():
    keys = set(references.entries())
    assert ("Gers, Schmidhuber and Cummins", "2000") in keys
    assert ("Kingma and Ba", "2015") in keys
    assert ("Abadi et al.", "2016") in keys
    assert ("Cho et al.", "2014") in keys  # Seven authors.
    assert ("Luong, Pham and Manning", "2015") in keys  # Hyphenated initials.
    assert len(keys) == (ROOT / "REFERENCES.md").read_text().count("\n- ")


def test_citations_are_found_in_both_harvard_forms():
    text = "as Kingma and Ba (2015) show, and others agree (Bengio, Simard and Frasconi, 1994; Maas et al., 2011)"
    assert references.citations(text) == {
        ("Kingma and Ba", "2015"), ("Bengio, Simard and Frasconi", "1994"), ("Maas et al.", "2011")
    }


@pytest.mark.parametrize("document", sorted(cited_texts()))
def test_every_citation_has_an_entry(document):
    known = set(references.entries())
    missing = sorted(c for c in references.citations(cited_texts()[document]) if c not in known)
    assert not missing, f"{document} cites works missing from REFERENCES.md: {missing}"


def test_every_entry_is_cited_somewhere():
    cited = set().union(*(references.citations(text) for text in cited_texts().values()))
    uncited = sorted(key for key in references.entries() if key not in cited)
    assert not uncited, f"REFERENCES.md lists works nothing cites: {uncited}"


REQUIRED = [
    ("Hochreiter and Schmidhuber", "1997"), ("Bengio, Simard and Frasconi", "1994"),
    ("Pascanu, Mikolov and Bengio", "2013"), ("Gers, Schmidhuber and Cummins", "2000"),
    ("Graves and Schmidhuber", "2005"), ("Maas et al.", "2011"), ("Srivastava et al.", "2014"),
    ("Kingma and Ba", "2015"), ("Sutskever, Vinyals and Le", "2014"), ("Bahdanau, Cho and Bengio", "2015"),
    ("Lample and Charton", "2020"), ("Meurer et al.", "2017"), ("Abadi et al.", "2016"), ("Chollet et al.", "2015"),
]


def test_the_required_works_are_listed():
    assert not [key for key in REQUIRED if key not in references.entries()]
