"""Code a notebook teaches in a cell and the package's copy of it stay the same code."""

import ast
import inspect
import json

import pytest

from lstm_utils import config
from lstm_utils.derivatives import model
from lstm_utils.imdb import baseline, pooling
from lstm_utils.inside import cells, gradient_flow

NOTEBOOKS = config.REPOSITORY_ROOT / "notebooks"
# (notebook, function or class defined in one of its cells, the package's twin)
TWINS = [
    ("02_simple_rnn_vs_lstm.ipynb", baseline.fit_tfidf_baseline),
    ("03_beating_the_baseline.ipynb", pooling.MaskedMeanMaxPooling),
    ("04_inside_the_lstm.ipynb", cells.lstm_forward),
    ("04_inside_the_lstm.ipynb", cells.simple_rnn_forward),
    ("04_inside_the_lstm.ipynb", gradient_flow.input_gradient_norms),
    ("06_derivative_models.ipynb", model.build_seq2seq),
    ("06_derivative_models.ipynb", model.greedy_decode),
    ("06_derivative_models.ipynb", model.beam_decode),
]


def defined_in_notebook(notebook: str, name: str) -> str:
    cells = json.loads((NOTEBOOKS / notebook).read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue  # A cell with IPython magics defines nothing twinned.
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
                # From the first decorator, as inspect.getsource gives it.
                first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
                return "\n".join(source.splitlines()[first - 1 : node.end_lineno])
    raise AssertionError(f"{notebook} defines no function or class {name}")


@pytest.mark.parametrize(("notebook", "function"), TWINS, ids=[f"{n}:{f.__name__}" for n, f in TWINS])
def test_the_taught_cell_and_its_package_twin_are_the_same_code(notebook, function):
    assert defined_in_notebook(notebook, function.__name__) == inspect.getsource(function).rstrip("\n")
