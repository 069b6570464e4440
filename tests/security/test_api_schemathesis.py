"""A short, seeded schemathesis run against the real server (daphne, and on PostgreSQL the answer fast
path too): every operation of /api/v1/openapi.json, as a demo student, with generated and real contest,
attempt, question and certificate ids, valid and invalid data. No response may be a 5xx, and every
documented response must match its schema. Deterministic (derandomized) and about 30 s."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES_PER_OPERATION = 12
# Strings PostgreSQL cannot store: NUL, and half an emoji. Random generation rarely hits them in a short
# run, so every operation with a JSON body also gets them in every string field, deterministically.
HOSTILE = "a\x00b\ud83d"


@pytest.fixture
def demo_student(seeded_demo):
    from accounts.models import User
    from accounts.tokens import token_issue
    from competitions.selectors import contests_open_for_student
    from competitions.services import attempt_start
    from results.models import Certificate

    student = User.objects.get(username="stu00001")
    contests = contests_open_for_student(student)
    attempt, _ = attempt_start(user=student, contest_id=contests[0].pk)
    return {
        "token": token_issue(user=student),
        "real": {
            "contest_id": [c.pk for c in contests],
            "attempt_id": [attempt.pk],
            "question_id": list(attempt.items.values_list("revision_id", flat=True)),
            "code": list(Certificate.objects.values_list("code", flat=True)[:5]) or ["NOPE"],
            "assignment_id": [1],
        },
    }


def _fuzz(operation, mode, *, base_url: str, headers: dict, real: dict, failures: list) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), use_real_ids=st.booleans(), data=st.data())
    def run(case, use_real_ids, data):
        if use_real_ids:
            for name in list(case.path_parameters or {}):
                if name in real:
                    case.path_parameters[name] = data.draw(st.sampled_from(real[name]))
        try:
            case.call_and_validate(
                base_url=base_url,
                headers=headers,
                checks=[not_a_server_error, response_schema_conformance],
                timeout=30,
            )
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every operation's failure, then fail once
            failures.append(f"{operation.label} [{mode}]: {str(exc)[:600]}")

    try:
        run()
    except Unsatisfiable:
        assert mode == GenerationMode.NEGATIVE  # an operation without inputs has nothing to make invalid


def _hostile_body(raw_schema: dict, operation):
    content = (operation.definition.raw.get("requestBody") or {}).get("content", {}).get("application/json")
    if not content:
        return None
    body_schema = content["schema"]
    if "$ref" in body_schema:
        body_schema = raw_schema["components"]["schemas"][body_schema["$ref"].rsplit("/", 1)[1]]
    return {
        name: [HOSTILE] if prop.get("type") == "array" else HOSTILE
        for name, prop in body_schema.get("properties", {}).items()
    }


def _hostile(operation, raw_schema: dict, *, base_url: str, headers: dict, real: dict, failures: list) -> None:
    body = _hostile_body(raw_schema, operation)
    if body is None:
        return
    ids = {p.name: real.get(p.name, ["1"])[0] for p in operation.path_parameters}
    case = operation.Case(path_parameters=ids, body=body, media_type="application/json")
    try:
        case.call_and_validate(
            base_url=base_url, headers=headers, checks=[not_a_server_error, response_schema_conformance], timeout=30
        )
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected like the generated cases
        failures.append(f"{operation.label} [hostile strings]: {str(exc)[:600]}")


def test_api_fuzz_finds_no_server_error_and_no_schema_mismatch(live_daphne, demo_student):
    schema = schemathesis.openapi.from_url(f"{live_daphne}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {demo_student['token']}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, base_url=live_daphne, headers=headers, real=demo_student["real"], failures=failures)
        _hostile(
            operation,
            schema.raw_schema,
            base_url=live_daphne,
            headers=headers,
            real=demo_student["real"],
            failures=failures,
        )
    assert len(operations) >= 10
    assert not failures, "\n\n".join(failures[:10])
