"""Property-based run of the OpenAPI schema (schemathesis on the ASGI app, bounded): whatever a
client sends that the schema allows, the API answers without a 5xx.

Cases come from each operation's Hypothesis strategy, driven by `@given` here (schemathesis'
pytest plugin does not load under this pytest version)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from callcoach.services.dispatch import InProcessDispatcher
from tests.api.conftest import ApiWorld

pytestmark = pytest.mark.slow
# Examples per operation: enough to hit odd dates, paths and multipart bodies, bounded in time.
EXAMPLES_PER_OPERATION = 40


@pytest.fixture(scope="module")
def api_schema(world: ApiWorld) -> Iterator[schemathesis.BaseSchema]:
    dispatcher = InProcessDispatcher(world.settings)
    app = create_app(world.settings, dispatcher=dispatcher)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    dispatcher.close()


def _operations(schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    return [result.ok() for result in schema.get_all_operations()]


def test_openapi_covers_every_endpoint(api_schema: schemathesis.BaseSchema) -> None:
    seen = {(op.method.upper(), op.path) for op in _operations(api_schema)}
    assert seen == {
        ("POST", "/v1/calls"),
        ("GET", "/v1/calls"),
        ("GET", "/v1/calls/{call_id}"),
        ("GET", "/v1/alerts"),
        ("GET", "/v1/reps/{rep}/coaching"),
        ("GET", "/v1/roleplays"),
        ("GET", "/v1/outcomes"),
        ("POST", "/v1/webhooks"),
        ("GET", "/v1/webhooks"),
        ("DELETE", "/v1/webhooks/{webhook_id}"),
        ("DELETE", "/v1/calls/{call_id}"),
        ("GET", "/healthz"),
        ("GET", "/metrics"),
    }


@pytest.mark.timeout(600)
@pytest.mark.parametrize("role", ["admin", "rep"])
def test_openapi_no_server_errors(api_schema: schemathesis.BaseSchema, world: ApiWorld, role: str) -> None:
    failures: list[str] = []
    codes: list[int] = []
    for operation in _operations(api_schema):
        _fuzz(operation, world.headers(role), failures, codes)()
    assert not failures, "\n".join(failures[:10])
    # The run reached the routes (not only auth or validation errors).
    assert sum(200 <= c < 300 for c in codes) >= 10, sorted(set(codes))


def _fuzz(
    operation: schemathesis.APIOperation,
    headers: dict[str, str],
    failures: list[str],  # noqa: ANN202
    codes: list[int],
):
    @given(data=st.data())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        response = case.call(headers={**(case.headers or {}), **headers})
        codes.append(response.status_code)
        if response.status_code >= 500:
            failures.append(
                f"{case.method} {case.formatted_path} {case.query} -> "
                f"{response.status_code}: {response.text[:200]}"
            )

    return run
