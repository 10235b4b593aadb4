"""Driven by the OpenAPI document: random JSON bodies and path values at every operation never get
a server error (5xx) from the sandbox, signed in or not."""

import json
import string
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carm.sandbox import OPENAPI

from .conftest import Server

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
OPERATIONS = [(path, method) for path, item in OPENAPI["paths"].items() for method in item]
# Values the sandbox knows (so requests get past "not found") or random ones.
segments = st.sampled_from(
    [
        "123026635RM0001",
        "2026-10-15",
        "12345000042706",
        "RUL-000001",
        "accept",
        "issue",
        "6109.10.00.11",
    ]
) | st.text(alphabet=string.ascii_letters + string.digits + "-._~", min_size=1, max_size=16)


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, httpx.Client]]:
    from carm.sandbox import Faults

    from .conftest import seeded

    with Server(seeded(tmp_path_factory.mktemp("fuzz") / "fuzz.db"), Faults()) as server:
        client = httpx.Client(base_url=server.url, timeout=10)
        token = client.post(
            "/v1/sessions", json={"user": "u-erin", "password": "u-erin-password"}
        ).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield server, client
        client.close()


def from_schema(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values that fit ``schema`` (as far as this document uses JSON Schema), or, now and then,
    anything at all: the server must answer both without a 5xx."""
    kind = schema.get("type")
    fitting: st.SearchStrategy[Any]
    if "enum" in schema:
        fitting = st.sampled_from(schema["enum"])
    elif kind == "object" and "properties" in schema:
        required = set(schema.get("required", ()))
        fitting = st.fixed_dictionaries(
            {k: from_schema(v) for k, v in schema["properties"].items() if k in required},
            optional={
                k: from_schema(v) for k, v in schema["properties"].items() if k not in required
            },
        )
    elif kind == "array":
        fitting = st.lists(from_schema(schema.get("items", {})), max_size=3)
    elif kind == "integer":
        fitting = st.integers(min_value=schema.get("minimum"), max_value=10_000)
    elif schema.get("format") == "date":
        fitting = st.dates().map(date.isoformat)
    elif "pattern" in schema:
        fitting = st.from_regex(schema["pattern"], fullmatch=True)
    elif kind == "string":
        fitting = segments | st.text(max_size=12)
    else:
        return json_values
    return st.one_of(fitting, fitting, json_values)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], object]:
    path, method = draw(st.sampled_from(OPERATIONS))
    operation = OPENAPI["paths"][path][method]
    query = {}
    for parameter in operation.get("parameters", ()):
        value = draw(from_schema(parameter["schema"]))
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", quote(str(value), safe="") or "x")
        elif draw(st.booleans()):
            query[parameter["name"]] = str(value)
    schema = (
        operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema")
    )
    body = draw(from_schema(schema)) if schema else None
    return method, path, query, body


@settings(
    max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(request=requests(), raw=st.booleans())
def test_no_operation_answers_with_a_server_error(
    signed_in: tuple[Server, httpx.Client],
    request: tuple[str, str, dict[str, Any], object],
    raw: bool,
) -> None:
    _, client = signed_in
    method, path, query, body = request
    content = (json.dumps(body) if not raw else str(body)) if method == "post" else None
    response = client.request(method.upper(), path, params=query, content=content)
    assert response.status_code < 500, (method, path, query, content, response.text)


def test_every_route_is_in_the_document(signed_in: tuple[Server, httpx.Client]) -> None:
    server, _ = signed_in
    routes = {
        (route.path, method.lower())
        for route in server.app.routes
        for method in getattr(route, "methods", ()) or ()
        if method != "HEAD" and route.path.startswith("/v1/") and "tariff-srv" not in route.path
    }
    assert routes == set(OPERATIONS)
