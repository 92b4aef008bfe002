"""Schemathesis hooks for `npm run test:fuzz`.

The document says everything a schema can say. A few refusals of schema-valid requests depend on
state no JSON Schema can describe; each is accepted here only on the operation that answers it and
only as the exact problem (status, type, and the field and message, or the detail) the server
answers for that reason. Any other refusal of valid data, on any operation, still fails the run.
"""

import ast
import inspect
import re
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
import schemathesis
from hypothesis.internal import lambda_sources
from schemathesis.openapi.checks import AuthScenario, IgnoredAuth, RejectedPositiveData

PROBLEMS = "https://delivery-aggregator.dev/problems/"


@dataclass(frozen=True)
class Excused:
    """One problem body, described exactly. `errors` lists (field pattern, message pattern) pairs every
    field error must match one of; a problem with no field errors is matched by `detail`."""

    status: int
    kind: str
    why: str
    errors: tuple[tuple[str, str], ...] = ()
    detail: str | None = None

    def matches(self, status: int, problem: dict) -> bool:
        if status != self.status or problem.get("type") != PROBLEMS + self.kind:
            return False
        errors = problem.get("errors")
        if not self.errors:
            return errors is None and re.fullmatch(self.detail or "", str(problem.get("detail", ""))) is not None
        return (
            isinstance(errors, list)
            and len(errors) > 0
            and all(
                isinstance(error, dict)
                and any(
                    re.fullmatch(field, str(error.get("field", "")))
                    and re.fullmatch(message, str(error.get("message", "")))
                    for field, message in self.errors
                )
                for error in errors
            )
        )


CURSOR_NOT_ISSUED = Excused(
    400,
    "validation",
    "a keyset cursor carries a row's position: only a `next_cursor` the endpoint returned is one",
    errors=(("cursor", re.escape("is not a cursor this endpoint issued")),),
)
KEY_REUSED = Excused(
    422,
    "idempotency-key-mismatch",
    "the Idempotency-Key was already used by an earlier generated case with another payload",
    detail=r"This Idempotency-Key was already used with a different request( body)?\.",
)
TOKEN_NOT_ISSUED = Excused(
    400,
    "invalid-token",
    "account tokens exist only in the emails the server sent",
    detail=re.escape("This link is not valid."),
)

# Operation (method and path template as in the OpenAPI document) -> the problems excused on it.
EXCUSED: dict[str, tuple[Excused, ...]] = {
    "GET /api/v1/users": (CURSOR_NOT_ISSUED,),
    "GET /api/v1/deliveries": (CURSOR_NOT_ISSUED,),
    "GET /api/v1/notifications": (CURSOR_NOT_ISSUED,),
    "GET /api/v1/webhooks/attempts": (CURSOR_NOT_ISSUED,),
    "GET /api/v1/api-keys": (CURSOR_NOT_ISSUED,),
    "GET /api/v1/deliveries/batches": (CURSOR_NOT_ISSUED,),
    "POST /api/v1/auth/verify-email": (TOKEN_NOT_ISSUED,),
    "POST /api/v1/auth/reset-password": (TOKEN_NOT_ISSUED,),
    "POST /api/v1/deliveries": (
        Excused(
            400,
            "validation",
            "relative to the server's clock in the business time zone; JSON Schema has no today",
            errors=(("delivery_date", r"must be today \(\d{4}-\d{2}-\d{2}, [^)]+\) or later"),),
        ),
        Excused(
            400,
            "validation",
            "a drop-off window is judged against the server's clock and its own two ends; JSON Schema"
            " compares neither a date-time with now nor one field with another",
            errors=(
                ("dropoff_window.start", re.escape("must be in the future")),
                ("dropoff_window.end", re.escape("must be after the start")),
                ("dropoff_window.end", re.escape("must be at most 7 days after the start")),
            ),
        ),
        Excused(
            422,
            "unprocessable",
            "the date a window ends on depends on BUSINESS_TIMEZONE, which the document cannot know",
            errors=(
                (
                    "delivery_date",
                    r"must be \d{4}-\d{2}-\d{2}, the date the drop-off window ends \([^)]+\), or left out",
                ),
            ),
        ),
        KEY_REUSED,
    ),
    "POST /api/v1/deliveries/batches": (
        Excused(
            400,
            "validation",
            "each item's key names one delivery; JSON Schema's uniqueItems compares whole items, not"
            " one property of them",
            errors=((r"deliveries.\d+.idempotency_key", r"must be unique in the batch \(deliveries\.\d+ has it too\)"),),
        ),
        KEY_REUSED,
    ),
    "POST /api/v1/deliveries/{id}/assign": (
        Excused(
            422,
            "unprocessable",
            "the assignee must be a stored user who is an active admin",
            errors=(("admin_id", re.escape("must be an active admin")),),
        ),
        KEY_REUSED,
    ),
    "POST /api/v1/deliveries/{id}/status": (
        Excused(
            422,
            "unprocessable",
            "a proof names images uploaded for this delivery, and the delivery's proof_required was"
            " set at its creation: both are stored state",
            errors=(
                ("proof", re.escape("must name at least one photo uploaded for this delivery (proof_required)")),
                ("proof.attachment_ids", re.escape("must name images uploaded to this delivery")),
            ),
        ),
        KEY_REUSED,
    ),
    "POST /api/v1/deliveries/{id}/cancel": (KEY_REUSED,),
    "PATCH /api/v1/users/{id}": (
        Excused(
            422,
            "unprocessable",
            "the caller is the user in the path: a super admin cannot deactivate or demote themself",
            detail=re.escape("You cannot deactivate yourself or change your own role."),
        ),
    ),
    "PUT /api/v1/webhooks/endpoint": (
        Excused(
            422,
            "unprocessable",
            "what the host resolves to is DNS's answer at the time, not the URL's syntax",
            errors=(
                ("url", re.escape("must name a host that resolves")),
                ("url", re.escape("must name a host with a public address")),
            ),
        ),
    ),
    "POST /api/v1/api-keys": (
        Excused(
            400,
            "validation",
            "relative to the server's clock; JSON Schema has no now",
            errors=(("expires_at", re.escape("must be in the future")),),
        ),
    ),
}


def _excused(operation: str, status: int, problem: dict) -> bool:
    return any(excused.matches(status, problem) for excused in EXCUSED.get(operation, ()))


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


def _from_a_null_link(case) -> bool:
    """The stateful phase follows links it infers from response schemas (a batch item's
    `delivery_id` to `GET /deliveries/{id}`); when that field is null (the item is still pending)
    the link fills the path with Python's None, which no schema generated, so its 400 says nothing
    about the document."""
    return any(value is None or value == "None" for value in (case.path_parameters or {}).values())


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps every failure except a schema-valid request refused as a problem `EXCUSED` lists for
    its operation, and a request let through by a genuine bearer token beside a generated ticket."""
    if _accepted_by_its_bearer(failure, response):
        return False
    if not isinstance(failure, RejectedPositiveData):
        return True
    if _from_a_null_link(case):
        return False
    try:
        problem = response.json()
    except Exception:
        return True
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    return not (isinstance(problem, dict) and _excused(operation, response.status_code, problem))
