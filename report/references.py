"""Harvard-style citations: read REFERENCES.md and find the works a text cites."""

import re
from pathlib import Path

REFERENCES = Path(__file__).resolve().parent.parent / "REFERENCES.md"
# A surname starts with a capital, accented ones too (Řehůřek).
NAME = r"(?:van |de )?[A-ZÀ-ÖØ-ÞĀ-ſ][\w\-]+"
# In-text citations: "Maas et al., 2011", "Kingma and Ba (2015)", "Bengio, Simard and Frasconi, 1994".
CITATION = re.compile(rf"({NAME}(?: et al\.)?(?:(?:, | and ){NAME})*)(?:, | \()(\d{{4}})\b")


def entries(path: Path = REFERENCES) -> dict[tuple[str, str], str]:
    """Each entry of the reference list (its text without the bullet), keyed by how it is cited: (names, year)."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"- (.+?) \((\d{4})\) ", line)
        if match:
            authors, year = match.groups()
            found[in_text_names(authors), year] = line[2:]
    return found


def in_text_names(authors: str) -> str:
    """'Gers, F.A., Schmidhuber, J. and Cummins, F.' -> 'Gers, Schmidhuber and Cummins'; four or more: 'et al.'."""
    if " et al." in authors:
        return authors.split(",")[0] + " et al."
    surnames = [part.strip() for part in re.split(r", (?:[A-Z][\w.\-]*\.)(?: and |, |$)|,? and ", authors) if part.strip()]
    surnames = [re.sub(r",? (?:[A-Z][\w\-]*\.)+$", "", name) for name in surnames]
    if len(surnames) > 3:
        return surnames[0] + " et al."
    return surnames[0] if len(surnames) == 1 else ", ".join(surnames[:-1]) + " and " + surnames[-1]


def citations(text: str) -> set[tuple[str, str]]:
    """The (names, year) of every in-text citation in `text`."""
    return {(match.group(1), match.group(2)) for match in CITATION.finditer(text)}
