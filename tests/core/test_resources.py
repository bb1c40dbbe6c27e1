"""Crisis resources per region (docs/definitions.md section 6)."""

from __future__ import annotations

import pytest

from nightbridge.content import load_json
from nightbridge.core.errors import InvalidInput
from nightbridge.core.resources import parse_resources, resources_for

TABLE = parse_resources(load_json("crisis_resources.json"))


@pytest.mark.parametrize(
    ("region", "contacts"),
    [
        ("US", ["911", "988", "1-800-662-4357"]),
        ("CA", ["911", "9-8-8"]),
        ("UK", ["999", "111", "116 123"]),
        ("EU", ["112"]),
        ("AU", ["000", "13 11 14"]),
    ],
)
def test_each_region_has_the_lines_of_the_definitions(region: str, contacts: list[str]) -> None:
    assert [r.contact for r in TABLE[region].all()] == contacts


def test_every_line_has_the_date_it_was_checked_and_a_source() -> None:
    for region in TABLE.values():
        for resource in region.all():
            assert resource.checked and resource.source


def test_crisis_lines_come_first_for_a_crisis_and_the_emergency_number_for_an_emergency() -> None:
    us = TABLE["US"]
    assert us.for_level("crisis")[0].contact == "988"
    assert us.for_level("emergency")[0].contact == "911"


def test_an_unknown_region_falls_back_to_the_us() -> None:
    assert resources_for("ZZ", TABLE).region == "US"


def test_a_deployment_can_add_its_own_lines() -> None:
    extra = {
        "regions": {
            "US": [
                {
                    "role": "support",
                    "name": "County crisis team",
                    "contact": "555-0100",
                    "checked": "2026-11-01",
                    "source": "county website",
                }
            ]
        }
    }
    merged = parse_resources(load_json("crisis_resources.json"), [extra])
    assert merged["US"].all()[-1].contact == "555-0100"
    assert len(merged["US"].all()) == len(TABLE["US"].all()) + 1


def test_a_line_without_a_checked_date_is_refused() -> None:
    bad = {"regions": {"US": [{"role": "crisis", "name": "x", "contact": "1", "source": "s"}]}}
    with pytest.raises(InvalidInput):
        parse_resources(bad)
