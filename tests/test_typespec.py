"""The `type:` language of question sets: specs become pydantic types that never invent values."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from foi_extract.errors import ConfigError
from foi_extract.llm.typespec import Money, describe, parse_type, value_model_for
from foi_extract.questionset import CanonicalQuestion, QuestionSet, load_question_set

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SYSTEMS = yaml.safe_load("""
list:
  name: str
  supplier: str
  service_area: enum[adults, children, both]
""")


def check(spec: Any, value: Any) -> Any:
    return TypeAdapter(parse_type(spec)).validate_python(value)


def test_object_spec_validates_good_value_and_rejects_bad_enum_member() -> None:
    good = check(
        SYSTEMS,
        [{"name": "CareDirector", "supplier": "CareDirector Group", "service_area": "adults"}],
    )
    assert good[0].name == "CareDirector" and good[0].service_area == "adults"
    with pytest.raises(ValidationError):
        check(SYSTEMS, [{"name": "X", "service_area": "pensioners"}])
    with pytest.raises(ValidationError):  # extra="forbid": a made-up field is an error, not kept
        check(SYSTEMS, [{"name": "X", "colour": "blue"}])


def test_every_field_and_the_value_itself_are_optional_and_never_invented() -> None:
    spec = {"hours": "float", "delivery": "enum[in person, remote, e-learning]"}
    empty = check(spec, {})
    assert empty.hours is None and empty.delivery is None
    assert check(spec, {"hours": 2}).delivery is None
    assert check(spec, None) is None
    assert check("int", None) is None and check("list[str]", None) is None


def test_money_dates_and_scalars() -> None:
    cost = check("money", {"amount": 1200.5, "currency": "GBP"})
    assert (
        isinstance(cost, Money)
        and cost.amount == 1200.5
        and cost.currency == "GBP"
        and cost.period is None
    )
    assert (
        check("money", {"amount": "£1,200.50", "currency": "gbp", "period": "per year"}).amount
        == 1200.5
    )
    with pytest.raises(ValidationError):
        check("money", {"amount": 5, "currency": "pounds"})
    assert check("date", "2025-03-31") == dt.date(2025, 3, 31)
    with pytest.raises(ValidationError):
        check("date", "next spring")
    assert check("bool", True) is True and check("int", 3) == 3
    assert check("list[enum[x, y]]", ["x", "y"]) == ["x", "y"]
    with pytest.raises(ValidationError):
        check("list[enum[x, y]]", ["z"])


def test_nested_lists_of_objects() -> None:
    spec = yaml.safe_load("""
list:
  system: str
  contracts:
    list:
      ref: str
      expires: date
      cost: money
""")
    [system] = check(
        spec,
        [
            {
                "system": "Liquidlogic",
                "contracts": [
                    {"ref": "COV - 10304", "expires": "2027-01-31", "cost": {"amount": 10}}
                ],
            }
        ],
    )
    assert (
        system.contracts[0].expires == dt.date(2027, 1, 31)
        and system.contracts[0].cost.amount == 10
    )


def test_describe_names_every_field_and_enum_member() -> None:
    text = describe(parse_type(SYSTEMS))
    assert text == "list of {name: text, supplier: text, service_area: one of adults|children|both}"
    assert "date" in describe(parse_type("date")) and "GBP" in describe(parse_type("money"))


@pytest.mark.parametrize(
    "spec, where",
    [
        ({"list": {"name": "strng"}}, "unknown type 'strng' at questions[0].type.list.name"),
        ("enum[]", "at questions[0].type"),
        ("enum[a, a]", "repeated enum member"),
        ({"hours": None}, "missing type at questions[0].type.hours"),
        ({}, "empty object at questions[0].type"),
        ({"json": "str"}, "'json'"),
        ({"2020": "int"}, "bad field name '2020'"),
        (["str"], "at questions[0].type"),
    ],
)
def test_bad_specs_raise_config_error_naming_the_path(spec: Any, where: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_type(spec, path="questions[0].type")
    assert where in str(err.value) and "\n" not in str(err.value)


def test_load_question_set_rejects_a_bad_type_naming_file_and_question(tmp_path: Path) -> None:
    qset = tmp_path / "q.yaml"
    qset.write_text(
        'questions:\n  - id: "A"\n    text: Which systems?\n    type: {list: {name: strng}}\n'
    )
    with pytest.raises(ConfigError) as err:
        load_question_set(qset)
    assert (
        str(qset) in str(err.value)
        and "'A'" in str(err.value)
        and "questions[0].type.list.name" in str(err.value)
    )
    qset.write_text(
        'questions:\n  - id: "A"\n    text: Cost?\n    schema: money\n'
    )  # `schema:` also works
    assert value_model_for(load_question_set(qset).questions[0]) == Optional[Money]


def _walk(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node] + [d for v in node.values() for d in _walk(v)]
    if isinstance(node, list):
        return [d for v in node for d in _walk(v)]
    return []


@pytest.mark.parametrize(
    "name", ["social_care_software.yaml", "nhs_mental_health_accommodation.yaml"]
)
def test_example_question_sets_build_models_with_closed_json_schemas(name: str) -> None:
    qset = load_question_set(EXAMPLES / name)
    typed = [q for q in qset.questions if q.schema is not None]
    assert typed
    for q in typed:
        schema = TypeAdapter(value_model_for(q)).json_schema()
        json.dumps(schema)
        assert {"type", "anyOf", "$defs"} & set(schema), q.id
        nodes = _walk(schema)
        assert not any(n.get("additionalProperties") is True for n in nodes), q.id
        assert all(
            n.get("additionalProperties") is False for n in nodes if n.get("type") == "object"
        ), q.id


def test_social_care_example_matches_the_request() -> None:
    qset = load_question_set(EXAMPLES / "social_care_software.yaml")
    assert qset.ids == [str(i) for i in range(1, 9)]
    q1 = describe(value_model_for(qset.questions[0]))
    assert all(w in q1 for w in ("name", "supplier", "service_area", "adults", "children", "both"))
    expiry = TypeAdapter(value_model_for(qset.questions[3])).validate_python(
        [{"system": "CareDirector", "expires": "2026-03-31"}, {"system": "Liquidlogic"}]
    )
    assert expiry[0].expires == dt.date(2026, 3, 31) and expiry[1].expires is None


class Training(BaseModel):
    hours: float | None = None


def test_python_users_pass_models_directly() -> None:
    qset = QuestionSet.from_models(
        [
            ("8", "Hours of training", list[Training]),
            ("7", "Annual cost", "money"),
            ("9", "Anything else"),
        ]
    )
    assert qset.ids == ["8", "7", "9"]
    assert value_model_for(qset.questions[0]) == list[Training]
    assert value_model_for(qset.questions[1]) == Optional[Money]
    assert value_model_for(qset.questions[2]) is None
    assert value_model_for(CanonicalQuestion("1", "t", Training)) is Training
    assert describe(list[Training]) == "list of {hours: number}"
    with pytest.raises(ConfigError, match="strng"):
        QuestionSet.from_models([("1", "t", "strng")])
    with pytest.raises(ConfigError, match="unique"):
        QuestionSet.from_models([("1", "a"), ("1", "b")])
