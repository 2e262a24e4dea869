"""Validators for the national codes a land office records (domain.md §7)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

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
