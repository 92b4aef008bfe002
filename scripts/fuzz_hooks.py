"""Schemathesis hooks for `npm run test:fuzz`.

The document says everything a schema can say. A few refusals of schema-valid requests depend on
state no JSON Schema can describe; each is accepted here only as the exact problem the server
answers for that reason, so any other refusal of valid data still fails the run.
"""

import ast
import inspect
import threading
from urllib.parse import parse_qs, urlsplit

import requests
import schemathesis
from hypothesis.internal import lambda_sources
from schemathesis.openapi.checks import AuthScenario, IgnoredAuth, RejectedPositiveData

PROBLEMS = "https://delivery-aggregator.dev/problems/"

# Field errors (400 `validation`) whose cause is outside the request: field -> message prefix.
STATE_DEPENDENT_FIELDS = {
    # Keyset cursors carry a row's position: only a `next_cursor` the endpoint returned is one.
    "cursor": "is not a cursor this endpoint issued",
    # Relative to the server's clock; JSON Schema has no "now".
    "delivery_date": "must be today",
    "expires_at": "must be in the future",
}

STATE_DEPENDENT_TYPES = {
    # Account tokens exist only in the emails the server sent.
    (400, "invalid-token"),
    # Business rules over stored data: the assignee must be an active admin, a super admin cannot
    # demote or deactivate themself, a webhook host must resolve to a public address.
    (422, "unprocessable"),
    # An Idempotency-Key already used (by an earlier generated case) with another payload.
    (422, "idempotency-key-mismatch"),
}


def _state_dependent(status: int, problem: dict) -> bool:
    kind = str(problem.get("type", "")).removeprefix(PROBLEMS)
    if (status, kind) in STATE_DEPENDENT_TYPES:
        return True
    errors = problem.get("errors") or []
    return (
        status == 400
        and kind == "validation"
        and len(errors) > 0
        and all(
            str(error.get("message", "")).startswith(STATE_DEPENDENT_FIELDS.get(error.get("field"), "\0"))
            for error in errors
        )
    )


def _serialised(parse):
    """CPython 3.11 counts AST depth in one per-interpreter field while it builds the tree that
    `ast.parse` returns, so two threads parsing at once (schemathesis runs `--workers 2`; hypothesis
    parses sources to name lambdas and print examples) corrupt each other's count and one of them
    raises SystemError "AST constructor recursion depth mismatch" (fixed in 3.12). One parse at a
    time removes the race; a parse takes milliseconds."""
    lock = threading.RLock()

    def parse_alone(*args, **kwargs):
        with lock:
            return parse(*args, **kwargs)

    return parse_alone


ast.parse = _serialised(ast.parse)


def _describe_lambda_despite_python_bug(describe):
    """Should the bug above still reach hypothesis's lambda naming, the lambda gets hypothesis's own
    name for one whose source it cannot read, instead of failing the run over a report label."""

    def describe_or_unknown(f, *args, **kwargs):
        try:
            return describe(f, *args, **kwargs)
        except SystemError as error:
            if "recursion depth mismatch" not in str(error):
                raise
            params = str(inspect.signature(f))[1:-1]
            return f"lambda {params}: <unknown>" if params else "lambda: <unknown>"

    return describe_or_unknown


# A hypothesis internal: scripts/fuzz-requirements.txt pins the version this was written against.
lambda_sources._lambda_description = _describe_lambda_despite_python_bug(
    lambda_sources._lambda_description
)


def _bearer_is_genuine(request) -> bool:
    """Whether the request's Authorization header is a token this server issued: the stateful
    phase can sign up and sign in on its own, even in the unauthenticated run."""
    authorization = request.headers.get("Authorization")
    if not authorization:
        return False
    parts = urlsplit(request.url)
    me = f"{parts.scheme}://{parts.netloc}/api/v1/users/me"
    return requests.get(me, headers={"Authorization": authorization}, timeout=10).status_code == 200


def _accepted_by_its_bearer(failure, response) -> bool:
    """A 200 for "generated auth" on a request carrying a bearer token and a query credential
    (the stream's ticket): the server reads the bearer first (src/api/router.ts), so when that
    token is genuine the generated ticket was never the credential in use."""
    return (
        isinstance(failure, IgnoredAuth)
        and failure.scenario == AuthScenario.GENERATED_AUTH
        and "ticket" in parse_qs(urlsplit(response.request.url).query)
        and _bearer_is_genuine(response.request)
    )


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps every failure except a schema-valid request refused for a state-dependent reason,
    and a request let through by a genuine bearer token beside a generated ticket."""
    if _accepted_by_its_bearer(failure, response):
        return False
    if not isinstance(failure, RejectedPositiveData):
        return True
    try:
        problem = response.json()
    except Exception:
        return True
    return not (isinstance(problem, dict) and _state_dependent(response.status_code, problem))
