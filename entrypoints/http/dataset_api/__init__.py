"""The Knowledge (dataset) Service API under /v1, authenticated with `dataset-…` keys."""

from quart import Blueprint

bp = Blueprint("dataset_api", __name__)

# Dify's error codes of the knowledge routes, by domain error class (merged into http/errors.py).
KNOWLEDGE_ERROR_CODES: dict[type[Exception], tuple[str, int]] = {}
