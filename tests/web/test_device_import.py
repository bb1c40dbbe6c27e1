"""Device exports through the web app: upload -> background job -> nights stored ->
the job's page lists them per source (docs/web-imports.md).

The job runs in the request's thread here (``InlineRunner`` set on the app), so each
upload has finished when its redirect arrives; no sleeping, no polling. Expected
nights per source are the hand-computed ones of tests/cli/test_import_nights.py.
"""

from __future__ import annotations

import asyncio
import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from nightbridge.services.devices.devices import device_nights, device_row_counts
from nightbridge.services.devices.import_jobs import InlineRunner, recent_jobs
from nightbridge.web.app import Settings
from nightbridge.web.sessions import COOKIE_NAME
from tests.web.conftest import FAST_AUTH, Persona, Personas

DATA = Path(__file__).parents[1] / "data"
APPLE = DATA / "apple_health" / "export_three_sources.xml"
FITBIT = DATA / "fitbit" / "Takeout" / "Fitbit" / "Global Export Data"
WATCH = "Dana’s Apple Watch"


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def web_settings(upload_dir: Path) -> Settings:
    return Settings(auth=FAST_AUTH, upload_dir=upload_dir, max_upload_mb=1)


@pytest.fixture
def people(personas: Personas) -> Personas:
    personas.app.state.import_runner = InlineRunner()
    return personas


def apple_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(APPLE, "apple_health_export/export.xml")
        zf.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    return out.getvalue()


def fitbit_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(FITBIT.iterdir()):
            zf.write(path, f"Takeout/Fitbit/Global Export Data/{path.name}")
    return out.getvalue()


def zip_slip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.write(APPLE, "apple_health_export/export.xml")
        zf.writestr("../../etc/cron.d/evil", "* * * * * root sh")
    return out.getvalue()


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n'
        + "\n".join(entities)
        + '\n]>\n<HealthData><Record type="HKCategoryTypeIdentifierSleepAnalysis" '
        'sourceName="&lol9;" startDate="2026-01-02 02:00:00 +0000" '
        'endDate="2026-01-02 03:00:00 +0000" value="HKCategoryValueSleepAnalysisAsleepCore"/>'
        "</HealthData>\n"
    ).encode()


def whoop_csv() -> bytes:
    """The Whoop sample export's sleeps.csv, uploaded as the file itself (not a zip)."""
    return (DATA / "whoop" / "my_whoop_data_2026_04_01" / "sleeps.csv").read_bytes()


def withings_zip() -> bytes:
    """The Withings sample export zipped as Withings sends it (sleep.csv and raw files)."""
    folder = DATA / "withings" / "data_DAN_1775001600"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.writestr(path.name, path.read_bytes())
    return buffer.getvalue()


def google_fit_zip() -> bytes:
    """The Google Fit sample Takeout zipped as Takeout sends it (Takeout/Fit/...)."""
    return folder_zip(DATA / "google_fit" / "takeout-berlin")


def garmin_zip() -> bytes:
    """The Garmin sample account export zipped as Garmin sends it (DI_CONNECT/...)."""
    return folder_zip(DATA / "garmin" / "export-berlin")


def folder_zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.writestr(path.relative_to(folder).as_posix(), path.read_bytes())
    return buffer.getvalue()


def upload(who: Persona, kind: str, name: str, data: bytes, *, token: str | None = None) -> object:
    """POST the upload form as a browser does: token first, then kind, then the file."""
    fields = {"csrf_token": who.csrf_token if token is None else token, "kind": kind}
    return who.client.post("/imports", data=fields, files={"file": (name, data, "application/zip")})


def job_path(response: object) -> str:
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert re.fullmatch(r"/imports/\d+", location), location
    return str(location)


