"""The pure rules of files: which file an upload config accepts, a file's type, a link's name, and how image
parts read on the OpenAI and Anthropic wires and in token counts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.llm import anthropic_wire, openai_wire
from adapters.llm.tiktoken_counter import IMAGE_TOKENS, TiktokenCounter
from domain.files.file_types import FileType, detect_type
from domain.files.upload_config import FileUploadConfig, app_upload_config
from domain.files.workflow_files import remote_file_info
from domain.models.entities import ChatMessage, ChatRequest, ImagePart, Role
from domain.shared.errors import InvalidParam

METHODS = ("local_file", "remote_url")


def test_a_files_type_comes_from_its_extension_then_its_mime_type():
    assert detect_type(".PNG", "") is FileType.IMAGE
    assert detect_type(".pdf", "") is FileType.DOCUMENT
    assert detect_type(".bin", "audio/ogg") is FileType.AUDIO
    assert detect_type("", "text/plain") is FileType.DOCUMENT
    assert detect_type(".zip", "application/zip") is FileType.CUSTOM


def test_a_named_type_must_be_allowed_and_its_transfer_method_too():
    config = FileUploadConfig(allowed_file_types=("document",), allowed_file_upload_methods=("local_file",))
    assert config.accepts("document", ".md", "local_file")
    assert not config.accepts("image", ".png", "local_file")
    assert not config.accepts("document", ".md", "remote_url")
    assert config.accepts("document", ".md", "tool_file")  # tool outputs are never a user's upload


def test_a_custom_file_needs_an_allowed_extension_unless_its_type_shows_an_allowed_one():
    config = FileUploadConfig(allowed_file_types=("image", "custom"), allowed_file_extensions=(".ZIP",))
    assert config.accepts("custom", ".zip", "local_file")  # extensions compare without case
    assert config.accepts("custom", ".png", "local_file")  # an image, which is allowed
    assert not config.accepts("custom", ".pdf", "local_file")  # a document, which is not
    assert not config.accepts("custom", ".bin", "local_file", "application/octet-stream")
    assert FileUploadConfig().accepts("custom", ".bin", "remote_url")  # nothing restricted


@given(st.sampled_from(list(FileType)), st.sampled_from(METHODS), st.text(max_size=5))
def test_an_empty_config_accepts_every_named_type_and_method(kind, method, extension):
    assert FileUploadConfig().accepts(kind.value, "." + extension, method)


def test_images_answer_to_the_image_methods_and_counts_are_limited():
    config = app_upload_config(
        {"image": {"enabled": True, "number_limits": 1, "detail": "low", "transfer_methods": ["remote_url"]}}
    )
    assert config is not None and config.image_detail == "low"
    assert config.accepts("image", ".png", "remote_url") and not config.accepts("image", ".png", "local_file")
    assert not config.accepts("document", ".md", "remote_url")  # the image-only feature takes images only
    with pytest.raises(InvalidParam, match="Number of image files exceeds the maximum limit 1"):
        config.check_count([{"type": "image"}, {"type": "image"}])
    assert app_upload_config({"enabled": False, "image": {"enabled": False}}) is None
    assert app_upload_config(None) is None


def test_a_links_name_and_type_come_from_its_path():
    assert remote_file_info("https://x.example/a/My%20Report.PDF?sig=1") == ("My Report.PDF", ".pdf", "application/pdf")
    assert remote_file_info("https://x.example/") == ("unknown_file", ".bin", "")


PIXEL = "data:image/png;base64,iVBORw0KGgo="


def test_image_parts_follow_the_text_on_both_wires():
    message = ChatMessage(Role.USER, "What is this?", images=(ImagePart(PIXEL, "low"), ImagePart("https://i/x.png")))
    assert openai_wire.message_json(message)["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": PIXEL, "detail": "low"}},
        {"type": "image_url", "image_url": {"url": "https://i/x.png", "detail": "high"}},
    ]
    body = anthropic_wire.request_body(ChatRequest(model="claude", messages=(message,)))
    assert body["messages"][0]["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
        {"type": "image", "source": {"type": "url", "url": "https://i/x.png"}},
    ]
    # A message without images stays a plain string on the OpenAI wire.
    assert openai_wire.message_json(ChatMessage.user("hi"))["content"] == "hi"


def test_an_image_costs_a_fixed_count_by_its_detail():
    counter = TiktokenCounter()
    text = counter.count_messages([ChatMessage.user("hi")], "gpt-4o")
    low = counter.count_messages([ChatMessage(Role.USER, "hi", images=(ImagePart(PIXEL, "low"),))], "gpt-4o")
    high = counter.count_messages([ChatMessage(Role.USER, "hi", images=(ImagePart(PIXEL, "high"),))], "gpt-4o")
    assert (low - text, high - text) == (IMAGE_TOKENS["low"], IMAGE_TOKENS["high"]) == (85, 765)
