"""Custom tools from OpenAPI documents (pure rules): one tool per operation, parameters where the schema
puts them, values that cannot escape their place in the URL, auth where the credentials say."""

import json
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.tools.api_requests import build_request
from domain.tools.errors import ToolSchemaInvalid
from domain.tools.openapi import parse_schema

names = st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True)


def document(paths: dict) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": paths,
    }


@given(
    st.dictionaries(
        names, st.sets(st.sampled_from(["get", "post", "put", "delete"]), min_size=1), min_size=1, max_size=6
    )
)
def test_every_operation_is_one_tool_with_a_unique_name(spec):
    paths = {f"/{segment}": {method: {} for method in methods} for segment, methods in spec.items()}
    operations = parse_schema(document(paths)).operations
    assert len(operations) == sum(len(m) for m in spec.values())
    assert len({op.name for op in operations}) == len(operations)


@given(st.text(min_size=1, max_size=30), st.text(max_size=30))
def test_path_values_stay_in_their_segment_and_query_values_round_trip(pet_id, query_value):
    [op] = parse_schema(
        document(
            {
                "/pets/{id}": {
                    "get": {
                        "operationId": "get",
                        "parameters": [
                            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                            {"name": "q", "in": "query", "schema": {"type": "string"}},
                        ],
                    }
                }
            }
        )
    ).operations
    request = build_request(op, {"id": pet_id, "q": query_value}, {"auth_type": "none"})
    url = urlsplit(request.url)
    assert url.netloc == "api.example.com" and url.path.startswith("/v1/pets/")
    assert unquote(url.path.removeprefix("/v1/pets/")) == pet_id and "/" not in url.path.removeprefix("/v1/pets/")
    assert parse_qs(url.query, keep_blank_values=True).get("q", [""]) == [query_value]


@pytest.mark.parametrize(
    ("credentials", "header", "query"),
    [
        ({"auth_type": "bearer", "api_key_value": "k"}, ("Authorization", "Bearer k"), None),
        (
            {
                "auth_type": "api_key_header",
                "api_key_header": "X-Key",
                "api_key_value": "k",
                "api_key_header_prefix": "custom",
            },
            ("X-Key", "k"),
            None,
        ),
        (
            {"auth_type": "api_key", "api_key_value": "u:p", "api_key_header_prefix": "basic"},
            ("Authorization", "Basic dTpw"),
            None,
        ),
        ({"auth_type": "api_key_query", "api_key_query_param": "token", "api_key_value": "k"}, None, ("token", "k")),
    ],
)
def test_auth_goes_where_the_credentials_say(credentials, header, query):
    [op] = parse_schema(document({"/x": {"get": {}}})).operations
    request = build_request(op, {}, credentials)
    if header:
        assert header in request.headers
    if query:
        assert parse_qs(urlsplit(request.url).query)[query[0]] == [query[1]]


def test_a_json_body_holds_declared_and_extra_values_with_their_types():
    [op] = parse_schema(
        document(
            {
                "/pets": {
                    "post": {
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["name"],
                                        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                                    }
                                }
                            }
                        }
                    }
                }
            }
        )
    ).operations
    assert [(p.name, p.location, p.required) for p in op.parameters] == [("name", "body", True), ("age", "body", False)]
    request = build_request(op, {"name": "rex", "age": 3, "extra": True}, {})
    assert json.loads(request.body) == {"name": "rex", "age": 3, "extra": True}


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"openapi": "3.0.0", "paths": {"/x": {"get": {}}}},  # no server
        document({}),
        document({"/x": {"get": {"parameters": [{"$ref": "#/components/parameters/missing"}]}}}),
        {"openapi": "3.0.0", "servers": [{"url": "ftp://x"}], "paths": {"/x": {"get": {}}}},
    ],
)
def test_documents_that_are_not_usable_schemas_are_refused(bad):
    with pytest.raises(ToolSchemaInvalid):
        parse_schema(bad)
