"""Every refusal the package can raise has its line in the one catalogue, and the catalogue
says it in the shopper's language, on the field it names, with the right status."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField

from storefront.domain import errors
from storefront.web.messages import MESSAGES, describe, form_error, refusal_status

PACKAGE = Path(__file__).resolve().parents[2] / "storefront"


def _error_classes() -> dict[str, type[errors.DomainError]]:
    import storefront

    for module in pkgutil.walk_packages(storefront.__path__, "storefront."):
        importlib.import_module(module.name)  # every error class, wherever it is defined
    found: dict[str, type[errors.DomainError]] = {}
    todo = [errors.DomainError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def raised_codes() -> set[str]:
    """The codes at every ``raise SomeDomainError(...)`` in the package, read from the source."""
    classes = _error_classes()
    codes = {code for cls in classes.values() for code in cls.codes}
    unnamed = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            cls = classes.get(name)
            if cls is None:
                continue
            if cls.codes:
                continue  # it picks one of its own codes
            first = node.exc.args[0] if node.exc.args else None
            if cls.__init__ is not errors.DomainError.__init__ or first is None:
                codes.add(cls.default_code)  # its own constructor, or no code given
            elif isinstance(first, ast.Constant) and isinstance(first.value, str):
                codes.add(first.value)
            else:
                unnamed.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert unnamed == [], "give these refusals a literal code"
    return codes


def test_every_raised_code_has_a_message_and_every_message_a_code():
    raised = raised_codes()
    assert sorted(raised - MESSAGES.keys()) == []
    assert sorted(MESSAGES.keys() - raised - {"refused"}) == []


@pytest.fixture
def ctx():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    Babel(app, default_translation_directories=str(PACKAGE / "translations"))
    with app.test_request_context():
        yield


class _Form(FlaskForm):
    quantity = IntegerField()
    cause = SelectField(choices=[])


def test_a_refusal_is_said_in_the_locale_with_its_params(ctx):
    error = errors.OutOfStock(3, "비누", available=2)
    with force_locale("en"):
        assert describe(error) == "Sorry, only 2 of 비누 are left."
    with force_locale("ko"):
        assert describe(error) == "죄송합니다. 비누 상품은 2개만 남아 있어요."
    assert refusal_status(error) == 409


def test_money_params_are_shown_as_money(ctx):
    changed = errors.PricesChanged([(1, "Soap", 12000, 15000)])
    with force_locale("en"):
        assert "Soap: ₩12,000 → ₩15,000" in describe(changed)


def test_a_refusal_lands_on_the_field_it_names_or_is_flashed(ctx):
    from flask import get_flashed_messages

    form = _Form(formdata=None)
    with force_locale("en"):
        assert form_error(form, errors.QuantityOutOfRange(0, 99)) == 400
        assert form.quantity.errors == ["Choose a quantity from 1 to 99."]
        form_error(form, errors.EmptyCart())
    assert get_flashed_messages() == ["Your cart is empty. Add a product before checking out."]


def test_an_unknown_code_falls_back_to_a_plain_refusal(ctx):
    with force_locale("en"):
        assert describe(errors.DomainError("nobody.wrote.this")) == (
            "Something in your request could not be accepted."
        )
