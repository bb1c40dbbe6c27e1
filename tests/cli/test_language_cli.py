"""The command's language (docs/i18n.md): ``--lang``, else LANG and the other POSIX
variables, else English; JSON output never translated."""

from __future__ import annotations

import pytest

from nightbridge.cli.language import lang_option, locale_from_environment
from tests.cli.test_diary_cli import ADD


def test_lang_es_answers_in_spanish(run_cli) -> None:
    saved = run_cli(*ADD, "--lang", "es")
    assert saved.exit_code == 0, saved.stderr
    assert saved.stdout.startswith("Guardado 2026-03-08: durmió")
    assert "eficiencia del sueño" in saved.stdout
    english = run_cli("diary", "list", "--from", "2030-01-01")
    assert "No nights." in english.stdout
    spanish = run_cli("diary", "list", "--from", "2030-01-01", env={"LANG": "es_US.UTF-8"})
    assert "No hay noches." in spanish.stdout


def test_refusals_are_in_the_language_and_a_language_not_offered_is_refused(run_cli) -> None:
    bad = run_cli("--lang", "es", "diary", "list", "--from", "yesterday-ish")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: ")
    refused = run_cli("--lang", "fr", "diary", "list")
    assert refused.exit_code == 2 and "not a language Nightbridge offers" in refused.stderr


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "es_MX.UTF-8"}, "es"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "es_ES.UTF-8"}, "en"),  # LC_ALL wins, and C is English
        ({"LANGUAGE": "fr:es", "LANG": "en_US"}, "es"),  # LANGUAGE lists preferences
        ({"LC_MESSAGES": "es_ES@euro"}, "es"),
        ({}, "en"),
    ],
)
def test_the_posix_variables_choose_the_language(environ: dict[str, str], expected: str) -> None:
    assert locale_from_environment(environ) == expected


def test_lang_is_read_before_or_after_the_command() -> None:
    assert lang_option(["diary", "list", "--lang", "es"]) == "es"
    assert lang_option(["--lang=es", "diary"]) == "es"
    assert lang_option(["diary", "add", "--note", "x", "--", "--lang", "es"]) is None
