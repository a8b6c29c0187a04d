"""`jinqi policies evaluate` and POST /api/v1/policies/{code}/evaluate: the documented JSON."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.policies.models import Policy
from jinqi.policies.services import rule_version_create

pytestmark = pytest.mark.django_db

HIGH_TECH = {
    "established_on": "2023-06-30",
    "core_ip_count": 1,
    "in_supported_tech_field": True,
    "tech_staff": 10,
    "employees": 100,
    "rd_expense_3y": 50,
    "revenue_3y": 1000,
    "revenue": 400,
    "rd_expense_domestic_3y": 30,
    "high_tech_revenue": 60,
    "total_income": 100,
    "innovation_score": 70.5,
    "major_incident_last_year": False,
}


def _evaluate(tmp_path: Path, profile: dict[str, object], *args: str) -> dict[str, object]:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    out = StringIO()
    call_command("policies", "evaluate", "--profile", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


def test_command_prints_the_documented_json(tmp_path: Path) -> None:
    """policy, version, in_force, eligible and one entry per condition with its values."""
    result = _evaluate(
        tmp_path, HIGH_TECH, "--policy", "high-tech-recognition", "--as-of", "2024-06-30"
    )
    assert set(result) == {"policy", "version", "in_force", "eligible", "conditions"}
    assert result["policy"] == "high-tech-recognition"
    assert result["eligible"] is True
    first = result["conditions"][0]  # type: ignore[index]
    assert first == {"text": "age_years >= 1", "result": True, "values": {"age_years": 1}}


def test_age_counts_completed_years_at_the_as_of_date(tmp_path: Path) -> None:
    """Founded 2023-06-30: one year on 2024-06-30, not yet on 2024-06-29."""
    before = _evaluate(
        tmp_path, HIGH_TECH, "--policy", "high-tech-recognition", "--as-of", "2024-06-29"
    )
    assert before["eligible"] is False
    assert before["conditions"][0]["values"] == {"age_years": 0}  # type: ignore[index]


def test_missing_data_makes_the_decision_unknown_not_false(tmp_path: Path) -> None:
    """Without the share of high-tech revenue the high-tech decision is null, never false."""
    profile = {k: v for k, v in HIGH_TECH.items() if k != "high_tech_revenue"}
    result = _evaluate(
        tmp_path, profile, "--policy", "high-tech-recognition", "--as-of", "2024-06-30"
    )
    assert result["eligible"] is None


def test_in_force_does_not_change_eligible(tmp_path: Path) -> None:
    """Outside its validity the policy is not in force; the decision itself stands."""
    result = _evaluate(
        tmp_path,
        {"employees": 10},
        "--policy",
        "disability-fund-exemption",
        "--as-of",
        "2030-01-01",
    )
    assert (result["in_force"], result["eligible"]) == (False, True)


def test_an_older_version_can_be_asked_for(tmp_path: Path) -> None:
    """--version N evaluates that version of the rule, and says so."""
    policy = Policy.objects.get(code="disability-fund-exemption")
    rule_version_create(
        policy=policy, sql="employees <= 20", note="测试", acting_user=system_user(), check=False
    )
    current = _evaluate(tmp_path, {"employees": 25}, "--policy", policy.code)
    first = _evaluate(tmp_path, {"employees": 25}, "--policy", policy.code, "--version", "1")
    assert (current["version"], current["eligible"]) == (2, False)
    assert (first["version"], first["eligible"]) == (1, True)


def test_bad_input_is_refused_with_a_message(tmp_path: Path) -> None:
    """Unknown policy, unreadable profile, missing version: a clear error each."""
    path = tmp_path / "p.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="nope"):
        call_command("policies", "evaluate", "--policy", "nope", "--profile", str(path))
    with pytest.raises(CommandError):
        call_command("policies", "evaluate", "--policy", "tech-sme", "--profile", str(path))
    path.write_text('{"employees": "many", "employes": 3}', encoding="utf-8")
    with pytest.raises(CommandError, match="employes"):
        call_command("policies", "evaluate", "--policy", "tech-sme", "--profile", str(path))
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "policies", "evaluate", "--policy", "tech-sme", "--profile", str(path), "--version", "9"
        )


def test_endpoint_returns_the_same_json() -> None:
    """The API answers exactly what the command prints."""
    _token, key = api_token_create(
        acting_user=system_user(), user=department_user("tax-jinshan"), name="税务系统"
    )
    response = Client().post(
        "/api/v1/policies/high-tech-recognition/evaluate",
        data=json.dumps({"profile": HIGH_TECH, "as_of": "2024-06-30"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["policy"], body["eligible"], body["version"]) == ("high-tech-recognition", True, 1)
    assert body["conditions"][0]["values"] == {"age_years": 1}


def test_endpoint_refuses_a_bad_profile_and_enterprises() -> None:
    """A value of the wrong type is a 4xx with a message; an enterprise account may not call."""
    _token, key = api_token_create(
        acting_user=system_user(), user=department_user("tax-jinshan"), name="税务系统"
    )
    response = Client().post(
        "/api/v1/policies/small-low-profit-cit/evaluate",
        data=json.dumps(
            {
                "profile": {
                    "employees": "many",
                    "taxable_income": 1,
                    "total_assets": 1,
                    "industry_restricted": False,
                }
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 400
    assert "employees" in response.json()["error"]["message"]
    _token, key = api_token_create(
        acting_user=system_user(), user=UserFactory(enterprise=True), name="企业"
    )
    refused = Client().post(
        "/api/v1/policies/small-low-profit-cit/evaluate",
        data=json.dumps({"profile": {}}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert refused.status_code == 403


def test_a_policy_with_an_amount_adds_it_with_its_calculation(tmp_path: Path) -> None:
    """The milestone's JSON carries the amount in 万元 with its calculation when eligible, and
    a null value when the data to decide it is missing; a policy without one has no key."""
    profile = {"industry_code": "C2614", "industrial_output": 104800.5}
    paid = _evaluate(
        tmp_path,
        {**profile, "industrial_output_prev_max": 95500},
        "--policy",
        "jinshan-output-milestone",
        "--as-of",
        "2026-06-30",
    )
    assert paid["eligible"] is True
    assert paid["amount"] == {
        "value": 20.0,
        "unit": "万元",
        "calculation": "上年度工业总产值 104,800.5 万元，以前年度最高 95,500 万元，"
        "首次突破的最高档次奖励 20 万元",
    }
    unknown = _evaluate(
        tmp_path, profile, "--policy", "jinshan-output-milestone", "--as-of", "2026-06-30"
    )
    assert unknown["eligible"] is None
    assert unknown["amount"]["value"] is None  # type: ignore[index]
    plain = _evaluate(tmp_path, {"employees": 10}, "--policy", "tech-sme")
    assert "amount" not in plain


def test_an_estimate_is_marked_as_one(tmp_path: Path) -> None:
    """优惠测算: the R&D super deduction's estimate for a high-tech firm, marked as an estimate."""
    result = _evaluate(
        tmp_path,
        {"industry_code": "C3511", "rd_expense": 123.45678, "is_high_tech": True},
        "--policy",
        "rd-super-deduction",
        "--as-of",
        "2024-06-30",
    )
    assert result["amount"]["value"] == 18.5185  # type: ignore[index]
    assert result["amount"]["estimate"] is True  # type: ignore[index]
