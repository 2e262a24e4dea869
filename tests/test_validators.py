"""The national codes a land office records (docs/data-model.md#national-codes): what each
validator accepts and refuses."""

import pytest
from django.core.exceptions import ValidationError

from cases.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    validate_cadastral_code,
    validate_credit_code,
    validate_park_code,
    validate_unit_number,
)
from tests import factories

VALID_CREDIT_CODES = ["91350100M000100Y43", "91110108551385082Q"]


def refusal(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value


def reference_check_character(first17: str) -> str:
    """GB 32100-2015 written out as docs/data-model.md#national-codes states it, independently of
    the code under test."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * 3**i for i, c in enumerate(first17)) % 31
    return CREDIT_CODE_ALPHABET[(31 - total) % 31]


# Unified social credit code ------------------------------------------------------------------


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_published_credit_codes_are_accepted(code):
    validate_credit_code(code)


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_check_character_of_published_codes_is_computed(code):
    assert credit_code_check_character(code[:17]) == code[17]


def test_check_character_agrees_with_the_standard_for_many_codes():
    for serial in range(1, 500):
        first17 = f"91440403{serial * 7919:09d}"
        assert credit_code_check_character(first17) == reference_check_character(first17)


def test_factory_credit_codes_are_valid():
    for serial in range(1, 60):
        validate_credit_code(factories.credit_code(serial))


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_every_wrong_check_character_is_refused_naming_the_expected_one(code):
    for wrong in CREDIT_CODE_ALPHABET.replace(code[17], ""):
        error = refusal(validate_credit_code, code[:17] + wrong)
        assert error.code == "invalid_credit_code"
        assert error.params == {"expected": code[17], "found": wrong}
        assert code[17] in error.messages[0]


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        " 91350100M000100Y43",
        "91350100M000100Y43\n",
    ],
    ids=["empty", "17 characters", "19 characters", "leading space", "trailing newline"],
)
def test_a_credit_code_of_the_wrong_length_is_refused(code):
    error = refusal(validate_credit_code, code)
    assert error.code == "invalid_credit_code"
    assert error.params is None  # the format message, not the check-character one


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_the_standard_leaves_out_are_refused(letter):
    # In the organisation-code part (positions 9–17), where letters are otherwise allowed.
    error = refusal(validate_credit_code, "91350100" + letter + "000100Y43")
    assert error.code == "invalid_credit_code"


@pytest.mark.parametrize("code", ["91350100m000100y43", "91110108551385082q"])
def test_a_lowercase_credit_code_is_refused(code):
    error = refusal(validate_credit_code, code)
    assert error.code == "invalid_credit_code"


def test_the_registration_area_part_must_be_digits():
    # Positions 3–8 are the administrative division code: digits only.
    first17 = "9135A100M000100Y4"
    error = refusal(validate_credit_code, first17 + credit_code_check_character(first17))
    assert error.code == "invalid_credit_code"


# Cadastral parcel code (宗地代码) and real-estate unit number (不动产单元号) ------------------------


@pytest.mark.parametrize("code", ["440403001001GB00001", "440403001001JC00042", "440403001001ZZ99999"])
def test_well_formed_cadastral_codes_are_accepted(code):
    validate_cadastral_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "440403001001GB0001",  # 18 characters
        "440403001001GB000001",  # 20 characters
        "440403001001XB00001",  # right type must be G, J or Z
        "440403001001gb00001",  # lowercase
        "440403001001G100001",  # second letter a digit
        "44040300100AGB00001",  # a letter in the district part
        "440403001001GB0000A",  # a letter in the sequence
        "",
    ],
)
def test_malformed_cadastral_codes_are_refused(code):
    error = refusal(validate_cadastral_code, code)
    assert error.code == "invalid_cadastral_code"
    assert "440403001001GB00001" in str(error.messages[0])  # the message shows an example


@pytest.mark.parametrize(
    "number",
    ["440403001001GB00001W00000000", "440403001001GB00001F00010001", "440403001001JA00002L00000003"],
)
def test_well_formed_unit_numbers_are_accepted(number):
    validate_unit_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "440403001001GB00001W0000000",  # 27 characters
        "440403001001GB00001W000000000",  # 29 characters
        "440403001001GB00001",  # the parcel code alone
        "440403001001GB00001X00000000",  # fixture type must be F, L, Q or W
        "440403001001GB00001w00000000",  # lowercase
        "440403001001XB00001W00000000",  # a malformed parcel code inside
    ],
)
def test_malformed_unit_numbers_are_refused(number):
    error = refusal(validate_unit_number, number)
    assert error.code == "invalid_unit_number"


# Park code ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["XQ", "DEMO2", "A1", "ABCDEFGHIJ"])
def test_short_capital_park_codes_are_accepted(code):
    validate_park_code(code)


@pytest.mark.parametrize("code", ["X", "ABCDEFGHIJK", "xq", "2Q", "X-Q", "X Q", ""], ids=lambda c: repr(c))
def test_other_park_codes_are_refused(code):
    error = refusal(validate_park_code, code)
    assert error.code == "invalid_park_code"
