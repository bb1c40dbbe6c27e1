"""``nightbridge clinic create``: a clinic made on the machine that holds the store, with
its first clinic admin and its share code printed; a name that is no clinician is refused
(exit 2) and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from nightbridge.cli.app import main
from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.clinic.clinics import list_clinics
from nightbridge.settings import AuthPolicy
from nightbridge.storage.database import Database, resolve_url

FAST = AuthPolicy(argon2_memory_kib=1024, argon2_time_cost=1)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def test_clinic_create_names_its_admin_and_prints_the_share_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NIGHTBRIDGE_DATABASE_URL", raising=False)
    home = str(tmp_path)
    assert run(["--home", home, "init"], capsys)[0] == 0
    database = Database(resolve_url(tmp_path))
    lee = create_account(
        database, FAST, username="dr-lee", password="a long first password", role="clinician"
    )
    code, out, err = run(
        ["--home", home, "clinic", "create", "Riverside", "--admin", "nobody"], capsys
    )
    assert code == 2 and "no clinician account has this username" in err
    assert list_clinics(database, Actor(lee, "clinician")) == []
    code, out, err = run(
        ["--home", home, "clinic", "create", "Riverside", "--admin", "dr-lee"], capsys
    )
    assert (code, err) == (0, "")
    clinics = list_clinics(database, Actor(lee, "clinician"))
    assert [(c.name, c.role) for c in clinics] == [("Riverside", "clinic_admin")]
    assert f"Share code (people type it on their Sharing page): {clinics[0].share_code}" in out
    database.dispose()
