"""The router registry and the fallback pages used while no router provides them."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from nightbridge.core.profile import Profile
from nightbridge.services.accounts.accounts import create_account
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.web import registry
from nightbridge.web.app import Settings, create_app
from tests.web.conftest import FAST_AUTH, PASSWORD, login, new_client

PLATFORM_ONLY = ("auth", "account", "sharing", "admin", "api_auth")


def test_a_listed_router_module_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(ModuleNotFoundError, match="no_such_router"):
        registry.include_routers(FastAPI(), ("auth", "no_such_router"))


def test_every_listed_router_module_exists() -> None:
    app = FastAPI()
    assert registry.include_routers(app) == list(registry.ROUTER_MODULES)
    assert len(app.routes) > len(registry.ROUTER_MODULES)


def test_a_router_module_with_a_broken_import_is_not_hidden(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A router whose own import fails (a missing dependency) fails loudly."""

    def fail(name: str) -> None:
        raise ModuleNotFoundError("No module named 'missing_dependency'", name="missing_dependency")

    monkeypatch.setattr(registry.importlib, "import_module", fail)
    with pytest.raises(ModuleNotFoundError, match="missing_dependency"):
        registry.include_routers(FastAPI(), ("broken_for_test",))


@pytest.fixture
def platform_app(sqlite_database: Database) -> FastAPI:
    return create_app(
        sqlite_database, settings=Settings(auth=FAST_AUTH, router_modules=PLATFORM_ONLY)
    )


def test_the_fallback_help_page_lists_the_persons_regions_lines(
    platform_app: FastAPI, sqlite_database: Database
) -> None:
    account_id = create_account(
        sqlite_database,
        FAST_AUTH,
        username="ana",
        password=PASSWORD,
        role="person",
        profile=Profile(region="UK"),
    )
    client = new_client(platform_app)
    anonymous = client.get("/help-now").text
    assert 'href="tel:911"' in anonymous and "Lines for your region (US)" in anonymous
    login(client, "ana", PASSWORD)
    page = client.get("/help-now").text
    assert "Lines for your region (UK)" in page
    assert 'href="tel:999"' in page and 'href="tel:116123"' in page
    with sqlite_database.reader() as session:
        assert PersonRepository(session).get_profile(account_id) is not None


def test_the_fallback_home_sends_each_role_to_its_start(
    platform_app: FastAPI, sqlite_database: Database
) -> None:
    create_account(sqlite_database, FAST_AUTH, username="ana", password=PASSWORD, role="person")
    client = new_client(platform_app)
    assert client.get("/").headers["location"] == "/login?next=%2F"
    login(client, "ana", PASSWORD)
    home = client.get("/")
    assert home.status_code == 200 and 'href="/sharing"' in home.text
