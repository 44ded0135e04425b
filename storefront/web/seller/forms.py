"""The seller page's forms: shape only; the listing, stock and giving rules live in domain/."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from storefront.web.fields import email_field, korean_phone, strip


def stock_field() -> IntegerField:
    return IntegerField(
        _l("Stock"),
        validators=[
            InputRequired(_l("Enter how many you have.")),
            NumberRange(0, 1_000_000, _l("Stock must be from 0 to 1,000,000.")),
        ],
    )


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


class DefaultCauseForm(FlaskForm):
    cause = SelectField(_l("Your default cause"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Save"))


# --- the quarterly impact report ---------------------------------------------------------


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


class ReplyForm(FlaskForm):
    text = TextAreaField(
        _l("Your reply"),
        filters=[strip],
        validators=[
            DataRequired(_l("Write a reply.")),
            Length(max=1000, message=_l("Write a reply of at most 1000 characters.")),
        ],
    )
    submit = SubmitField(_l("Reply"))


class ReturnRejectForm(FlaskForm):
    note = TextAreaField(
        _l("Why the request is declined (the shopper reads this)"),
        filters=[strip],
        validators=[DataRequired(_l("Say why the request is declined.")), Length(max=500)],
    )
