"""The code stays readable: no module over 600 lines and no function over 60 lines.

Migrations, the demo park's tables, the city-scale data generator and the test and benchmark
harnesses (tests/, scripts/) are left out: they are declarations, data or stories, read top to
bottom. Everything else in the application that grows past these bounds is split by topic.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cases", "parkland")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60
# Data, not application logic: the demo park's tables and the synthetic city data set for benchmarks.
DATA_MODULES = {"cases/demo/data.py", "cases/citydata.py", "cases/management/commands/generate_city.py"}


def modules() -> list[Path]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in DATA_MODULES:
                continue
            found.append(path)
    return found


def long_functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_there_is_code_to_measure():
    assert len(modules()) > 40


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_is_too_long(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{lines} lines: split it by topic"


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_function_is_too_long(path):
    assert long_functions(path) == []
