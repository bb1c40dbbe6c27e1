"""Safety rules: every row of the alert table of definitions.md section 4, as data.

``evaluate_day`` takes one date's data plus the look-backs each rule names and returns
the alerts in force on that date, most urgent first. Each alert says what to do now in
plain words, carries the person's regional resources (section 6), the evidence that
raised it and its source. Every ``urgent`` combination alert (and the lost-tolerance
alert) also carries the overdose signs and the naloxone steps as ``actions``.

Sources: FDA Drug Safety Communications of 31 Aug 2016 (opioids with benzodiazepines or
other CNS depressants: boxed warning) and 19 Dec 2019 (gabapentinoids with opioids);
MMWR 2019;68:326-7 (kratom-positive overdose deaths, most with other substances);
LiverTox, "Kratom", NIDDK (jaundice, dark urine); Simon GE et al., Psychiatr Serv
2013;64:1195-1202 (PHQ-9 item 9); Kroenke et al. 2001 and Spitzer et al. 2006 (PHQ-9 and
GAD-7 cut-points). Withdrawal-related thresholds use Nightbridge's own symptom diary and
are Nightbridge's own rules, shown as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from nightbridge.core.alerts import Alert, sort_alerts
from nightbridge.core.checkin import CheckinDay
from nightbridge.core.instruments import get_instrument
from nightbridge.core.instruments.withdrawal import WITHDRAWAL_THRESHOLD
from nightbridge.core.intake import DOSE_CLASSES, IntakeEvent
from nightbridge.core.interactions import InteractionRule, find_interactions
from nightbridge.core.metrics import exact_efficiency_pct
from nightbridge.core.profile import Profile
from nightbridge.core.resources import RegionResources, with_resources
from nightbridge.core.taper import TaperPlan
from nightbridge.core.wording import N_

#: Poor sleep (definitions.md section 4): SE below 85 % or TST below 6 h (360 min).
POOR_SE_PCT = 85.0
POOR_TST_MIN = 360.0
#: Poor sleep on at least 5 of the last 7 nights ...
POOR_NIGHTS = 5
LOOKBACK_NIGHTS = 7
#: ... when at least 7 days have passed since the last dose.
DAYS_SINCE_DOSE = 7
#: Use after 7 or more days without kratom or an opioid: tolerance is lost.
LOST_TOLERANCE_DAYS = 7
#: A daily-function rating of 1 (of 5) on 3 days running.
LOW_FUNCTION_DAYS = 3
#: A taper step cutting more than 25 % of the amount before it.
LARGE_STEP_PCT = 25

FDA_2016 = "FDA Drug Safety Communication, 31 Aug 2016 (opioids with CNS depressants)"
FDA_2019 = "FDA Drug Safety Communication, 19 Dec 2019 (gabapentinoids with opioids)"
LIVERTOX = "LiverTox: Kratom. NIDDK, National Institutes of Health"
#: Shown as the source of the rules Nightbridge made itself (no reference to the docs:
#: docs/definitions.md section 4 lists them).
OWN_RULE = "Nightbridge's own rule"


class NightLike(Protocol):
    """Anything with a date, total sleep time (min) and sleep efficiency (%)."""

    @property
    def date(self) -> dt.date: ...
    @property
    def tst_min(self) -> float: ...
    @property
    def se_pct(self) -> float: ...


@dataclass(frozen=True, slots=True)
class NightSummary:
    """The two numbers of a night the poor-sleep rule needs."""

    date: dt.date
    tst_min: float
    se_pct: float


@dataclass(frozen=True, slots=True)
class SafetyInputs:
    """The data the rules look at: check-ins, intake (with enough history for the
    look-backs, including the last kratom/opioid dose before them), diary nights
    (``NightMetrics``, ``NightSummary`` or ``(date, tst_min, se_pct)`` tuples) and the
    person's taper, if any."""

    checkins: Sequence[CheckinDay] = ()
    intake: Sequence[IntakeEvent] = ()
    nights: Sequence[NightLike | tuple[dt.date, float, float]] = ()
    taper: TaperPlan | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """One date's view of the inputs, indexed for the rules."""

    day: dt.date
    profile: Profile
    checkins: Mapping[dt.date, CheckinDay]
    intake: Mapping[dt.date, tuple[IntakeEvent, ...]]
    nights: Mapping[dt.date, NightSummary]
    taper: TaperPlan | None
    rules: Sequence[InteractionRule]

    @property
    def checkin(self) -> CheckinDay | None:
        return self.checkins.get(self.day)

    def flags(self) -> frozenset[str]:
        found = self.checkin
        return found.flags if found is not None else frozenset()

    def dose_dates(self) -> list[dt.date]:
        return sorted(
            d
            for d, events in self.intake.items()
            if any(e.substance_class in DOSE_CLASSES for e in events)
        )


