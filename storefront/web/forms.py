"""Forms check the shape of input; shop rules (stock, prices, donations) live in domain/.

The seller page's forms are in web/seller/forms.py, the shared field builders in web/fields.py.
"""

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
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from storefront.web.fields import email_field, korean_phone, strip

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


def recipient_field() -> StringField:
    return StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the recipient's name.")), Length(max=100)],
    )


def phone_field() -> StringField:
    return StringField(
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


def postcode_field() -> StringField:
    return StringField(
        _l("Postcode"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the postcode.")),
            Regexp(r"^\d{5}$", message=_l("A Korean postcode has five digits, like 04524.")),
        ],
    )


def address_field() -> StringField:
    return StringField(
        _l("Address"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the street address.")), Length(max=200)],
    )


def address_detail_field() -> StringField:
    return StringField(
        _l("Apartment, floor, unit"), filters=[strip], validators=[Optional(), Length(max=200)]
    )


class CheckoutForm(FlaskForm):
    email = email_field(_l("Email"))
    name = recipient_field()
    phone = phone_field()
    postcode = postcode_field()
    address = address_field()
    address_detail = address_detail_field()
    cause = SelectField(_l("Cause to support"), choices=[], validate_choice=True)
    # The choices (no gift, the presets, another amount) come from the config; the amount
    # itself is checked against the limits by domain/gifts.py.
    gift = RadioField(_l("Add a gift of your own"), choices=[], default="0", validate_choice=True)
    gift_other = StringField(
        _l("Another amount (won)"), filters=[strip], validators=[Optional(), Length(max=20)]
    )
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


class ReviewForm(FlaskForm):
    """A buyer's review of a delivered line: stars, text and up to three photos (the photos'
    number and kind are rules, checked in domain/reviews.py and services/images.py)."""

    rating = IntegerField(
        _l("Stars"),
        validators=[
            InputRequired(_l("Choose from 1 to 5 stars.")),
            NumberRange(1, 5, _l("Choose from 1 to 5 stars.")),
        ],
    )
    body = TextAreaField(
        _l("Your review"),
        filters=[strip],
        validators=[
            InputRequired(_l("Write a few words about the product.")),
            Length(10, 2000, _l("Write from 10 to 2000 characters.")),
        ],
    )
    photos = MultipleFileField(_l("Photos (up to 3; JPEG, PNG, WebP or GIF; up to 8 MB each)"))
    submit = SubmitField(_l("Post the review"))


class ReportForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=[], validate_choice=True)
    note = TextAreaField(
        _l("Anything else we should know (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=500)],
    )
    submit = SubmitField(_l("Report this review"))


class AddressForm(FlaskForm):
    """A saved delivery address, checked as checkout checks one."""

    name = recipient_field()
    phone = phone_field()
    postcode = postcode_field()
    address = address_field()
    address_detail = address_detail_field()
    is_default = BooleanField(_l("Use this address by default"))
    submit = SubmitField(_l("Save address"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password."))]
    )
    confirm = BooleanField(
        _l("I understand that my account and saved addresses are deleted for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete my account"))
