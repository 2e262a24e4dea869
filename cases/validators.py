"""Validators for the national codes a land office records (docs/data-model.md#national-codes), for
case numbers, and for the plausible range of every date, area, amount, rate and term (the bounds
are in `cases.bounds`)."""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import bounds

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"

# Patterns end in \Z, not $: "$" would let a value with a trailing newline through.
# Parcel code (宗地代码): county, cadastral district, sub-district, right type and sequence.
CADASTRAL_CODE_PATTERN = r"^\d{12}[GJZ][A-Z]\d{5}\Z"
# Real-estate unit number (不动产单元号): the parcel code, a fixture type and eight digits.
UNIT_NUMBER_PATTERN = r"^\d{12}[GJZ][A-Z]\d{5}[FLQW]\d{8}\Z"

PARK_CODE_PATTERN = r"^[A-Z][A-Z0-9]{1,9}\Z"


def credit_code_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015)."""
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


@deconstructible
class CreditCodeValidator:
    """Accept an 18-character unified social credit code whose check character is right."""

    message = _(
        "Enter a valid unified social credit code: 18 characters from digits and capital "
        "letters (no I, O, S, V, Z), with a correct check character."
    )
    code = "invalid_credit_code"

    def __call__(self, value: str) -> None:
        if not re.fullmatch(CREDIT_CODE_PATTERN, value or ""):
            raise ValidationError(self.message, code=self.code)
        if credit_code_check_character(value[:17]) != value[17]:
            raise ValidationError(
                _(
                    "The check character of this unified social credit code is wrong: "
                    "expected %(expected)s, found %(found)s."
                ),
                code=self.code,
                params={"expected": credit_code_check_character(value[:17]), "found": value[17]},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CreditCodeValidator)


validate_credit_code = CreditCodeValidator()

validate_cadastral_code = RegexValidator(
    CADASTRAL_CODE_PATTERN,
    _(
        "Enter a 19-character parcel code: 12 digits, G, J or Z, a capital letter, then 5 "
        "digits (e.g. 440403001001GB00001)."
    ),
    code="invalid_cadastral_code",
)

validate_unit_number = RegexValidator(
    UNIT_NUMBER_PATTERN,
    _(
        "Enter a 28-character real-estate unit number: the 19-character parcel code, F, L, Q "
        "or W, then 8 digits (e.g. 440403001001GB00001W00000000)."
    ),
    code="invalid_unit_number",
)

validate_park_code = RegexValidator(
    PARK_CODE_PATTERN,
    _("Enter 2 to 10 capital letters or digits, beginning with a letter (e.g. XQ)."),
    code="invalid_park_code",
)


# Case numbers ---------------------------------------------------------------------------------

# {park}-{year}-{seq:03d}: the park code, four digits of the year, and the sequence as three digits
# (001 to 999) or, past 999, as four without a leading zero.
CASE_NUMBER_PATTERN = r"^([A-Z][A-Z0-9]{1,9})-([0-9]{4})-([0-9]{3}|[1-9][0-9]{3})\Z"


def case_number_parts(number: str) -> tuple[str, int, int] | None:
    """(park code, year, sequence) of a number of the right shape with a sequence from 1, else None."""
    match = re.fullmatch(CASE_NUMBER_PATTERN, number or "")
    if match is None or int(match[3]) < 1:
        return None
    return match[1], int(match[2]), int(match[3])


@deconstructible
class CaseNumberValidator:
    """A case number as Parkland gives them: {park}-{year}-{seq:03d}, a plausible year, a bounded sequence."""

    code = "invalid_case_number"

    def __call__(self, value: str) -> None:
        parts = case_number_parts(value)
        earliest, latest = bounds.earliest_date().year, bounds.today().year
        if parts is None or not earliest <= parts[1] <= latest or parts[2] > bounds.MAX_CASE_SEQUENCE:
            raise ValidationError(
                _(
                    "Case number %(value)s is not of the form park-year-sequence such as XQ-2022-007: "
                    "the park's code, a year from %(earliest)s to %(latest)s and a sequence from 001 to "
                    "%(max)s."
                ),
                code=self.code,
                params={
                    "value": value,
                    "earliest": earliest,
                    "latest": latest,
                    "max": bounds.MAX_CASE_SEQUENCE,
                },
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CaseNumberValidator)


validate_case_number = CaseNumberValidator()


# Plausible values -----------------------------------------------------------------------------


class _Labelled:
    """A bound on one field, whose label the message names (“登记日期 9999-12-31 不在允许范围内…”)."""

    code = "implausible"

    def __init__(self, label) -> None:
        self.label = label

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def field(self):
        return capfirst(self.label)


@deconstructible
class PastDateValidator(_Labelled):
    """The date of something that has happened: not before 1949-10-01, not after today (Asia/Shanghai)."""

    def __call__(self, value: date) -> None:
        earliest, today = bounds.earliest_date(), bounds.today()
        if isinstance(value, date) and not earliest <= value <= today:
            raise ValidationError(
                _("%(field)s %(value)s is outside the allowed range (%(earliest)s to today, %(today)s)."),
                code=self.code,
                params={
                    "field": self.field(),
                    "value": value.isoformat(),
                    "earliest": earliest.isoformat(),
                    "today": today.isoformat(),
                },
            )


@deconstructible
class PlannedDateValidator(_Labelled):
    """A date planned or agreed: not before 1949-10-01, at most the allowed number of years ahead."""

    def __call__(self, value: date) -> None:
        earliest, latest = bounds.earliest_date(), bounds.latest_planned_date()
        if isinstance(value, date) and not earliest <= value <= latest:
            raise ValidationError(
                _(
                    "%(field)s %(value)s is outside the allowed range (%(earliest)s to %(latest)s, "
                    "at most %(years)s years from today)."
                ),
                code=self.code,
                params={
                    "field": self.field(),
                    "value": value.isoformat(),
                    "earliest": earliest.isoformat(),
                    "latest": latest.isoformat(),
                    "years": bounds.setting("PARKLAND_PLANNED_YEARS_AHEAD"),
                },
            )


def shown_number(value, *, grouped: bool = True) -> str:
    """A number as the messages show it: as given, thousands separated, never in exponent form."""
    return f"{Decimal(value):,f}" if grouped else f"{Decimal(value):f}"


@deconstructible
class PlausibleNumberValidator(_Labelled):
    """A figure within the plausible range of its kind (an area, an amount, a rate, a term …)."""

    def __init__(self, label, kind: str) -> None:
        if kind not in bounds.number_kinds():
            raise ValueError(f"Unknown kind of figure {kind!r}; known: {', '.join(bounds.number_kinds())}.")
        super().__init__(label)
        self.kind = kind

    def __call__(self, value) -> None:
        if value is None or isinstance(value, bool):
            return
        limits = bounds.number_range(self.kind)
        number = Decimal(value)
        if not number.is_finite() or not limits.low <= number <= limits.high:
            raise ValidationError(
                limits.message,
                code=self.code,
                params={
                    "field": self.field(),
                    "value": shown_number(value, grouped=limits.grouped),
                    "low": shown_number(limits.low, grouped=limits.grouped),
                    "high": shown_number(limits.high, grouped=limits.grouped),
                },
            )


class DecimalPlacesValidator(_Labelled):
    """No more decimal places than the field keeps, said plainly."""

    def __init__(self, label, places: int) -> None:
        super().__init__(label)
        self.places = places

    def __call__(self, value) -> None:
        if isinstance(value, Decimal) and value.is_finite() and -value.as_tuple().exponent > self.places:
            raise ValidationError(
                _("%(field)s %(value)s has more than %(places)s decimal places."),
                code="max_decimal_places",
                params={"field": self.field(), "value": shown_number(value), "places": self.places},
            )


def plausible_validators(model_field) -> list:
    """The plausibility validators of a model field."""
    kinds = (PastDateValidator, PlannedDateValidator, PlausibleNumberValidator)
    return [validator for validator in model_field.validators if isinstance(validator, kinds)]


def use_plausible_bounds(form_field, model_field) -> None:
    """Check a form field against its model field's plausible range, in place of Django's generic limits.

    A form then says “面积（平方米） 999,999,999,999,999 不在允许范围内（0.01 至 10,000,000 平方米）”
    rather than “确认总共不超过 14 个数字”: the range lies well within the digits the column holds,
    so the digit count and the minimum and maximum checks have nothing left to add.
    """
    checks = plausible_validators(model_field)
    if not checks:
        return
    generic = (DecimalValidator, MinValueValidator, MaxValueValidator)
    kept = [validator for validator in form_field.validators if not isinstance(validator, generic)]
    places = getattr(model_field, "decimal_places", None)
    if places is not None:
        kept.append(DecimalPlacesValidator(model_field.verbose_name, places))
    form_field.validators = [*checks, *kept]
