"""Forms check the shape of input; shop rules (stock, prices, donations) live in domain/."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

# Shape only: a whole number in a sane range. The shop's own maximum per line
# (MAX_LINE_QUANTITY) is a rule, checked in domain/pricing.check_quantity.
QUANTITY_SHAPE_MAX = 9999
MAX_ID = 2**31 - 1


class AddToCartForm(FlaskForm):
    product_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    option_id = IntegerField(_l("Option"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    quantity = IntegerField(
        _l("Quantity"),
        default=1,
        validators=[
            InputRequired(_l("Enter a quantity.")),
            NumberRange(1, QUANTITY_SHAPE_MAX, _l("Enter a whole number of at least 1.")),
        ],
    )
    submit = SubmitField(_l("Add to cart"))


class CartLineForm(FlaskForm):
    quantity = IntegerField(
        _l("Quantity"),
        validators=[
            InputRequired(_l("Enter a quantity.")),
            NumberRange(0, QUANTITY_SHAPE_MAX, _l("Enter a whole number, or 0 to remove.")),
        ],
    )
    submit = SubmitField(_l("Update"))


class EmptyForm(FlaskForm):
    """A button that only needs its CSRF token (remove, cancel)."""

    submit = SubmitField(_l("Remove"))


def email_field(label: Any) -> StringField:
    """An email address, trimmed and checked for shape (not for a live mailbox)."""
    return StringField(
        label,
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254),
            Email(
                _l("Enter a valid email address, like name@example.com."),
                check_deliverability=False,
            ),
        ],
    )


def stock_field() -> IntegerField:
    return IntegerField(
        _l("Stock"),
        validators=[
            InputRequired(_l("Enter how many you have.")),
            NumberRange(0, 1_000_000, _l("Stock must be from 0 to 1,000,000.")),
        ],
    )


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def korean_phone(value: str | None) -> str | None:
    """Accept 010-1234-5678, 010 1234 5678, 01012345678 and +82 10-1234-5678."""
    if not isinstance(value, str):
        return value
    digits = "".join(ch for ch in value if ch.isdigit() or ch == "+")
    if digits.startswith("+82"):
        digits = "0" + digits[3:].lstrip("0")
    return digits


class CheckoutForm(FlaskForm):
    email = email_field(_l("Email"))
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the recipient's name.")), Length(max=100)],
    )
    phone = StringField(
        _l("Phone"),
        filters=[korean_phone],
        validators=[
            DataRequired(_l("Enter a phone number.")),
            Regexp(
                r"^0\d{8,10}$",
                message=_l("Enter a Korean phone number, like 010-1234-5678."),
            ),
        ],
    )
    postcode = StringField(
        _l("Postcode"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the postcode.")),
            Regexp(r"^\d{5}$", message=_l("A Korean postcode has five digits, like 04524.")),
        ],
    )
    address = StringField(
        _l("Address"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the street address.")), Length(max=200)],
    )
    address_detail = StringField(
        _l("Apartment, floor, unit"), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    cause = SelectField(_l("Cause to support"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Go to payment"))


class LookupForm(FlaskForm):
    number = StringField(
        _l("Order number"),
        validators=[InputRequired(_l("Enter your order number.")), Length(max=30)],
    )
    email = StringField(
        _l("Email"),
        validators=[InputRequired(_l("Enter the email you ordered with.")), Length(max=254)],
    )
    submit = SubmitField(_l("Find my order"))


class TestCardForm(FlaskForm):
    card_number = StringField(
        _l("Card number"),
        validators=[
            InputRequired(_l("Enter a card number.")),
            Regexp(r"^[\d ]{12,23}$", message=_l("Enter the card number's digits.")),
        ],
    )
    expiry = StringField(
        _l("Expiry (MM/YY)"),
        validators=[
            InputRequired(_l("Enter the expiry date.")),
            Regexp(r"^(0[1-9]|1[0-2]) ?/ ?\d{2}$", message=_l("Write the expiry as MM/YY.")),
        ],
    )
    cvc = StringField(
        _l("CVC"),
        validators=[
            InputRequired(_l("Enter the CVC.")),
            Regexp(r"^\d{3,4}$", message=_l("The CVC has 3 or 4 digits.")),
        ],
    )
    submit = SubmitField(_l("Pay"))


class SignUpForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your name.")), Length(max=100)],
    )
    email = email_field(_l("Email"))
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Choose a password.")), Length(max=200)]
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", _l("The two passwords are not the same."))],
    )
    submit = SubmitField(_l("Create account"))


class SignInForm(FlaskForm):
    email = StringField(
        _l("Email"), filters=[strip], validators=[DataRequired(_l("Enter your email address."))]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class ForgotPasswordForm(FlaskForm):
    email = StringField(
        _l("Email"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254)],
    )
    submit = SubmitField(_l("Email me a link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(_l("Choose a password.")), Length(max=200)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", _l("The two passwords are not the same."))],
    )
    submit = SubmitField(_l("Set new password"))


class VentureApplicationForm(FlaskForm):
    name = StringField(
        _l("Venture name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the venture's name.")), Length(max=200)],
    )
    registration_number = StringField(
        _l("Business registration number"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the business registration number.")),
            Regexp(r"^\d{3}-?\d{2}-?\d{5}$", message=_l("Write it as 123-45-67890.")),
        ],
    )
    mission = SelectField(_l("Social mission"), choices=[], validate_choice=True)
    region = StringField(
        _l("Region"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the region.")), Length(max=100)],
    )
    story = TextAreaField(
        _l("Your story"),
        filters=[strip],
        validators=[
            DataRequired(_l("Tell shoppers who you are and who you employ.")),
            Length(max=4000),
        ],
    )
    contact_email = email_field(_l("Contact email"))
    contact_phone = StringField(
        _l("Contact phone"),
        filters=[korean_phone],
        validators=[
            DataRequired(_l("Enter a phone number.")),
            Regexp(r"^0\d{8,10}$", message=_l("Enter a Korean phone number, like 010-1234-5678.")),
        ],
    )
    submit = SubmitField(_l("Send application"))


class ListingForm(FlaskForm):
    title = StringField(
        _l("Product name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the product's name.")), Length(max=200)],
    )
    description = TextAreaField(
        _l("Description (Markdown)"), filters=[strip], validators=[Length(max=10000)]
    )
    category = SelectField(_l("Category"), choices=[], validate_choice=True)
    price = IntegerField(
        _l("Price (won)"),
        validators=[
            InputRequired(_l("Enter the price in won.")),
            NumberRange(100, 100_000_000, _l("The price must be from ₩100 to ₩100,000,000.")),
        ],
    )
    stock = stock_field()
    submit = SubmitField(_l("Save"))


class StockForm(FlaskForm):
    stock = stock_field()
    submit = SubmitField(_l("Save"))


class GivingRateForm(FlaskForm):
    rate = StringField(
        _l("Giving rate (%)"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the giving rate.")),
            Regexp(r"^\d{1,3}(\.\d{1,2})?$", message=_l("Write a percentage such as 5 or 7.5.")),
        ],
    )
    submit = SubmitField(_l("Save"))


class ImageUploadForm(FlaskForm):
    images = MultipleFileField(
        _l("Pictures (JPEG, PNG, WebP or GIF; up to 8 MB each)"),
        validators=[DataRequired(_l("Choose one or more pictures."))],
    )
    submit = SubmitField(_l("Upload"))


class ShipForm(FlaskForm):
    carrier = SelectField(_l("Carrier"), choices=[], validate_choice=True)
    tracking_number = StringField(
        _l("Tracking number"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the tracking number.")),
            Regexp(
                r"^[0-9A-Za-z-]{6,30}$",
                message=_l("A tracking number has 6 to 30 letters, digits or hyphens."),
            ),
        ],
    )
    submit = SubmitField(_l("Mark as shipped"))


class InviteForm(FlaskForm):
    email = email_field(_l("Email"))
    submit = SubmitField(_l("Send invitation"))


class OptionForm(FlaskForm):
    name = StringField(
        _l("Option (size, colour...)"),
        filters=[strip],
        validators=[DataRequired(_l("Name the option, like 'M' or 'Blue'.")), Length(max=100)],
    )
    stock = stock_field()
    submit = SubmitField(_l("Add option"))


# --- causes (the operator's forms are in web/operator/forms.py) ---------------------------


class DefaultCauseForm(FlaskForm):
    cause = SelectField(_l("Your default cause"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Save"))


def day_field(label: Any) -> DateField:
    return DateField(
        label,
        validators=[InputRequired(_l("Enter a date."))],
        invalid_value_message=_l("Enter a date like 2026-03-01."),
    )


class StatementForm(FlaskForm):
    """Ask for a donation statement: it is emailed, never shown for a typed address."""

    email = email_field(_l("Email you ordered with"))
    start = day_field(_l("Start date"))
    end = day_field(_l("End date"))
    submit = SubmitField(_l("Email me the statement link"))


def headcount_field(label: Any) -> IntegerField:
    return IntegerField(
        label,
        default=0,
        validators=[
            InputRequired(_l("Enter a number of people (0 if none).")),
            NumberRange(0, 100_000, _l("Enter a whole number of people, 0 or more.")),
        ],
    )


class ImpactReportForm(FlaskForm):
    """A venture's quarterly report; the quarters it may choose are set by the view."""

    quarter = SelectField(_l("Quarter"), choices=[], validate_choice=False)
    total_employees = headcount_field(_l("People employed at the end of the quarter"))
    disability = headcount_field(_l("of whom people with disabilities"))
    career_break_women = headcount_field(_l("of whom women returning after a career break"))
    elderly = headcount_field(_l("of whom older people"))
    other = headcount_field(_l("of whom from other vulnerable groups"))
    note = TextAreaField(_l("Note (optional)"), filters=[strip], validators=[Length(max=500)])
    submit = SubmitField(_l("File the report"))


class SalesBeforeForm(FlaskForm):
    monthly_sales = IntegerField(
        _l("Average monthly sales before joining (won)"),
        validators=[
            InputRequired(_l("Enter your average monthly sales in won (0 if none).")),
            NumberRange(0, 10**13, _l("Enter a whole number of won, 0 or more.")),
        ],
    )
    submit = SubmitField(_l("Report it"))