Evidence = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the alert table: when it fires (``check`` returns the evidence, or
    None), at what level, what the person is told, and the source."""

    code: str
    level: str
    message: str
    source: str
    check: Callable[[Context], Evidence | None]
    overdose_actions: bool = False
    trigger: str = ""  # plain words, for docs/safety.md


def _flag(name: str) -> Callable[[Context], Evidence | None]:
    def check(ctx: Context) -> Evidence | None:
        return {"flag": name} if name in ctx.flags() else None

    return check


def _any_flag(*names: str) -> Callable[[Context], Evidence | None]:
    def check(ctx: Context) -> Evidence | None:
        hit = sorted(set(names) & ctx.flags())
        return {"flags": hit} if hit else None

    return check


def _self_harm(ctx: Context) -> Evidence | None:
    found = ctx.checkin
    if found is not None and found.self_harm_thoughts:
        return {"self_harm_thoughts": True}
    return None


def _withdrawal_pregnancy(ctx: Context) -> Evidence | None:
    found = ctx.checkin
    score = found.withdrawal_score if found is not None else None
    if (
        score is not None
        and score >= WITHDRAWAL_THRESHOLD
        and "pregnancy" in ctx.profile.conditions
    ):
        return {"withdrawal_score": score, "condition": "pregnancy"}
    return None


def _lost_tolerance(ctx: Context) -> Evidence | None:
    today = [e for e in ctx.intake.get(ctx.day, ()) if e.substance_class in DOSE_CLASSES]
    if not today:
        return None
    before = [d for d in ctx.dose_dates() if d < ctx.day]
    if not before:
        return None
    gap = (ctx.day - before[-1]).days
    if gap < LOST_TOLERANCE_DAYS:
        return None
    return {
        "substances": sorted({e.substance for e in today}),
        "previous_dose_date": before[-1].isoformat(),
        "days_without": gap,
    }


def _poor_sleep(ctx: Context) -> Evidence | None:
    doses = [d for d in ctx.dose_dates() if d <= ctx.day]
    if not doses:
        return None
    since = (ctx.day - doses[-1]).days
    if since < DAYS_SINCE_DOSE:
        return None
    span = [ctx.day - dt.timedelta(days=i) for i in range(LOOKBACK_NIGHTS)]
    poor = sorted(
        d.isoformat()
        for d in span
        if (n := ctx.nights.get(d)) is not None
        and (n.se_pct < POOR_SE_PCT or n.tst_min < POOR_TST_MIN)
    )
    if len(poor) < POOR_NIGHTS:
        return None
    return {
        "poor_nights": poor,
        "nights_recorded": sum(1 for d in span if d in ctx.nights),
        "last_dose_date": doses[-1].isoformat(),
        "days_since_last_dose": since,
    }


def _low_function(ctx: Context) -> Evidence | None:
    days = [ctx.day - dt.timedelta(days=i) for i in range(LOW_FUNCTION_DAYS)]
    ratings = [c.function if (c := ctx.checkins.get(d)) is not None else None for d in days]
    if all(r == 1 for r in ratings):
        return {"function_1_on": sorted(d.isoformat() for d in days)}
    return None


def _taper_step(ctx: Context) -> Evidence | None:
    if ctx.taper is None:
        return None
    for step, pct in ctx.taper.large_steps():
        if step.date == ctx.day:
            return {
                "step": step.number,
                "amount": float(step.amount),
                "unit": step.unit,
                "cut_pct": float(pct),
            }
    return None


RULES: tuple[Rule, ...] = (
    Rule(
        "red_flag_chest_pain",
        "emergency",
        N_("You reported chest pain. Call {emergency} now."),
        OWN_RULE,
        _flag("chest_pain"),
        trigger="chest pain",
    ),
    Rule(
        "red_flag_breathing",
        "emergency",
        N_(
            "You reported trouble breathing or slow, shallow breathing. Call {emergency} now. "
            "If someone may have taken an opioid or kratom, give naloxone if you have it."
        ),
        FDA_2016,
        _flag("breathing"),
        overdose_actions=True,
        trigger="trouble breathing, or slow or shallow breathing",
    ),
    Rule(
        "red_flag_seizure",
        "emergency",
        N_("You reported a seizure. Call {emergency} now."),
        OWN_RULE,
        _flag("seizure"),
        trigger="a seizure",
    ),
    Rule(
        "red_flag_fainting",
        "emergency",
        N_(
            "You reported fainting, or being unable to stay awake or to be woken. "
            "Call {emergency} now and do not stay alone."
        ),
        FDA_2016,
        _flag("fainting"),
        overdose_actions=True,
        trigger="fainting, cannot stay awake or cannot be woken",
    ),
    Rule(
        "red_flag_confusion",
        "emergency",
        N_("You reported new confusion. Call {emergency} now."),
        OWN_RULE,
        _flag("confusion"),
        trigger="new confusion",
    ),
    Rule(
        "red_flag_blue_lips",
        "emergency",
        N_(
            "You reported blue or grey lips or skin. Call {emergency} now and give naloxone "
            "if you have it."
        ),
        FDA_2016,
        _flag("blue_lips"),
        overdose_actions=True,
        trigger="blue or grey lips or skin",
    ),
    Rule(
        "self_harm_thoughts",
        "crisis",
        N_(
            "You said you have had thoughts of ending your life. Please contact a crisis "
            "line now, or call {emergency} if you might act on them. You are not alone."
        ),
        "Simon GE et al. Psychiatr Serv 2013;64:1195-1202",
        _self_harm,
        trigger="a yes to thoughts of ending one's life (daily check-in)",
    ),
    Rule(
        "fluid_loss",
        "urgent",
        N_(
            "You reported vomiting or diarrhoea for 24 hours or more, or being unable to keep "
            "fluids down. Contact your clinician today; call {emergency} if you feel faint or "
            "confused."
        ),
        OWN_RULE,
        _any_flag("vomiting_24h", "no_fluids"),
        trigger="vomiting or diarrhoea for 24 h or more, or cannot keep fluids down",
    ),
    Rule(
        "liver_signs",
        "urgent",
        N_(
            "You reported yellow skin or eyes, or dark urine or pale stools: these can be "
            "signs of liver injury. Contact your clinician today and stop any kratom or "
            "supplement only with their advice."
        ),
        LIVERTOX,
        _any_flag("jaundice", "dark_urine"),
        trigger="yellow skin or eyes, dark urine or pale stools",
    ),
    Rule(
        "withdrawal_pregnancy",
        "urgent",
        N_(
            "You have withdrawal symptoms and are pregnant. Withdrawal in pregnancy needs "
            "medical care: contact your clinician or maternity team today."
        ),
        OWN_RULE,
        _withdrawal_pregnancy,
        trigger="withdrawal symptom score of 9 or more while pregnant",
    ),
    Rule(
        "lost_tolerance",
        "urgent",
        N_(
            "You took kratom or an opioid after 7 or more days without. Your tolerance is "
            "lower, so the amount you used to take can now cause an overdose. Do not use "
            "alone, avoid alcohol and sedatives, keep naloxone near you, and contact your "
            "clinician today."
        ),
        "MMWR 2019;68:326-7; loss of tolerance after abstinence",
        _lost_tolerance,
        overdose_actions=True,
        trigger="kratom or an opioid logged after 7 or more days without",
    ),
    Rule(
        "poor_sleep_after_last_dose",
        "advise",
        N_(
            "Your sleep has been poor on most nights this week although your last dose was "
            "over a week ago. Raise it with your clinician at your next contact."
        ),
        OWN_RULE,
        _poor_sleep,
        trigger="SE < 85 % or TST < 6 h on 5 of the last 7 nights, 7+ days after the last dose",
    ),
    Rule(
        "low_function",
        "advise",
        N_(
            "You rated your day 1 of 5 for three days running. Raise it with your clinician at "
            "your next contact, sooner if it gets worse."
        ),
        OWN_RULE,
        _low_function,
        trigger="daily-function rating of 1 (of 5) on 3 days running",
    ),
    Rule(
        "taper_large_step",
        "advise",
        N_(
            "Today's taper step cuts more than 25 % of the amount before it. Raise it with "
            "your clinician; you can always hold the current step longer."
        ),
        OWN_RULE,
        _taper_step,
        trigger="a taper step larger than 25 %",
    ),
)

COMBINATION_CODE = "depressant_combination"
COMBINATION_MESSAGE = N_(
    "You logged kratom or an opioid on the same day as {others}. Together they can slow "
    "or stop breathing. Do not take more today, do not stay alone, keep naloxone near "
    "you, and contact your clinician today. Call {emergency} if anyone cannot be woken "
    "or breathes slowly."
)


def _index_nights(nights: Sequence[Any]) -> dict[dt.date, NightSummary]:
    found: dict[dt.date, NightSummary] = {}
    for night in nights:
        if isinstance(night, tuple):
            day, tst, se = night
            found[day] = NightSummary(day, float(tst), float(se))
        elif getattr(night, "tib_min", 0) > 0:
            # A diary night: its efficiency unrounded, as every rule compares it
            # (definitions.md section 1: 84.96 % is a poor night, not 85.0 %).
            se = exact_efficiency_pct(night.tst_min, night.tib_min)
            found[night.date] = NightSummary(night.date, float(night.tst_min), se)
        else:
            found[night.date] = NightSummary(night.date, float(night.tst_min), float(night.se_pct))
    return found


def _emergency_contact(resources: RegionResources) -> str:
    for line in resources.lines:
        if line.role == "emergency":
            return line.resource.contact
    return N_("your local emergency number")


def evaluate_day(
    day: dt.date,
    data: SafetyInputs,
    profile: Profile,
    resources: RegionResources,
    *,
    interaction_rules: Sequence[InteractionRule] = (),
    overdose_actions: Sequence[str] = (),
) -> list[Alert]:
    """Every alert in force on ``day``, most urgent first (definitions.md section 4)."""
    intake: dict[dt.date, list[IntakeEvent]] = {}
    for event in data.intake:
        intake.setdefault(event.local_date(profile.tz), []).append(event)
    ctx = Context(
        day=day,
        profile=profile,
        checkins={c.date: c for c in data.checkins},
        intake={d: tuple(v) for d, v in intake.items()},
        nights=_index_nights(data.nights),
        taper=data.taper,
        rules=interaction_rules,
    )
    emergency = _emergency_contact(resources)
    alerts: list[Alert] = []
    for rule in RULES:
        evidence = rule.check(ctx)
        if evidence is None:
            continue
        alerts.append(
            Alert(
                rule.level,
                rule.code,
                rule.message.format(emergency=emergency),
                day,
                actions=tuple(overdose_actions) if rule.overdose_actions else (),
                resources=resources.for_level(rule.level),
                evidence=evidence,
                source=rule.source,
            )
        )
    alerts.extend(_questionnaire_alerts(ctx, resources))
    alerts.extend(_interaction_alerts(ctx, resources, emergency, overdose_actions))
    return sort_alerts(_unique(alerts))


def _questionnaire_alerts(ctx: Context, resources: RegionResources) -> list[Alert]:
    found = ctx.checkin
    if found is None:
        return []
    alerts: list[Alert] = []
    for name, answers in (("phq9", found.phq9), ("gad7", found.gad7)):
        if answers is not None:
            scored = get_instrument(name).score(answers, on=ctx.day)
            for alert in scored.alerts:
                alerts.append(with_resources(alert, resources))
    return alerts


def _interaction_alerts(
    ctx: Context, resources: RegionResources, emergency: str, overdose: Sequence[str]
) -> list[Alert]:
    events = ctx.intake.get(ctx.day, ())
    found = find_interactions(events, ctx.profile.conditions, ctx.rules)
    alerts: list[Alert] = []
    combos = [i for i in found if i.severity == "urgent"]
    if combos:
        dose = {e.substance for e in events if e.substance_class in DOSE_CLASSES}
        others = sorted({s for i in combos for s in i.substances} - dose) or sorted(dose)
        alerts.append(
            Alert(
                "urgent",
                COMBINATION_CODE,
                COMBINATION_MESSAGE.format(others=", ".join(others), emergency=emergency),
                ctx.day,
                actions=tuple(overdose),
                resources=resources.for_level("urgent"),
                evidence={"interactions": [i.to_dict() for i in combos]},
                source="; ".join(sorted({i.source for i in combos})),
            )
        )
    for interaction in found:
        if interaction.severity == "advise":
            alerts.append(
                Alert(
                    "advise",
                    interaction.rule_id,
                    f"{interaction.why} Raise it with your clinician at your next contact.",
                    ctx.day,
                    resources=resources.for_level("advise"),
                    evidence=interaction.to_dict(),
                    source=interaction.source,
                )
            )
    return alerts


def _unique(alerts: list[Alert]) -> list[Alert]:
    seen: set[str] = set()
    kept: list[Alert] = []
    for alert in alerts:
        if alert.code not in seen:
            seen.add(alert.code)
            kept.append(alert)
    return kept


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """A rule in plain words (for docs and the clinician's view)."""

    code: str
    level: str
    trigger: str
    source: str
    extra: Mapping[str, Any] = field(default_factory=dict)


def describe_rules() -> list[RuleDoc]:
    """Every fixed rule's code, level, trigger and source (questionnaire and interaction
    alerts are described by their instruments and ``content/interactions.json``)."""
    return [RuleDoc(r.code, r.level, r.trigger, r.source) for r in RULES]
