"""The sleep window: sleep restriction and compression for CBT-I (definitions.md section 2).

Sources: Spielman, Saskin & Thorpy, "Treatment of chronic insomnia by restriction of time
in bed", Sleep 1987;10:45-56 (window = mean total sleep time, fixed rise time, lengthened
by 15 min after a week with sleep efficiency >= 90 %, never below a floor); Miller et
al., Sleep Med Rev 2014;18:415-24 (sleep restriction on its own works); Maurer et al.,
Sleep Med Rev 2021;58:101493 (meta-analysis of 8 trials); Kyle et al., Sleep
2014;37:229-37 (restriction reduces vigilance early on: warn about driving);
contraindications as in the Somryst labelling (FDA 510(k) K191716); sleep compression
(gradual reduction of time in bed towards sleep time): Lichstein et al., Psychol Aging
1999;14:483-95 / Lichstein, Riedel, Wilson et al., J Consult Clin Psychol 2001;69:227-39.

Actions (``WindowAdvice.action``):

* ``defer`` early withdrawal: fewer than 7 days since the last kratom or opioid dose, or a
  withdrawal symptom score in the moderate band or worse on any of the 3 days up to the
  reference date. Nightbridge's own rule, shown as such. Checked first.
* ``collect`` not enough diary: starting needs >= 7 valid nights among the last 14
  mornings; titrating needs >= 5 among the last 7 (``nights_needed`` says how many more).
* ``start`` window = mean tst_min of the last 14 mornings, rounded DOWN to a multiple of
  15, never below ``floor_min`` (300 min).
* ``increase`` / ``keep`` / ``decrease`` weekly, from the pooled SE of the last 7
  mornings, compared unrounded (89.95 % is below 90 %): >= ``raise_at_pct`` (90) -> +
  ``step_min`` (15); < ``lower_at_pct`` (85) -> - ``step_min``, never below the floor;
  otherwise keep. A window already at the floor is kept (``keep``), never "decreased" by
  0; a window found below the floor (the floor was raised) goes up to it (``increase``).
* ``compress`` when restriction is contraindicated (``Profile.restriction_contraindicated``):
  time in bed is reduced each week by one fifth of the baseline gap (mean tib - mean tst
  of the diary's first 14 mornings, or of the starting span when there is no current
  window yet), the target rounded to 5 min and never below ``COMPRESS_FLOOR_MIN`` (390
  min, 6.5 h) whatever ``floor_min`` is (Harvey et al., J Consult Clin Psychol
  2015;83:564-77, who never restricted people with bipolar disorder below 6.5 h), and
  held once time in bed is within 15 min of mean tst or the pooled SE >= ``lower_at_pct``
  (85).

The person chooses a fixed rise time; bedtime = rise - window.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nightbridge.core.metrics import NightMetrics, exact_pooled_se, pooled_se, round_half_up
from nightbridge.core.profile import Profile
from nightbridge.core.wording import N_

ACTIONS: tuple[str, ...] = (
    "start",
    "increase",
    "keep",
    "decrease",
    "compress",
    "defer",
    "collect",
)

START_SPAN_DAYS = 14
START_MIN_NIGHTS = 7
TITRATE_SPAN_DAYS = 7
TITRATE_MIN_NIGHTS = 5
#: Deferral: days since the last kratom or opioid dose below which the window waits.
DEFER_DAYS_SINCE_DOSE = 7
#: Deferral: days (up to and including the reference date) searched for a moderate score.
DEFER_SYMPTOM_DAYS = 3
#: Compression stops when time in bed is within this many minutes of mean TST.
COMPRESS_CLOSE_MIN = 15
#: Compression reduces time in bed each week by this fraction of the baseline gap.
COMPRESS_FRACTION = 5
#: Compression never takes time in bed below 6.5 h, whatever ``floor_min`` is (Harvey
#: et al., J Consult Clin Psychol 2015;83:564-77; definitions.md section 2).
COMPRESS_FLOOR_MIN = 390

#: The fixed sentences are marked for the catalogue (N_) and shown with ``| tr``; the
#: reasons built with numbers stay English for now (docs/i18n.md).
WARNINGS: tuple[str, ...] = (
    N_(
        "Expect to feel sleepier in the daytime during the first weeks; it usually eases as "
        "your sleep becomes deeper and steadier."
    ),
    N_("Do not drive or operate machinery when you feel sleepy (Kyle et al., Sleep 2014)."),
)
STIMULUS_CONTROL_NOTE = N_(
    "Stimulus control still applies: go to bed only when sleepy, get up if you are not "
    "asleep in about 15-20 minutes, and keep the same rise time every day."
)


@dataclass(frozen=True, slots=True)
class WithdrawalContext:
    """What the window needs to know about withdrawal (fed from the safety store).

    ``last_dose_date``: local date of the last logged kratom or opioid intake, if any.
    ``moderate_or_worse_dates``: dates whose withdrawal symptom diary score was in the
    moderate band or worse (score >= 21 of 68, definitions.md section 3).
    """

    last_dose_date: dt.date | None = None
    moderate_or_worse_dates: frozenset[dt.date] = frozenset()


@dataclass(frozen=True, slots=True)
class WindowAdvice:
    """The answer: what to do, the window and times, the numbers used, and why.

    ``window_min`` is the time in bed to allow (minutes); ``bedtime`` = rise - window.
    Both are None for ``collect`` (``nights_needed`` instead) and for ``defer``.
    """

    action: str
    rise: dt.time
    window_min: int | None
    nights_used: int
    mean_tst_min: float | None
    pooled_se_pct: float | None
    reasons: tuple[str, ...] = field(default_factory=tuple)
    nights_needed: int | None = None

    @property
    def bedtime(self) -> dt.time | None:
        """rise - window, on the clock."""
        if self.window_min is None:
            return None
        rise = dt.datetime.combine(dt.date(2000, 1, 2), self.rise)
        return (rise - dt.timedelta(minutes=self.window_min)).time()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of docs/cli.md (``window --json``)."""
        doc: dict[str, Any] = {"action": self.action}
        if self.action == "collect":
            doc["nights_needed"] = self.nights_needed
        else:
            bedtime = self.bedtime
            doc["window_min"] = self.window_min
            doc["bedtime"] = bedtime.strftime("%H:%M") if bedtime else None
        doc.update(
            {
                "rise": self.rise.strftime("%H:%M"),
                "nights_used": self.nights_used,
                "mean_tst_min": self.mean_tst_min,
                "pooled_se_pct": self.pooled_se_pct,
                "reasons": list(self.reasons),
            }
        )
        return doc


