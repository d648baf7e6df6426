"""The number rule (words/numbers.py): every number readable, none non-zero shown as zero, widths stable."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuinet.words.numbers import FIXED_LIMIT, factor, fixed_width, fmt, sci


def parse(text: str) -> float:
    return float(text.replace("−", "-"))


MAGNITUDES = [10.0**k * m for k in range(-300, 301, 7) for m in (1.0, 4.4, 5.7, 9.9996)]


@pytest.mark.parametrize("digits", [0, 1, 2, 3, 4, 6, 10])
def test_no_nonzero_value_shows_as_zero_at_any_magnitude(digits: int) -> None:
    for magnitude in MAGNITUDES:
        for value in (magnitude, -magnitude):
            text = fmt(value, digits)
            assert parse(text) != 0, (value, digits, text)
            assert "-" not in text and "+" not in text, text  # a real minus sign, no e+
            assert text.startswith("−") == (value < 0), text
            # Right to the precision shown: the last digit is off by at most half a unit.
            mantissa = text.split("e")[0].lstrip("−")
            decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
            exponent = int(text.split("e")[1].replace("−", "-")) if "e" in text else 0
            assert abs(parse(text) - value) <= 0.5 * 10.0 ** (exponent - decimals) * 1.0001, (value, text)


@pytest.mark.parametrize("digits", [0, 1, 2, 3, 4, 6, 10])
def test_small_and_huge_numbers_take_no_more_room_than_a_fixed_one(digits: int) -> None:
    # A column never jitters when a number crosses into scientific notation: the scientific form fits in the
    # width of the fixed numbers around it (below 10: digits + 2, sign apart; up to FIXED_LIMIT: 5 more).
    for magnitude in MAGNITUDES:
        text = fmt(magnitude, digits)
        if magnitude < 10:  # the shortest scientific form, 6e−4, is 3 characters and the exponent's digits
            shortest = 3 + len(text.split("e")[1].lstrip("−")) if "e" in text else 0
            assert len(text) <= max(fixed_width(digits), shortest), (magnitude, text)
        else:
            assert len(text) <= max(fixed_width(digits) + 4, 5 + (magnitude >= 1e100)), (magnitude, text)


def test_the_forms_the_panes_show() -> None:
    assert fmt(0.125, 3) == "0.125" and fmt(-1.5) == "−1.50" and fmt(2.0, 0) == "2"
    assert fmt(0.00044, 3) == "4e−4"  # 0.000 would hide it
    assert fmt(-0.000047, 4) == "−4.7e−5" and fmt(-0.00057, 6) == "−0.000570"
    assert fmt(0.0006, 3) == "0.001"  # one significant digit already: the fixed form stays
    assert fmt(1.2e-12, 10) == "1.200000e−12" and fmt(-3e-300, 3) == "−3e−300"
    assert fmt(0.0, 3) == "0.000" and fmt(-0.0, 3) == "0.000"  # exact zero is zero, −0.0 an artefact
    assert fmt(99999.4, 3) == "99999.400" and fmt(1.47e308, 3) == "1.470e308" and fmt(-2.5e196, 3) == "−2.500e196"
    assert fmt(float("nan")) == "NaN" and fmt(math.inf) == "inf" and fmt(-math.inf) == "−inf"
    assert fmt(FIXED_LIMIT, 3) == "1.00000e5"


def test_factor_brackets_negatives_of_both_forms() -> None:
    assert factor(-0.5, 3) == "(−0.500)" and factor(-0.00044, 3) == "(−4e−4)" and factor(0.00044, 3) == "4e−4"


def test_sci_writes_errors_with_a_real_minus() -> None:
    assert sci(1.23e-8, 2) == "1.2e−8" and sci(0.0, 2) == "0" and sci(-5e-5, 1) == "−5e−5"


@given(st.floats(min_value=-1e307, max_value=1e307), st.integers(0, 8))  # 2e308 would parse as inf
def test_every_float_is_written_readably(value: float, digits: int) -> None:
    text = fmt(value, digits)
    assert (parse(text) == 0) == (value == 0), (value, text)
    assert math.isclose(parse(text), value, rel_tol=0.51, abs_tol=0.5 * 10.0**-digits), (value, text)
