"""Services and domain rules run without Flask: a worker or a script can call them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "storefront"


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("layer", ["services", "domain"])
def test_nothing_below_the_web_imports_flask(layer):
    found = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0].startswith("flask")
    }
    assert found == set()


def test_domain_rules_need_no_database_and_models_know_no_pages():
    below = {
        "domain": ("sqlalchemy", "storefront.models", "storefront.services", "storefront.web"),
        "models": ("storefront.web", "storefront.services"),
        "services": ("storefront.web",),
    }
    found = {
        f"{path.relative_to(ROOT)}: {module}"
        for layer, forbidden in below.items()
        for path in sorted((ROOT / layer).rglob("*.py"))
        for module in imported_modules(path)
        if module.startswith(forbidden)
    }
    assert found == set()
