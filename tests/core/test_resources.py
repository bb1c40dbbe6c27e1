"""Crisis resources per region (docs/definitions.md section 6)."""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.content import load_json
from nightbridge.core.alerts import Resource
from nightbridge.core.errors import InvalidInput
from nightbridge.core.resources import (
    FALLBACK_REGION,
    parse_regions,
    parse_resources,
    resources_for,
)

DATA = load_json("crisis_resources.json")
TABLE = parse_resources(DATA)
OFFERED = parse_regions(DATA, TABLE)

#: The lines definitions.md section 6 names, per region (more may follow).
NAMED = [
    ("US", ["911", "988", "1-800-662-4357", "1-800-222-1222"]),
    ("CA", ["911", "9-8-8"]),
    ("UK", ["999", "111", "116 123"]),
    ("IE", ["112", "116 123"]),
    ("AU", ["000", "13 11 14"]),
    ("NZ", ["111", "1737"]),
    ("DE", ["112", "0800 111 0 111"]),
    ("FR", ["112", "3114"]),
    ("ES", ["112", "024"]),
    ("IT", ["112", "02 2327 2327"]),
    ("NL", ["112", "113"]),
]


@pytest.mark.parametrize(("region", "contacts"), NAMED, ids=[r for r, _ in NAMED])
def test_each_region_has_the_lines_of_the_definitions(region: str, contacts: list[str]) -> None:
    assert set(contacts) <= {r.contact for r in TABLE[region].all()}


def test_the_regions_offered_are_the_countries_of_the_definitions() -> None:
    assert [r.code for r in OFFERED] == [region for region, _ in NAMED]
    assert all(r.name for r in OFFERED)


@pytest.mark.parametrize("region", [r.code for r in OFFERED])
def test_every_region_offered_has_a_crisis_line_not_only_an_emergency_number(region: str) -> None:
    lines = TABLE[region].lines
    emergency = {line.resource.contact for line in lines if line.role == "emergency"}
    crisis = {line.resource.contact for line in lines if line.role == "crisis"}
    assert emergency and crisis and not crisis & emergency
    assert [r.contact for r in TABLE[region].crisis_lines()][-len(emergency) :] == sorted(emergency)


def test_every_line_has_the_date_it_was_checked_and_a_source() -> None:
    for region in TABLE.values():
        for resource in region.all():
            assert dt.date.fromisoformat(resource.checked) <= dt.date(2026, 12, 31)
            assert resource.source.startswith("https://"), resource.name
            assert resource.hours and resource.languages


@pytest.mark.parametrize(
    ("region", "contact", "sms_href"),
    [
        ("US", "988", "sms:988"),
        ("US", "741741", "sms:741741?&body=HOME"),
        ("UK", "85258", "sms:85258?&body=SHOUT"),
        ("CA", "9-8-8", "sms:988"),
        ("IE", "50808", "sms:50808"),
        ("NZ", "1737", "sms:1737"),
        ("NZ", "0800 543 354", "sms:4357?&body=HELP"),
        ("AU", "13 11 14", "sms:0477131114"),
    ],
)
def test_lines_that_take_texts_get_an_sms_link(region: str, contact: str, sms_href: str) -> None:
    (resource,) = [r for r in TABLE[region].all() if r.contact == contact]
    assert resource.sms_href == sms_href
    assert resource.to_dict()["sms_href"] == sms_href


def test_only_lines_that_take_texts_have_an_sms_link_and_only_callable_ones_a_tel_link() -> None:
    for region in TABLE.values():
        for r in region.all():
            assert bool(r.sms_href) == (r.kind in ("text", "call_or_text")), r.name
            assert bool(r.tel_href) == (r.kind in ("call", "call_or_text")), r.name
    (uk_999,) = [r for r in TABLE["UK"].all() if r.contact == "999"]
    assert (uk_999.tel_href, uk_999.sms_href) == ("tel:999", "")


def test_the_us_spanish_options_are_ready_in_the_data() -> None:
    us = {r.name: dict(r.languages) for r in TABLE["US"].all()}
    lifeline = us["988 Suicide & Crisis Lifeline"]["es"]
    assert "2" in lifeline and "AYUDA" in lifeline
    assert "es" in us["SAMHSA National Helpline"]
    assert "AYUDA" in us["Crisis Text Line"]["es"]


def test_crisis_lines_come_first_for_a_crisis_and_the_emergency_number_for_an_emergency() -> None:
    us = TABLE["US"]
    assert us.for_level("crisis")[0].contact == "988"
    assert us.for_level("emergency")[0].contact == "911"


def test_poison_help_comes_right_after_the_emergency_number_for_urgent_alerts() -> None:
    assert [r.contact for r in TABLE["US"].for_level("urgent")][:2] == ["911", "1-800-222-1222"]
    assert [r.contact for r in TABLE["NZ"].for_level("urgent")][:2] == ["111", "0800 764 766"]


@pytest.mark.parametrize("region", ["ZZ", "", None, "EU-OLD"])
def test_a_region_not_known_gets_the_international_lines_never_another_countrys(
    region: str | None,
) -> None:
    found = resources_for(region, TABLE)
    assert found.region == FALLBACK_REGION
    countries = {
        r.contact for code, rr in TABLE.items() if code != FALLBACK_REGION for r in rr.all()
    }
    assert found.all() and not {r.contact for r in found.all()} & countries
    assert all(r.kind == "web" and not r.tel_href for r in found.all())


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
    merged = parse_resources(DATA, [extra])
    assert merged["US"].all()[-1].contact == "555-0100"
    assert len(merged["US"].all()) == len(TABLE["US"].all()) + 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ({"role": "crisis", "name": "x", "contact": "1", "source": "s"}, "checked"),
        ({"role": "crisis", "name": "x", "contact": "1", "source": "s", "checked": "soon"}, "date"),
        (
            {"role": "x", "name": "x", "contact": "1", "source": "s", "checked": "2026-01-01"},
            "role",
        ),
        (
            {
                "role": "crisis",
                "name": "x",
                "contact": "1",
                "kind": "text",
                "sms_body": "two words",
                "source": "s",
                "checked": "2026-01-01",
            },
            "sms_body",
        ),
    ],
)
def test_a_malformed_line_is_refused(line: dict, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_resources({"regions": {"US": [line]}})
    assert reason in caught.value.problems[0].reason


def test_a_region_offered_without_a_crisis_line_is_refused() -> None:
    only_112 = {
        "offered": [{"code": "EU", "name": "Europe"}],
        "regions": {"EU": DATA["regions"]["EU"]},
    }
    with pytest.raises(InvalidInput) as caught:
        parse_regions(only_112, parse_resources(only_112))
    assert caught.value.problems[0].reason == "EU has no crisis line"


def test_a_resource_without_digits_has_no_links() -> None:
    web = Resource("Directory", "https://example.org/", kind="call_or_text")
    assert (web.tel_href, web.sms_href) == ("", "")


@pytest.mark.parametrize(
    ("region", "contact", "reach"),
    [
        ("US", "988", "988 (call or text)"),
        ("US", "741741", "text HOME to 741741"),
        ("AU", "13 11 14", "13 11 14 (or text 0477 13 11 14)"),
        ("NZ", "0800 543 354", "0800 543 354 (or text HELP to 4357)"),
        ("UK", "116 123", "116 123"),
    ],
)
def test_each_line_says_in_words_how_to_reach_it(region: str, contact: str, reach: str) -> None:
    (resource,) = [r for r in TABLE[region].all() if r.contact == contact]
    assert resource.reach == reach
