"""Varied, realistic-looking English text for the knowledge benchmarks, generated offline from a seed.

Paragraphs mix topics, sentence shapes, numbers and names, so no two chunks are the same (the embeddings
cache never answers for the model) and chunk lengths vary as in real documents.
"""

import random

TOPICS = {
    "billing": ("invoice", "refund", "subscription", "payment method", "credit note", "billing cycle", "VAT number"),
    "shipping": ("parcel", "courier", "tracking number", "customs form", "warehouse", "delivery window", "pallet"),
    "security": ("password", "two-factor code", "session token", "audit log", "access policy", "SSO provider"),
    "hardware": ("battery", "firmware", "charging cable", "display panel", "sensor", "power adapter", "hinge"),
    "onboarding": ("workspace", "invitation", "team member", "role", "project template", "welcome email"),
    "analytics": ("dashboard", "report", "metric", "export", "retention cohort", "conversion funnel", "filter"),
}
VERBS = ("update", "cancel", "review", "replace", "configure", "reset", "export", "verify", "archive", "restore")
ADVERBS = ("usually", "always", "sometimes", "only", "automatically", "manually", "rarely", "immediately")
NAMES = ("Alice", "Bram", "Chen", "Dana", "Emeka", "Fatima", "Giulia", "Hiro", "Ines", "Jonas", "Kavya", "Lena")
PLACES = ("Lisbon", "Osaka", "Nairobi", "Toronto", "Utrecht", "Valparaíso", "Krakow", "Auckland", "Pune")
TEMPLATES = (
    "To {verb} a {thing}, open the settings page and choose the {other} tab; the change applies {adverb}.",
    "Customers in {place} {adverb} ask how to {verb} their {thing} after the {other} has expired.",
    "{name} from the {topic} team confirmed that {n} requests about the {thing} were solved within {h} hours.",
    "If the {thing} does not match the {other}, support will {verb} it and send a note to {name}.",
    "Since version {major}.{minor}, the {thing} is checked {adverb} before any {other} is accepted.",
    "A {thing} older than {n} days cannot be changed; ask an administrator to {verb} the {other} instead.",
    "In {place}, the {topic} office handles about {n} cases a week, most of them about the {thing}.",
    "Note: the {other} and the {thing} are separate; to {verb} one you do not need to touch the other.",
    "Why does my {thing} show an error? Most often the {other} was changed while {name} was editing it.",
)


def _sentence(rng: random.Random) -> str:
    topic = rng.choice(tuple(TOPICS))
    thing, other = rng.sample(TOPICS[topic], 2)
    return rng.choice(TEMPLATES).format(
        verb=rng.choice(VERBS), thing=thing, other=other, adverb=rng.choice(ADVERBS), place=rng.choice(PLACES),
        name=rng.choice(NAMES), topic=topic, n=rng.randint(2, 900), h=rng.randint(1, 72),
        major=rng.randint(1, 9), minor=rng.randint(0, 30),
    )


def paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 7)))


def document(rng: random.Random, paragraphs: int) -> str:
    """A document: a title, then paragraphs separated by blank lines."""
    title = f"# {rng.choice(tuple(TOPICS)).title()} guide {rng.randint(1, 10_000)}"
    return "\n\n".join([title, *(paragraph(rng) for _ in range(paragraphs))])