def nights_in_span(
    nights: Sequence[NightMetrics], reference_date: dt.date, days: int
) -> list[NightMetrics]:
    """The nights of the ``days`` mornings up to and including ``reference_date``.

    One night per date (the last given wins), oldest first.
    """
    first = reference_date - dt.timedelta(days=days - 1)
    by_date = {n.date: n for n in nights if first <= n.date <= reference_date}
    return [by_date[d] for d in sorted(by_date)]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def floor_to(value: float, step: int) -> int:
    """``value`` rounded down to a multiple of ``step``."""
    return int(math.floor(value / step) * step)


def round_to(value: float, step: int) -> int:
    """``value`` rounded to the nearest multiple of ``step`` (half up)."""
    return int(round_half_up(value / step) * step)


def window_floor(profile: Profile) -> int:
    """The shortest window this person may be given, minutes: ``floor_min``, and never
    below ``COMPRESS_FLOOR_MIN`` (6.5 h) when restriction is contraindicated."""
    floor = profile.window.floor_min
    if profile.restriction_contraindicated:
        return max(floor, COMPRESS_FLOOR_MIN)
    return floor


def se_text(se: float, thresholds: Sequence[float]) -> str:
    """``se`` (unrounded, %) as shown: one decimal, unless rounding would put it on the
    other side of a threshold it is compared with (89.95 shows as 89.95, not 90.0)."""
    shown = round_half_up(se, 1)
    if any(se < t <= shown for t in thresholds):
        return f"{math.floor(se * 100) / 100:.2f} %"
    return f"{shown:.1f} %"


