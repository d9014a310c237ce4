"""Dify's DSL files are YAML; weir reads them safely (no Python objects) and writes them block-style."""

from typing import Any

import yaml


class YamlDslCodec:
    def load(self, text: str) -> dict[str, Any]:
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ValueError(f"not valid YAML: {error}") from None
        if not isinstance(document, dict):
            raise ValueError("a DSL document is a YAML mapping")
        return document

    def dump(self, document: dict[str, Any]) -> str:
        return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
