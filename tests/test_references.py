"""REFERENCES.md and the citations agree: every citation has an entry, every entry is cited."""

import json
import re

import pytest

from lstm_utils import config

ROOT = config.REPOSITORY_ROOT
NAME = r"(?:van |de )?[A-Z][\w\-]+"
# Harvard in-text citations: "Maas et al., 2011", "Kingma and Ba (2015)", "Bengio, Simard and Frasconi, 1994".
CITATION = re.compile(rf"({NAME}(?: et al\.)?(?:(?:, | and ){NAME})*)(?:, | \()(\d{{4}})\b")


def entries() -> dict[tuple[str, str], str]:
    """Each entry of REFERENCES.md under the in-text form it is cited by: (names, year)."""
    found = {}
    for line in (ROOT / "REFERENCES.md").read_text().splitlines():
        match = re.match(r"- (.+?) \((\d{4})\) ", line)
        if match:
            authors, year = match.groups()
            found[in_text_names(authors), year] = line
    return found


def in_text_names(authors: str) -> str:
    """'Gers, F.A., Schmidhuber, J. and Cummins, F.' -> 'Gers, Schmidhuber and Cummins'."""
    if " et al." in authors:
        return authors.split(",")[0] + " et al."
    surnames = [part.strip() for part in re.split(r", (?:[A-Z][\w.\-]*\.)(?: and |, |$)|,? and ", authors) if part.strip()]
    surnames = [re.sub(r",? (?:[A-Z][\w\-]*\.)+$", "", name) for name in surnames]
    if len(surnames) > 3:
        return surnames[0] + " et al."
    return surnames[0] if len(surnames) == 1 else ", ".join(surnames[:-1]) + " and " + surnames[-1]


def cited_texts() -> dict[str, str]:
    """The prose that cites: notebook Markdown cells, the README and the report."""
    texts = {}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        texts[notebook.name] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for document in (ROOT / "README.md", ROOT / "report" / "report.md"):
        if document.is_file():
            texts[document.name] = document.read_text()
    return texts


def citations(text: str) -> set[tuple[str, str]]:
    return {(match.group(1), match.group(2)) for match in CITATION.finditer(text)}


def test_entries_are_read_with_their_in_text_names():
    keys = set(entries())
    assert ("Gers, Schmidhuber and Cummins", "2000") in keys
    assert ("Kingma and Ba", "2015") in keys
    assert ("Abadi et al.", "2016") in keys
    assert ("Cho et al.", "2014") in keys  # Seven authors.
    assert ("Luong, Pham and Manning", "2015") in keys  # Hyphenated initials.
    assert len(keys) == (ROOT / "REFERENCES.md").read_text().count("\n- ")


@pytest.mark.parametrize("document", sorted(cited_texts()))
def test_every_citation_has_an_entry(document):
    known = set(entries())
    missing = sorted(c for c in citations(cited_texts()[document]) if c not in known)
    assert not missing, f"{document} cites works missing from REFERENCES.md: {missing}"


def test_every_entry_is_cited_somewhere():
    cited = set().union(*(citations(text) for text in cited_texts().values()))
    uncited = sorted(key for key in entries() if key not in cited)
    assert not uncited, f"REFERENCES.md lists works nothing cites: {uncited}"


REQUIRED = [
    ("Hochreiter and Schmidhuber", "1997"), ("Bengio, Simard and Frasconi", "1994"),
    ("Pascanu, Mikolov and Bengio", "2013"), ("Gers, Schmidhuber and Cummins", "2000"),
    ("Graves and Schmidhuber", "2005"), ("Maas et al.", "2011"), ("Srivastava et al.", "2014"),
    ("Kingma and Ba", "2015"), ("Sutskever, Vinyals and Le", "2014"), ("Bahdanau, Cho and Bengio", "2015"),
    ("Lample and Charton", "2020"), ("Meurer et al.", "2017"), ("Abadi et al.", "2016"), ("Chollet et al.", "2015"),
]


def test_the_required_works_are_listed():
    assert not [key for key in REQUIRED if key not in entries()]
