"""Form inputs carry real attributes (the browser reads them; TestClient would not notice).

The shared ``field`` macro takes extra attributes as a mapping whose values are escaped;
a raw attribute string would be escaped into ``maxlength=&#34;1024&#34;``.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            found = dict(attrs)
            if found.get("name"):
                self.inputs[str(found["name"])] = found


def _inputs(html: str) -> dict[str, dict[str, str | None]]:
    parser = _Inputs()
    parser.feed(html)
    return parser.inputs


def test_the_login_password_field_has_a_real_length_limit(personas) -> None:  # type: ignore[no-untyped-def]
    page = personas.anonymous.client.get("/login")
    password = _inputs(page.text)["password"]
    assert password["maxlength"] == "1024"
    assert "&#34;" not in page.text


def test_the_evening_log_numbers_cannot_go_below_zero(personas) -> None:  # type: ignore[no-untyped-def]
    page = personas.patient_a.client.get("/evening")
    fields = _inputs(page.text)
    assert fields["caffeine_cups"]["min"] == "0"
    assert fields["caffeine_cups"]["inputmode"] == "numeric"
    assert fields["exercise_min"]["step"] == "5"
    assert fields["amount"]["inputmode"] == "decimal"


def test_the_evening_log_keeps_what_was_typed_when_refused(personas) -> None:  # type: ignore[no-untyped-def]
    response = personas.patient_a.post_form(
        "/evening", {"substance": "kratom", "amount": "lots", "unit": "g", "time": "21:00"}
    )
    assert response.status_code == 422
    fields = _inputs(response.text)
    assert fields["substance"]["value"] == "kratom"
    assert fields["amount"]["value"] == "lots"
    assert fields["amount"]["aria-invalid"] == "true"
