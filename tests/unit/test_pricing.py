"""What a model call costs: Dify's usage object, rounded as Dify rounds it."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.models.entities import Usage
from domain.models.pricing import PRICE_PRECISION, ModelPrice, decimal_text, price_usage

GPT_LIKE = ModelPrice(input=Decimal("0.001"), output=Decimal("0.002"))

tokens = st.integers(min_value=0, max_value=2_000_000)
unit_prices = st.decimals(min_value=0, max_value=1000, places=6, allow_nan=False, allow_infinity=False)


def test_prices_are_per_thousand_tokens_and_add_up():
    priced = price_usage(Usage.of(1000, 500), GPT_LIKE, latency=1.25)

    assert priced.prompt_unit_price == Decimal("0.001")
    assert priced.prompt_price_unit == Decimal("0.001")
    assert decimal_text(priced.prompt_price) == "0.0010000"
    assert decimal_text(priced.completion_price) == "0.0010000"
    assert decimal_text(priced.total_price) == "0.0020000"
    assert (priced.prompt_tokens, priced.completion_tokens, priced.total_tokens) == (1000, 500, 1500)
    assert priced.currency == "USD"
    assert priced.latency == 1.25


def test_amounts_round_half_up_to_seven_places():
    price = ModelPrice(input=Decimal("0.00005"), output=Decimal("0.00004"))

    priced = price_usage(Usage.of(1, 1), price, latency=0.0)

    assert priced.prompt_price == Decimal("0.0000001")  # 0.00000005 rounds up
    assert priced.completion_price == Decimal("0.0000000")  # 0.00000004 rounds down


def test_an_unpriced_model_costs_nothing_as_dify_reports_it():
    priced = price_usage(Usage.of(10, 20), None, latency=0.5)

    assert decimal_text(priced.prompt_unit_price) == "0.0"
    assert decimal_text(priced.prompt_price_unit) == "0.0"
    assert decimal_text(priced.total_price) == "0.0"
    assert priced.currency == "USD"
    assert priced.total_tokens == 30


def test_the_currency_of_the_price_is_reported():
    price = ModelPrice(input=Decimal("0.01"), output=Decimal("0.03"), currency="RMB")

    assert price_usage(Usage.of(1, 1), price, latency=0.0).currency == "RMB"


def test_a_negative_price_is_refused():
    with pytest.raises(ValueError):
        ModelPrice(input=Decimal("-0.001"), output=Decimal("0.002"))


def test_a_zero_amount_prints_without_an_exponent():
    priced = price_usage(Usage.of(0, 0), GPT_LIKE, latency=0.0)

    assert decimal_text(priced.total_price) == "0.0000000"


@given(tokens, tokens, unit_prices, unit_prices)
def test_prices_are_never_negative_and_the_total_is_their_sum(prompt, completion, input_price, output_price):
    priced = price_usage(Usage.of(prompt, completion), ModelPrice(input_price, output_price), latency=0.1)

    assert priced.prompt_price >= 0 and priced.completion_price >= 0
    assert priced.total_price == priced.prompt_price + priced.completion_price
    for amount in (priced.prompt_price, priced.completion_price, priced.total_price):
        assert amount.as_tuple().exponent == PRICE_PRECISION.as_tuple().exponent


@given(tokens, unit_prices)
def test_each_amount_is_within_half_a_unit_of_the_exact_cost(count, unit_price):
    priced = price_usage(Usage.of(count, 0), ModelPrice(unit_price, Decimal(0)), latency=0.0)

    exact = count * unit_price * Decimal("0.001")
    assert abs(priced.prompt_price - exact) <= PRICE_PRECISION / 2
