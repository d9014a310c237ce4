"""Markdown read into plain blocks (headings, paragraphs, list items, code, tables) that each exporter lays
out in its own format. Python-Markdown writes the HTML; beautifulsoup4 walks it."""

from dataclasses import dataclass, field

import markdown
from bs4 import BeautifulSoup, Tag

EXTENSIONS = ["tables", "fenced_code", "sane_lists"]


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # heading | paragraph | item | code | table | rule
    text: str = ""
    level: int = 0  # heading level; list nesting for items
    ordered: bool = False
    rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


def html(text: str) -> str:
    return markdown.markdown(text or "", extensions=EXTENSIONS)


def _items(node: Tag, depth: int, ordered: bool) -> list[Block]:
    blocks = []
    for item in node.find_all("li", recursive=False):
        nested = [child for child in item.find_all(["ul", "ol"], recursive=False)]
        for child in nested:
            child.extract()
        blocks.append(Block("item", item.get_text(" ", strip=True), depth, ordered))
        for child in nested:
            blocks += _items(child, depth + 1, child.name == "ol")
    return blocks


def blocks(text: str) -> list[Block]:
    soup = BeautifulSoup(html(text), "html.parser")
    found: list[Block] = []
    for node in soup.find_all(recursive=False):
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            found.append(Block("heading", node.get_text(" ", strip=True), int(name[1])))
        elif name in ("ul", "ol"):
            found += _items(node, 0, name == "ol")
        elif name == "pre":
            found.append(Block("code", node.get_text()))
        elif name == "table":
            rows = tuple(
                tuple(cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"]))
                for row in node.find_all("tr")
            )
            found.append(Block("table", rows=rows))
        elif name == "hr":
            found.append(Block("rule"))
        else:
            content = node.get_text(" ", strip=True)
            if content:
                found.append(Block("paragraph", content))
    return found
