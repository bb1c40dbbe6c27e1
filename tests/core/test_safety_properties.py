"""Properties of the alert rules that must hold for every input (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.content import load_json
from nightbridge.core.alerts import level_rank
from nightbridge.core.checkin import RED_FLAGS, CheckinDay
from nightbridge.core.intake import DOSE_CLASSES, Vocabulary, make_intake_event
from nightbridge.core.interactions import parse_rules
from nightbridge.core.profile import Profile
from nightbridge.core.resources import parse_resources
from nightbridge.core.safety import SafetyInputs, evaluate_day

D = dt.date(2026, 6, 15)
RESOURCES = parse_resources(load_json("crisis_resources.json"))
RULES = parse_rules(load_json("interactions.json"))
VOCAB = Vocabulary.from_content(load_json("substances.json"))
OVERDOSE = ("Signs of overdose: ...", "Call the emergency number now.")
DEPRESSANTS = {"benzodiazepine", "alcohol", "gabapentinoid", "z_drug", "sedating_antihistamine"}
NAMES = [
    "kratom",
    "methadone",
    "oxycodone",
    "beer",
    "alprazolam",
    "gabapentin",
    "zolpidem",
    "diphenhydramine",
    "coffee",
    "melatonin",
    "magnesium",
    "fluvoxamine",
]

intake_items = st.lists(
    st.tuples(st.sampled_from(NAMES), st.integers(-9, 0), st.integers(0, 23)), max_size=6
)
checkins = st.builds(
    CheckinDay,
    date=st.just(D),
    flags=st.frozensets(st.sampled_from(RED_FLAGS)),
    function=st.one_of(st.none(), st.integers(1, 5)),
    self_harm_thoughts=st.one_of(st.none(), st.booleans()),
    phq9=st.one_of(st.none(), st.tuples(*[st.integers(0, 3)] * 9)),
)


def run(items, checkin, region, conditions):  # type: ignore[no-untyped-def]
    events = [
        make_intake_event(
            name,
            1,
            "pills",
            dt.datetime.combine(D + dt.timedelta(days=off), dt.time(hour), tzinfo=dt.UTC),
            VOCAB,
        )
        for name, off, hour in items
    ]
    profile = Profile(tz="UTC", region=region, conditions=frozenset(conditions))
    data = SafetyInputs(checkins=[checkin], intake=events)
    alerts = evaluate_day(
        D, data, profile, RESOURCES[region], interaction_rules=RULES, overdose_actions=OVERDOSE
    )
    return events, alerts


@settings(max_examples=150, deadline=None)
@given(
    intake_items,
    checkins,
    st.sampled_from(sorted(RESOURCES)),
    st.sets(st.sampled_from(["liver_disease", "pregnancy"])),
)
def test_alerts_are_ordered_most_urgent_first_and_each_says_where_to_get_help(
    items, checkin, region, conditions
) -> None:
    _, alerts = run(items, checkin, region, conditions)
    ranks = [level_rank(a.level) for a in alerts]
    assert ranks == sorted(ranks)
    assert len({a.code for a in alerts}) == len(alerts)
    for alert in alerts:
        assert alert.date == D and alert.message and alert.source and alert.resources
        assert alert.resources[0].contact in {r.contact for r in RESOURCES[region].all()}


@settings(max_examples=150, deadline=None)
@given(intake_items, checkins)
def test_a_combination_alert_fires_exactly_when_a_dose_meets_a_depressant_that_day(
    items, checkin
) -> None:
    events, alerts = run(items, checkin, "US", set())
    today = [e for e in events if e.local_date("UTC") == D]
    doses = {e.substance for e in today if e.substance_class in DOSE_CLASSES}
    others = {e.substance for e in today if e.substance_class in DEPRESSANTS}
    opioids = {e.substance for e in today if e.substance_class == "opioid"}
    expected = bool(doses) and (bool(others) or (len(doses | opioids) > 1 and bool(opioids)))
    combo = [a for a in alerts if a.code == "depressant_combination"]
    assert bool(combo) == expected
    for alert in combo:
        assert alert.level == "urgent" and alert.actions == OVERDOSE


@settings(max_examples=100, deadline=None)
@given(intake_items, checkins)
def test_emergency_signs_always_raise_an_emergency_first(items, checkin) -> None:
    _, alerts = run(items, checkin, "US", set())
    emergency = {"chest_pain", "breathing", "seizure", "fainting", "confusion", "blue_lips"}
    if checkin.flags & emergency:
        assert alerts[0].level == "emergency"
    else:
        assert all(a.level != "emergency" for a in alerts)
