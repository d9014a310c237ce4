"""What a model call costs, computed the way Dify fills its usage object and messages' price columns."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from domain.models.entities import Usage

# Dify stores prices as numeric(10,7) and rounds each amount half-up to that precision.
PRICE_PRECISION = Decimal("0.0000001")
PER_THOUSAND_TOKENS = Decimal("0.001")
# Dify reports an unpriced model with every price and unit at Decimal("0.0").
UNPRICED = Decimal("0.0")


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """A model's list price: `input` and `output` per `unit` of tokens (per 1K tokens by default)."""

    input: Decimal
    output: Decimal
    unit: Decimal = PER_THOUSAND_TOKENS
    currency: str = "USD"

    def __post_init__(self) -> None:
        if min(self.input, self.output, self.unit) < 0:
            raise ValueError("Model prices cannot be negative.")


@dataclass(frozen=True, slots=True)
class PricedUsage:
    """Dify's usage object: token counts, unit prices, amounts, currency and latency in seconds."""

    prompt_tokens: int
    prompt_unit_price: Decimal
    prompt_price_unit: Decimal
    prompt_price: Decimal
    completion_tokens: int
    completion_unit_price: Decimal
    completion_price_unit: Decimal
    completion_price: Decimal
    total_tokens: int
    total_price: Decimal
    currency: str
    latency: float

    def as_dict(self) -> dict[str, object]:
        """Dify's usage object as JSON: prices as fixed-point strings."""
        return {
            "prompt_tokens": self.prompt_tokens,
            "prompt_unit_price": decimal_text(self.prompt_unit_price),
            "prompt_price_unit": decimal_text(self.prompt_price_unit),
            "prompt_price": decimal_text(self.prompt_price),
            "completion_tokens": self.completion_tokens,
            "completion_unit_price": decimal_text(self.completion_unit_price),
            "completion_price_unit": decimal_text(self.completion_price_unit),
            "completion_price": decimal_text(self.completion_price),
            "total_tokens": self.total_tokens,
            "total_price": decimal_text(self.total_price),
            "currency": self.currency,
            "latency": self.latency,
        }


def _amount(tokens: int, unit_price: Decimal, unit: Decimal) -> Decimal:
    return (tokens * unit_price * unit).quantize(PRICE_PRECISION, rounding=ROUND_HALF_UP)


def price_usage(usage: Usage, price: ModelPrice | None, latency: float) -> PricedUsage:
    """Prices a call: each side is tokens × unit price × unit, rounded half-up to 7 places; the total is
    their sum. A model without a price costs nothing, every price and unit reported as 0.0, as in Dify.
    """
    if price is None:
        return _unpriced(usage, latency)
    prompt_price = _amount(usage.prompt_tokens, price.input, price.unit)
    completion_price = _amount(usage.completion_tokens, price.output, price.unit)
    return PricedUsage(
        prompt_tokens=usage.prompt_tokens,
        prompt_unit_price=price.input,
        prompt_price_unit=price.unit,
        prompt_price=prompt_price,
        completion_tokens=usage.completion_tokens,
        completion_unit_price=price.output,
        completion_price_unit=price.unit,
        completion_price=completion_price,
        total_tokens=usage.total_tokens,
        total_price=prompt_price + completion_price,
        currency=price.currency,
        latency=latency,
    )


def _unpriced(usage: Usage, latency: float) -> PricedUsage:
    return PricedUsage(
        prompt_tokens=usage.prompt_tokens,
        prompt_unit_price=UNPRICED,
        prompt_price_unit=UNPRICED,
        prompt_price=UNPRICED,
        completion_tokens=usage.completion_tokens,
        completion_unit_price=UNPRICED,
        completion_price_unit=UNPRICED,
        completion_price=UNPRICED,
        total_tokens=usage.total_tokens,
        total_price=UNPRICED,
        currency="USD",
        latency=latency,
    )


def decimal_text(value: Decimal) -> str:
    """How Dify's JSON shows a price: fixed-point, never an exponent ("0.0000000", not "0E-7")."""
    return format(value, "f")
