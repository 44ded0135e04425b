"""The operator's forms: reviews, causes, matching funds, refunds, payouts and job retries
(shape only)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FileField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from storefront.web.forms import strip

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


class ReviewForm(FlaskForm):
    note = StringField(_l("Note to the venture"), filters=[strip], validators=[Length(max=500)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


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


def one_time_key() -> StringField:
    """A hidden one-time key: the view stores it with what the form records, so the same
    form sent twice records once."""
    return StringField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])


class RefundForm(FlaskForm):
    amount = amount_field(_l("Amount to refund (won)"))
    note = StringField(_l("Reason"), filters=[strip], validators=[Length(max=200)])
    key = one_time_key()
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
    key = one_time_key()
    submit = SubmitField(_l("Record the payout"))


class CorrectionForm(FlaskForm):
    note = StringField(_l("Why"), filters=[strip], validators=[Length(max=500)])
    key = one_time_key()
    submit = SubmitField(_l("Cancel this payout with a correction"))


class RetryForm(FlaskForm):
    """Try a failed job again (only its CSRF token)."""

    submit = SubmitField(_l("Retry"))
