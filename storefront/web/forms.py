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
    FileField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
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


class ReviewForm(FlaskForm):
    note = StringField(_l("Note to the venture"), filters=[strip], validators=[Length(max=500)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


# --- causes, funds, refunds and payouts (operators) ---------------------------------------

MAX_AMOUNT = 10**12  # shape only: a whole number of won below a trillion


def amount_field(label: Any, *, required: bool = True, minimum: int = 1) -> IntegerField:
    first = InputRequired(_l("Enter an amount.")) if required else Optional()
    return IntegerField(
        label,
        validators=[
            first,
            NumberRange(minimum, MAX_AMOUNT, _l("Enter a whole number of won, at least 1.")),
        ],
    )


class CauseForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[strip], validators=[DataRequired(_l("Enter a name.")), Length(max=200)]
    )
    registration = StringField(
        _l("Registration (charity or foundation number)"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the registration number.")), Length(max=80)],
    )
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Length(max=2000)])
    active = BooleanField(_l("Shoppers and ventures may choose it"), default=True)
    logo = FileField(_l("Logo (JPEG, PNG, WebP or GIF)"))
    submit = SubmitField(_l("Save"))


class FundForm(FlaskForm):
    name = StringField(
        _l("Fund name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter a name.")), Length(max=200)],
    )
    sponsor = StringField(
        _l("Sponsor"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the sponsor.")), Length(max=200)],
    )
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Length(max=2000)])
    rate = StringField(
        _l("Match rate, in percent of the donation (100 is 1:1, 200 is 2:1)"),
        filters=[strip],
        default="100",
        validators=[
            DataRequired(_l("Enter the match rate.")),
            Regexp(r"^\d{1,4}(\.\d{1,2})?$", message=_l("Write a percentage such as 100 or 50.")),
        ],
    )
    budget = amount_field(_l("Budget (won)"))
    cap_per_order = amount_field(_l("Cap per order (won, optional)"), required=False)
    starts_on = DateField(_l("Starts on (optional)"), validators=[Optional()])
    ends_on = DateField(_l("Ends after (optional)"), validators=[Optional()])
    ventures = SelectMultipleField(_l("Only these ventures (optional)"), choices=[], coerce=int)
    categories = SelectMultipleField(_l("Only these categories (optional)"), choices=[])
    submit = SubmitField(_l("Open the fund"))


class TopUpForm(FlaskForm):
    amount = amount_field(_l("Amount (won)"))
    note = StringField(_l("Note"), filters=[strip], validators=[Length(max=200)])
    submit = SubmitField(_l("Add to the fund"))


class RefundForm(FlaskForm):
    amount = amount_field(_l("Amount to refund (won)"))
    note = StringField(_l("Reason"), filters=[strip], validators=[Length(max=200)])
    key = StringField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])
    submit = SubmitField(_l("Refund"))


class PayoutForm(FlaskForm):
    cause = SelectField(_l("Cause"), choices=[], coerce=int, validate_choice=True)
    amount = amount_field(_l("Amount paid (won)"))
    paid_on = DateField(_l("Paid on"), validators=[InputRequired(_l("Enter the date."))])
    bank_reference = StringField(
        _l("Bank reference"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the bank's reference.")), Length(max=80)],
    )
    note = StringField(_l("Note"), filters=[strip], validators=[Length(max=500)])
    proof = FileField(_l("Proof of payment from the cause (PDF or picture)"))
    submit = SubmitField(_l("Record the payout"))


class CorrectionForm(FlaskForm):
    note = StringField(_l("Why"), filters=[strip], validators=[Length(max=500)])
    submit = SubmitField(_l("Cancel this payout with a correction"))


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