def source_rows(html: str) -> list[tuple[str, ...]]:
    """The 'Nights found, by source' table as (source, nights, new, already stored)."""
    table = html.split('<table class="devices-sources">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table)
    return [(src, *re.findall(r"<td>(.*?)</td>", cells)) for src, cells in rows]


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize(
    ("kind", "name", "build", "expected"),
    [
        (
            "apple-health",
            "export.zip",
            apple_zip,
            [
                ("AutoSleep", "2", "5", "0"),
                (WATCH, "2", "17", "0"),
                ("Dana’s iPhone", "0", "2", "0"),
                ("Sleep &amp; Recovery Lab", "1", "1", "0"),
            ],
        ),
        ("fitbit", "takeout-001.zip", fitbit_zip, [("Fitbit", "4", "46", "0")]),
        ("whoop", "sleeps.csv", whoop_csv, [("Whoop", "3", "21", "0")]),
        ("withings", "data_DAN_1775001600.zip", withings_zip, [("Withings", "3", "23", "0")]),
        ("google-fit", "takeout-001.zip", google_fit_zip, [("Google Fit", "3", "20", "0")]),
        ("garmin", "garmin-export.zip", garmin_zip, [("Garmin", "3", "17", "0")]),
    ],
    ids=["apple-health", "fitbit", "whoop", "withings", "google-fit", "garmin"],
)
def test_an_uploaded_export_is_imported_and_its_nights_listed_per_source(
    people: Personas,
    upload_dir: Path,
    kind: str,
    name: str,
    build: object,
    expected: list[tuple[str, ...]],
) -> None:
    a = people.patient_a
    where = job_path(upload(a, kind, name, build()))  # type: ignore[operator]
    page = a.client.get(where)
    assert page.status_code == 200
    assert "Done:" in page.text and 'value="100"' in page.text
    assert 'http-equiv="refresh"' not in page.text, "a finished job must stop refreshing"
    assert source_rows(page.text) == expected
    assert name in page.text
    nights = device_nights(people.database, a.person_id)  # type: ignore[arg-type]
    assert len(nights) == sum(int(row[1]) for row in expected)
    assert leftovers(upload_dir) == [], "the uploaded file must be deleted"
    listed = a.client.get("/imports").text
    assert f'href="{where}"' in listed and ">done<" in listed


def test_the_rows_a_reader_left_out_are_listed_on_the_job_page(people: Personas) -> None:
    a = people.patient_a
    page = a.client.get(job_path(upload(a, "whoop", "sleeps.csv", whoop_csv()))).text
    left_out = page.split('<ul class="devices-skipped">', 1)[1].split("</ul>", 1)[0]
    assert "sleeps.csv: the wake onset is not after the sleep onset (1: row 6)" in left_out
    assert "not between 0 and 1440 minutes (1: row 8)" in left_out


def test_uploading_the_same_export_again_adds_nothing(people: Personas) -> None:
    a = people.patient_a
    job_path(upload(a, "apple-health", "export.zip", apple_zip()))
    again = a.client.get(job_path(upload(a, "apple-health", "export.zip", apple_zip())))
    assert "Done: 0 new samples, 25 already stored." in again.text
    assert len(device_nights(people.database, a.person_id)) == 5  # type: ignore[arg-type]


def test_the_job_json_gives_status_progress_and_result(people: Personas) -> None:
    a = people.patient_a
    job_id = job_path(upload(a, "apple-health", "export.zip", apple_zip())).rsplit("/", 1)[1]
    doc = a.client.get(f"/api/me/imports/{job_id}").json()
    assert (doc["status"], doc["percent"], doc["kind"]) == ("done", 100, "apple-health")
    assert doc["bytes_done"] == doc["bytes_total"] == APPLE.stat().st_size
    assert [s["nights"] for s in doc["result"]["sources"]] == [2, 2, 0, 1]


@pytest.mark.parametrize(
    ("name", "build", "reason"),
    [
        ("export.zip", zip_slip, "path traversal"),
        ("export.xml", billion_laughs, "declares XML entities"),
    ],
    ids=["zip slip", "billion laughs"],
)
def test_a_hostile_file_fails_its_job_with_the_reason_and_stores_nothing(
    people: Personas, upload_dir: Path, name: str, build: object, reason: str
) -> None:
    a = people.patient_a
    before = device_row_counts(people.database, a.person_id)  # type: ignore[arg-type]
    page = a.client.get(job_path(upload(a, "apple-health", name, build())))  # type: ignore[operator]
    assert page.status_code == 200
    assert "This file was not imported." in page.text
    assert reason in page.text and "Nothing was stored." in page.text
    assert device_row_counts(people.database, a.person_id) == before  # type: ignore[arg-type]
    assert leftovers(upload_dir) == []


def test_an_upload_over_the_limit_is_refused_and_nothing_is_kept(
    people: Personas, upload_dir: Path
) -> None:
    a = people.patient_a
    too_big = b"PK\x03\x04" + b"\x00" * (1024 * 1024 + 10)  # just past the 1 MB limit
    response = upload(a, "apple-health", "export.zip", too_big)
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert '<p class="error" id="e-file">is larger than the limit of 1 MB</p>' in response.text  # type: ignore[attr-defined]
    assert recent_jobs(people.database, a.person_id) == []  # type: ignore[arg-type]
    assert leftovers(upload_dir) == []


def test_a_streamed_upload_over_the_limit_stops_being_read(
    people: Personas, upload_dir: Path
) -> None:
    """Straight through ASGI (the test client reads a whole body before the app sees
    it): 64 MiB offered in 1 MiB messages without a Content-Length, a 1 MB limit."""
    a = people.patient_a
    boundary = "nightbridge-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{a.csrf_token}\r\n--{boundary}\r\nContent-Disposition: form-data; "
        f'name="kind"\r\n\r\napple-health\r\n--{boundary}\r\nContent-Disposition: '
        'form-data; name="file"; filename="export.zip"\r\n\r\n'
    ).encode()
    messages = [head] + [b"\x00" * (1 << 20)] * 64
    taken: list[int] = []
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        if len(taken) < len(messages):
            taken.append(1)
            return {"type": "http.request", "body": messages[len(taken) - 1], "more_body": True}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    cookie = f"{COOKIE_NAME}={a.client.cookies.get(COOKIE_NAME)}"
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": "/imports",
        "raw_path": b"/imports",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"cookie", cookie.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 443),
    }
    asyncio.run(people.app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    assert len(taken) <= 3, f"read {len(taken) - 1} MiB of a 1 MB limit"
    assert leftovers(upload_dir) == []


@pytest.mark.parametrize("token", ["", "forged-token"], ids=["missing", "forged"])
def test_an_upload_without_the_session_token_is_refused(
    people: Personas, upload_dir: Path, token: str
) -> None:
    a = people.patient_a
    response = a.client.post(
        "/imports",
        data={"kind": "apple-health", **({"csrf_token": token} if token else {})},
        files={"file": ("export.zip", apple_zip(), "application/zip")},
    )
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert recent_jobs(people.database, a.person_id) == []  # type: ignore[arg-type]
    assert device_row_counts(people.database, a.person_id)["device_samples"] == 0  # type: ignore[arg-type]
    assert leftovers(upload_dir) == []


def test_a_token_sent_after_the_file_does_not_count(people: Personas, upload_dir: Path) -> None:
    a = people.patient_a
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\napple-health\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="e.zip"\r\n\r\n'
        ).encode()
        + apple_zip()
        + (
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{a.csrf_token}\r\n--{boundary}--\r\n"
        ).encode()
    )
    response = a.client.post(
        "/imports",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 403
    assert recent_jobs(people.database, a.person_id) == []  # type: ignore[arg-type]
    assert leftovers(upload_dir) == []


def test_an_unknown_source_is_refused_before_the_file_is_kept(
    people: Personas, upload_dir: Path
) -> None:
    a = people.patient_a
    response = upload(a, "polar", "export.zip", apple_zip())
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "unknown export kind &#39;polar&#39;" in response.text  # type: ignore[attr-defined]
    assert 'id="e-kind"' in response.text  # type: ignore[attr-defined]
    assert leftovers(upload_dir) == []


@pytest.mark.parametrize("who", ["clinician_a", "clinician_x", "admin"])
def test_nobody_uploads_for_a_person_but_the_person(
    people: Personas, upload_dir: Path, who: str
) -> None:
    response = upload(people.by_name[who], "apple-health", "export.zip", apple_zip())
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert recent_jobs(people.database, people.patient_a.person_id) == []  # type: ignore[arg-type]
    assert leftovers(upload_dir) == []


def test_a_job_is_seen_only_by_its_person(people: Personas) -> None:
    a = people.patient_a
    page = job_path(upload(a, "apple-health", "export.zip", apple_zip()))
    api = "/api/me" + page
    assert a.client.get(page).status_code == 200
    assert a.client.get(api).status_code == 200
    for name in ("patient_b", "clinician_a", "clinician_x", "admin"):
        client = people.by_name[name].client
        assert client.get(page).status_code == 404, name
        assert client.get(api).status_code == 404, name
        assert "Dana" not in client.get(page).text
    anonymous = people.anonymous.client
    assert anonymous.get(page).headers["location"].startswith("/login")
    assert anonymous.get(api).status_code == 401


class Deferred:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def submit(self, fn: object, /, *args: object) -> None:
        self.calls.append((fn, *args))


def test_a_running_job_refreshes_itself_until_it_is_done(people: Personas) -> None:
    a = people.patient_a
    runner = Deferred()
    people.app.state.import_runner = runner
    where = job_path(upload(a, "apple-health", "export.zip", apple_zip()))
    waiting = a.client.get(where).text
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert '<progress id="import-progress" max="100" value="0">0%</progress>' in waiting
    assert "Waiting to start" in waiting and 'src="/static/devices.js"' in waiting
    assert f'data-status-url="/api/me{where}"' in waiting
    board = people.app.state.import_board
    job_id = int(where.rsplit("/", 1)[1])
    board.set(job_id, 3, 4)
    assert 'value="75">75%</progress>' in a.client.get(where).text
    assert a.client.get("/api/me" + where).json()["percent"] == 75
    fn, *args = runner.calls[0]
    fn(*args)  # type: ignore[operator]
    done = a.client.get(where).text
    assert 'http-equiv="refresh"' not in done and "Done:" in done


def test_the_upload_page_has_the_token_first_and_names_the_limit(people: Personas) -> None:
    page = people.patient_a.client.get("/imports").text
    form = page.split('<form method="post" action="/imports"', 1)[1].split("</form>", 1)[0]
    assert 'enctype="multipart/form-data"' in form
    names = re.findall(r'name="([^"]+)"', form)
    assert names[:3] == ["csrf_token", "kind", "file"]
    options = re.findall(r'<option value="([^"]+)"', form)
    assert options == [
        "apple-health",
        "fitbit",
        "oura",
        "health-connect",
        "samsung",
        "whoop",
        "garmin",
        "google-fit",
        "withings",
    ]
    assert "Up to 1 MB." in form


def test_the_limit_set_in_the_environment_reaches_the_page(
    tmp_path: Path, sqlite_database: object
) -> None:
    import dataclasses

    from nightbridge.web.app import create_app
    from tests.web.conftest import make_personas

    env = {"NIGHTBRIDGE_MAX_UPLOAD_MB": "2", "NIGHTBRIDGE_UPLOAD_DIR": str(tmp_path)}
    settings = dataclasses.replace(Settings.from_env(env), auth=FAST_AUTH)
    app = create_app(sqlite_database, settings=settings)  # type: ignore[arg-type]
    a = make_personas(app, sqlite_database).patient_a  # type: ignore[arg-type]
    assert "Up to 2 MB." in a.client.get("/imports").text


def test_the_progress_can_be_read_while_an_import_holds_the_sqlite_write_lock(
    people: Personas,
) -> None:
    """SQLite has one writer and the import holds it for its whole transaction: the job
    page and the JSON that devices.js polls must not need a write (no audit row for a
    status read; the alerts area writes only a new alert)."""
    a = people.patient_a
    people.app.state.import_runner = Deferred()
    where = job_path(upload(a, "apple-health", "export.zip", apple_zip()))
    a.client.get("/imports")  # the session's last-seen touch, if due, happens here
    with people.database.transaction() as session:  # what a running import holds
        session.execute(text("UPDATE import_jobs SET status = 'running'"))
        started = time.monotonic()
        page = a.client.get(where)
        doc = a.client.get("/api/me" + where).json()
        waited = time.monotonic() - started
    assert page.status_code == 200 and "Waiting to start" in page.text
    assert doc["status"] == "queued"
    assert waited < 5, f"the progress pages waited {waited:.1f} s for the write lock"


def test_a_script_s_upload_gets_the_job_as_json(people: Personas, upload_dir: Path) -> None:
    a = people.patient_a
    fields = {"csrf_token": a.csrf_token, "kind": "apple-health"}
    accepted = a.client.post(
        "/imports",
        data=fields,
        files={"file": ("export.zip", apple_zip(), "application/zip")},
        headers={"Accept": "application/json"},
    )
    assert accepted.status_code == 202
    body = accepted.json()
    assert body["url"] == f"/imports/{body['id']}"
    assert a.client.get(body["status_url"]).json()["status"] == "done"
    refused = a.client.post(
        "/imports",
        data=fields,
        files={"file": ("export.zip", b"\0" * (1024 * 1024 + 1), "application/zip")},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 413
    assert refused.json()["problems"] == [
        {"field": "file", "reason": "is larger than the limit of 1 MB"}
    ]
    assert leftovers(upload_dir) == []
