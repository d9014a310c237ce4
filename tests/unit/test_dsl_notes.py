"""Notes on a workflow's canvas come in from a DSL with what the editor needs to draw them."""

from hypothesis import given
from hypothesis import strategies as st

from domain.workflows.dsl import read_dsl

START = {"id": "s", "type": "custom", "data": {"type": "start", "title": "Start", "variables": []}}


def _document(*nodes: dict) -> dict:
    return {"app": {"name": "Noted", "mode": "workflow"}, "kind": "app", "version": "0.3.0",
            "workflow": {"graph": {"nodes": [START, *nodes], "edges": []}}}  # fmt: skip


def test_a_trimmed_note_gets_the_editors_defaults_and_other_nodes_are_untouched():
    """A note with no theme made Dify's editor fail to render the whole canvas ("reading 'bg'")."""
    app = read_dsl(_document({"id": "n", "type": "custom-note", "data": {"type": "", "title": ""}}), frozenset({"start"}))
    start, note = app.graph["nodes"]
    assert start == START
    assert note["data"] == {"type": "", "title": "", "desc": "", "text": "", "theme": "blue", "author": "",
                                 "showAuthor": True, "width": 240, "height": 88}  # fmt: skip


@given(
    theme=st.sampled_from(["blue", "cyan", "green", "yellow", "pink", "violet"]),
    text=st.text(max_size=40),
    width=st.integers(100, 900),
)
def test_what_a_note_says_is_kept(theme, text, width):
    data = {"type": "", "title": "", "theme": theme, "text": text, "author": "Ann", "showAuthor": False, "width": width}
    app = read_dsl(_document({"id": "n", "type": "custom-note", "data": data}), frozenset({"start"}))
    kept = app.graph["nodes"][1]["data"]
    assert {k: kept[k] for k in data} == data and kept["height"] == 88


def test_a_note_with_an_empty_theme_gets_the_default_one():
    note = {"id": "n", "type": "custom-note", "data": {"type": "", "title": "", "theme": ""}}
    assert read_dsl(_document(note), frozenset({"start"})).graph["nodes"][1]["data"]["theme"] == "blue"
