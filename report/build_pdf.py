"""Build the report's PDF from Markdown: `python report/build_pdf.py [input.md] [output.pdf]`.

Pandoc (bundled by `pypandoc_binary`) turns the Markdown into Typst, and the Typst compiler (the
`typst` package) typesets it, so `pip install -r requirements-report.txt` is all the build needs.
Image paths in the Markdown are relative to the Markdown file. Answers a missing input or a failing
tool with one line on standard error and exit code 1.
"""

import os
import sys
from pathlib import Path

REPORT_DIR = Path(__file__).resolve().parent
DEFAULT_INPUT = REPORT_DIR / "report.md"
DEFAULT_OUTPUT = REPORT_DIR / "report.pdf"

PANDOC_ARGS = [
    "--standalone",
    # A formula Pandoc cannot convert would otherwise reach the PDF as raw TeX.
    "--fail-if-warnings",
    "--variable=papersize:a4",
    '--variable-json=margin:{"x": "2.2cm", "y": "2.5cm"}',
    "--variable=mainfont:Libertinus Serif",
    "--variable=fontsize:11pt",
    "--variable=section-numbering:1.1",
    "--variable=page-numbering:1",
    # Without this a pipe table with a line longer than 72 characters gets fixed column widths
    # in proportion to its dashes; Typst sizes columns to their contents instead.
    "--columns=10000",
]

# Typst rules put after Pandoc's own: figures float to the nearer end of a page instead of
# leaving a gap where they do not fit, but never past the next top-level section; tables stay
# where the text puts them (they are short, and one read before its section heading confuses);
# tables get top and bottom rules and digits of equal width.
TYPST_STYLE = """
#set figure(placement: auto)
#show figure.where(kind: table): set figure(placement: none)
#show heading.where(level: 1): it => { place.flush(); it }
#show table: set text(number-width: "tabular")
#show table: it => block(stroke: (top: 0.8pt, bottom: 0.8pt), it)
"""


def build(source: Path, target: Path) -> None:
    import pypandoc
    import typst

    # Typst resolves image paths against the file it compiles, so its source sits beside the
    # Markdown. Typst reads only files under its root, and the figures lie outside report/, so the
    # root is the file system's. Only the fonts built into Typst are used, so every machine
    # typesets the same PDF.
    typst_source = source.with_name(f".{source.stem}.{os.getpid()}.typ")
    try:
        pypandoc.convert_file(
            str(source),
            "typst",
            format="markdown",
            extra_args=[*PANDOC_ARGS, f"--variable=header-includes:{TYPST_STYLE}"],
            outputfile=str(typst_source),
        )
        pdf, warnings = typst.compile_with_warnings(
            str(typst_source), root=source.anchor, ignore_system_fonts=True
        )
    finally:
        typst_source.unlink(missing_ok=True)
    for warning in warnings:
        # Pandoc still writes some math symbols by their older Typst names (`dot.circle` for
        # `\odot`); Typst 0.14 accepts them with a deprecation warning the author cannot act on.
        if "is deprecated" not in warning.message:
            print(f"typst warning: {warning.message}", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)


def main(argv: list[str]) -> int:
    if len(argv) > 2:
        print("usage: python report/build_pdf.py [input.md] [output.pdf]", file=sys.stderr)
        return 2
    source = Path(argv[0] if argv else DEFAULT_INPUT).resolve()
    target = Path(argv[1] if len(argv) > 1 else DEFAULT_OUTPUT).resolve()
    if not source.is_file():
        print(f"error: no such input file: {source}", file=sys.stderr)
        return 1
    try:
        build(source, target)
    except ImportError as error:
        print(f"error: {error}; run `pip install -r requirements-report.txt`", file=sys.stderr)
        return 1
    except (OSError, RuntimeError) as error:
        # Pandoc fails with a RuntimeError holding its whole stderr, Typst with a TypstError (a
        # RuntimeError) whose `message` leaves out the excerpt of the generated Typst source.
        message = " ".join(str(getattr(error, "message", error)).split())
        print(f"error: {type(error).__name__}: {message}", file=sys.stderr)
        return 1
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
