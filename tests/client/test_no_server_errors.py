"""Driven by the OpenAPI document: random JSON bodies and path values at every operation never get
a server error (5xx) from the sandbox, signed in or not."""

import json
import string
from collections.abc import Iterator

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


@settings(
    max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    operation=st.sampled_from(OPERATIONS),
    body=json_values,
    values=st.lists(segments, min_size=2, max_size=2),
    raw=st.booleans(),
)
def test_no_operation_answers_with_a_server_error(
    signed_in: tuple[Server, httpx.Client],
    operation: tuple[str, str],
    body: object,
    values: list[str],
    raw: bool,
) -> None:
    _, client = signed_in
    path, method = operation
    for name, value in zip(
        ("{code}", "{number}", "{account}", "{day}", "{id}", "{action}"), values * 3, strict=False
    ):
        path = path.replace(name, value)
    content = json.dumps(body) if not raw else str(body)
    response = client.request(method.upper(), path, content=content if method == "post" else None)
    assert response.status_code < 500, (method, path, content, response.text)