def is_early_withdrawal(withdrawal: WithdrawalContext | None, on: dt.date) -> list[str]:
    """Plain reasons why ``on`` is in early withdrawal (empty when it is not)."""
    if withdrawal is None:
        return []
    reasons: list[str] = []
    last = withdrawal.last_dose_date
    if last is not None and 0 <= (on - last).days < DEFER_DAYS_SINCE_DOSE:
        days = (on - last).days
        reasons.append(
            f"Your last kratom or opioid dose was {days} day{'s' if days != 1 else ''} ago "
            f"(fewer than {DEFER_DAYS_SINCE_DOSE})."
        )
    recent = {on - dt.timedelta(days=i) for i in range(DEFER_SYMPTOM_DAYS)}
    hits = sorted(recent & withdrawal.moderate_or_worse_dates)
    if hits:
        reasons.append(
            "Your withdrawal symptoms were moderate or worse on "
            + ", ".join(d.isoformat() for d in hits)
            + f" (within the last {DEFER_SYMPTOM_DAYS} days)."
        )
    return reasons


def recommend_window(
    nights: Sequence[NightMetrics],
    *,
    reference_date: dt.date,
    rise: dt.time,
    profile: Profile,
    current_window_min: int | None = None,
    withdrawal: WithdrawalContext | None = None,
) -> WindowAdvice:
    """The sleep window for the morning ``reference_date`` (rules in the module docstring).

    ``nights`` are valid diary nights (any span; the rules pick their own mornings);
    ``current_window_min`` is the window in force, if any (None: starting).
    """
    settings = profile.window
    starting = current_window_min is None
    span = nights_in_span(
        nights, reference_date, START_SPAN_DAYS if starting else TITRATE_SPAN_DAYS
    )
    needed = START_MIN_NIGHTS if starting else TITRATE_MIN_NIGHTS
    mean_tst = _mean([n.tst_min for n in span])
    numbers: dict[str, Any] = {
        "rise": rise,
        "nights_used": len(span),
        "mean_tst_min": round_half_up(mean_tst, 1) if mean_tst is not None else None,
        "pooled_se_pct": pooled_se(span),
    }

    deferral = is_early_withdrawal(withdrawal, reference_date)
    if deferral:
        return WindowAdvice(
            action="defer",
            window_min=None,
            reasons=(
                N_("The sleep window waits until early withdrawal has passed."),
                *deferral,
                N_(
                    "This is Nightbridge's own rule, not a published guideline: restricting "
                    "time in bed deepens sleepiness, and acute withdrawal already disrupts sleep."
                ),
                STIMULUS_CONTROL_NOTE,
            ),
            **numbers,
        )

    if len(span) < needed:
        more = needed - len(span)
        days = START_SPAN_DAYS if starting else TITRATE_SPAN_DAYS
        return WindowAdvice(
            action="collect",
            window_min=None,
            nights_needed=more,
            reasons=(
                f"Keep the diary {more} more night{'s' if more != 1 else ''}: "
                f"{len(span)} of the last {days} mornings have an entry and "
                f"{needed} are needed.",
            ),
            **numbers,
        )
    assert mean_tst is not None  # span is not empty here
    se = exact_pooled_se(span)
    assert se is not None  # span is not empty here

    if profile.restriction_contraindicated:
        return _compress(nights, span, se, profile, current_window_min, numbers)

    thresholds = (settings.raise_at_pct, settings.lower_at_pct)
    if current_window_min is None:
        raw = floor_to(mean_tst, 15)
        window = max(raw, settings.floor_min)
        reason = (
            f"Your window is your average sleep over {len(span)} nights "
            f"({mean_tst:.0f} min), rounded down to {raw} min"
        )
        if raw < settings.floor_min:
            reason += f", raised to the floor of {settings.floor_min} min"
        return WindowAdvice(
            action="start",
            window_min=window,
            reasons=(reason + ".", *WARNINGS),
            **numbers,
        )

    shown = se_text(se, thresholds)
    floor = settings.floor_min
    if se >= settings.raise_at_pct:
        action, window = "increase", current_window_min + settings.step_min
        reason = (
            f"Your sleep efficiency this week was {shown} (at least "
            f"{settings.raise_at_pct:g} %): add {settings.step_min} min."
        )
    elif se < settings.lower_at_pct and current_window_min > floor:
        action = "decrease"
        window = max(current_window_min - settings.step_min, floor)
        reason = (
            f"Your sleep efficiency this week was {shown} (below "
            f"{settings.lower_at_pct:g} %): take away {current_window_min - window} min"
        )
        reason += f" (the window never goes below {floor} min)." if window == floor else "."
    elif se < settings.lower_at_pct:
        action, window = "keep", current_window_min
        reason = (
            f"Your sleep efficiency this week was {shown} (below "
            f"{settings.lower_at_pct:g} %), but your window is already at the shortest "
            f"allowed ({floor} min): keep it."
        )
    else:
        action, window = "keep", current_window_min
        reason = (
            f"Your sleep efficiency this week was {shown}, between "
            f"{settings.lower_at_pct:g} and {settings.raise_at_pct:g} %: keep the window."
        )
    reasons = [reason]
    if window < floor:
        action, window = "increase", floor
        reasons.append(
            f"Your window was below the shortest allowed ({floor} min): it goes up to {floor} min."
        )
    return WindowAdvice(action=action, window_min=window, reasons=(*reasons, *WARNINGS), **numbers)


