"""The person's settings that the rules depend on.

Condition names are the CLI contract's (docs/cli.md, ``profile set --condition``).
Contraindications to sleep restriction follow the Somryst labelling (FDA 510(k) K191716)
and Kyle et al., Sleep 2014;37:229 (docs/definitions.md section 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nightbridge.core.wording import N_

#: Every condition a profile may carry.
CONDITIONS: tuple[str, ...] = (
    "bipolar",
    "psychosis",
    "seizures",
    "sleep_apnea_untreated",
    "parasomnia",
    "fall_risk",
    "pregnancy",
    "unstable_illness",
    "liver_disease",
)

#: The restriction-safety screen as a person reads it: each condition with its words
#: (definitions.md section 2), then the job question. Order is the order shown.
CONDITION_LABELS: dict[str, str] = {
    "bipolar": N_("Bipolar disorder"),
    "psychosis": N_("Psychosis or schizophrenia"),
    "seizures": N_("Seizures or epilepsy"),
    "sleep_apnea_untreated": N_("Sleep apnoea that is not treated"),
    "parasomnia": N_("Sleepwalking, sleep terrors or another parasomnia"),
    "fall_risk": N_("A high risk of falls"),
    "pregnancy": N_("Pregnancy"),
    "unstable_illness": N_("A medical or mental illness that is not stable yet"),
    "liver_disease": N_("Liver disease"),
}
SAFETY_JOB_LABEL = N_(
    "A job or daily task where sleepiness is dangerous (driving, machinery, caring for others)"
)

#: Conditions for which the sleep window compresses instead of restricting
#: (definitions.md section 2). A safety-critical job is the remaining contraindication.
RESTRICTION_CONTRAINDICATIONS: frozenset[str] = frozenset(CONDITIONS) - {"liver_disease"}


@dataclass(frozen=True, slots=True)
class WindowSettings:
    """Sleep-window settings a clinician may change per person (definitions.md section 2).

    Defaults: floor 300 min (5 h), raise at pooled SE >= 90 %, lower below 85 %,
    steps of 15 min (Spielman, Saskin & Thorpy, Sleep 1987;10:45-56).
    """

    floor_min: int = 300
    raise_at_pct: float = 90.0
    lower_at_pct: float = 85.0
    step_min: int = 15


@dataclass(frozen=True, slots=True)
class Profile:
    """What Nightbridge knows about the person that changes how rules apply."""

    tz: str = "UTC"
    region: str = "US"
    conditions: frozenset[str] = field(default_factory=frozenset)
    safety_critical_job: bool = False
    window: WindowSettings = field(default_factory=WindowSettings)
    #: The restriction-safety screen has been answered (with conditions, or "none of
    #: these"). Until then no sleep window is offered: "no conditions" is not assumed.
    screened: bool = False
    #: The time zone and region were chosen by someone (the person, or whoever created
    #: the account), not left at the defaults.
    located: bool = False

    @property
    def complete(self) -> bool:
        """Every question of the first-login step is answered."""
        return self.screened and self.located

    @property
    def restriction_contraindicated(self) -> bool:
        """True when the sleep window must use compression instead of restriction."""
        return self.safety_critical_job or bool(self.conditions & RESTRICTION_CONTRAINDICATIONS)
