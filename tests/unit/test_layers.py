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


def test_every_exception_the_shop_defines_lives_in_domain_errors():
    """One error tree: a refusal anywhere else would miss the message catalogue."""
    import builtins

    import storefront.domain.errors as errors

    ours = {name for name, value in vars(errors).items() if isinstance(value, type)}
    builtin = {
        name
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    }
    found = set()
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "errors.py" and path.parent.name == "domain":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {
                b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
            }
            if bases & (builtin | ours):
                found.add(f"{path.relative_to(ROOT)}: {node.name}")
    assert found == set()