def _compress(
    nights: Sequence[NightMetrics],
    span: Sequence[NightMetrics],
    se: float,
    profile: Profile,
    current_window_min: int | None,
    numbers: dict[str, Any],
) -> WindowAdvice:
    """Sleep compression (module docstring): one fifth of the baseline gap per week, never
    below ``window_floor(profile)`` (at least 6.5 h). ``se`` is the unrounded pooled SE."""
    settings = profile.window
    floor = window_floor(profile)
    if current_window_min is None:
        baseline = list(span)
    else:
        ordered = sorted({n.date: n for n in nights}.values(), key=lambda n: n.date)
        first = ordered[0].date
        baseline = nights_in_span(
            ordered, first + dt.timedelta(days=START_SPAN_DAYS - 1), START_SPAN_DAYS
        )
    base_tib = sum(n.tib_min for n in baseline) / len(baseline)
    base_tst = sum(n.tst_min for n in baseline) / len(baseline)
    step = max(round_to((base_tib - base_tst) / COMPRESS_FRACTION, 5), 5)
    mean_tst = sum(n.tst_min for n in span) / len(span)
    mean_tib = sum(n.tib_min for n in span) / len(span)
    in_bed = mean_tib if current_window_min is None else float(current_window_min)
    shown = se_text(se, (settings.lower_at_pct,))
    why = (
        "Your profile lists a reason not to restrict sleep sharply, so your time in bed "
        f"is shortened gently (sleep compression), and never below {_hours(floor)}."
    )
    if in_bed - mean_tst <= COMPRESS_CLOSE_MIN or se >= settings.lower_at_pct:
        target = round_to(in_bed, 5)
        reason = (
            f"Your time in bed ({in_bed:.0f} min) is close to your sleep "
            f"({mean_tst:.0f} min) or your sleep efficiency ({shown}) is at least "
            f"{settings.lower_at_pct:g} %: keep this time in bed."
        )
    else:
        target = round_to(in_bed - step, 5)
        reason = (
            f"Time in bed goes from {in_bed:.0f} to {target} min this week: one fifth of "
            f"the starting gap between time in bed and sleep ({base_tib - base_tst:.0f} "
            "min), rounded to 5 min."
        )
    window = max(target, floor)
    reasons = [why]
    if target < floor:
        reasons.append(
            f"Your time in bed is {window} min ({_hours(floor)}): compression never goes "
            "shorter (Harvey et al., J Consult Clin Psychol 2015)."
        )
    else:
        reasons.append(reason)
    return WindowAdvice(
        action="compress", window_min=window, reasons=(*reasons, *WARNINGS), **numbers
    )


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
