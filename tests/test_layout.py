"""The shape of the test suite: test modules share their builders through tests/worlds/ (and
tests/factories.py), never by importing one another."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_test_module(name: str) -> bool:
    return name.rsplit(".", 1)[-1].startswith("test_")


def imported_test_modules(path: Path) -> list[str]:
    """The test modules `path` imports, however it spells the import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _is_test_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module and _is_test_module(module):
                found.append("." * node.level + module)
            # `from tests import test_views` or `from . import test_views`
            if not module or module in ("tests", "tests.browser"):
                found += [alias.name for alias in node.names if _is_test_module(alias.name)]
    return found


def test_the_checker_sees_every_spelling_of_an_import(tmp_path):
    module = tmp_path / "test_example.py"
    module.write_text(
        "import tests.test_views\n"
        "from tests.test_views import build_world\n"
        "from .test_rates import x\n"
        "from . import test_admin\n"
        "from tests import test_bounds\n"
        "from tests.worlds.staff import build_world\n"
        "from cases.models import Park\n"
    )
    assert imported_test_modules(module) == [
        "tests.test_views",
        "tests.test_views",
        ".test_rates",
        "test_admin",
        "test_bounds",
    ]


def test_no_test_module_imports_another_test_module():
    offenders = {
        str(path.relative_to(TESTS)): imports
        for path in sorted(TESTS.rglob("*.py"))
        if (imports := imported_test_modules(path))
    }
    assert offenders == {}, "move shared builders to tests/worlds/ instead: " + repr(offenders)
