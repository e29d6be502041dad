"""Shared fixtures: rules, calendar, settings on a temporary database, service, Dash page-state reset."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from selenium.webdriver.chrome.options import Options

from board.config import Settings
from board.domain.rules import load_rules
from board.domain.workcal import WorkCalendar
from board.usecases.service import BoardService
from tests.fixtures import write_small

PG_URL = os.environ.get("BOARD_TEST_POSTGRES_URL", "")


@pytest.fixture(scope="session")
def rules():
    return load_rules(Settings().rules_path)


@pytest.fixture(scope="session")
def cal():
    return WorkCalendar.build()


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=str(tmp_path / "data"), auth=False)


@pytest.fixture
def svc(settings):
    service = BoardService(settings)
    service.init_db()
    yield service
    service.engine.dispose()


def _pg_service(tmp_path):
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set BOARD_TEST_POSTGRES_URL)")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server here"
        pytest.skip(f"PostgreSQL unreachable: {exc.__class__.__name__}")
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    service = BoardService(Settings(data_dir=str(tmp_path / "data"), database_url=url))
    service.init_db()
    return service, admin, schema


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_svc(request, tmp_path):
    """The same service on SQLite and (when configured) PostgreSQL."""
    if request.param == "sqlite":
        service = BoardService(Settings(data_dir=str(tmp_path / "data")))
        service.init_db()
        yield service
        service.engine.dispose()
        return
    from sqlalchemy import text

    service, admin, schema = _pg_service(tmp_path)
    yield service
    service.engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def small_svc(any_svc, tmp_path, rules):
    """A service whose database holds the small hand-checkable company."""
    from board.ingest.importer import import_path

    import_path(any_svc.engine, write_small(tmp_path / "small"), any_svc.rules)
    return any_svc


@pytest.fixture
def demo_settings(tmp_path_factory):
    """Settings of a small demo database built once per test (fixed as-of)."""
    folder = tmp_path_factory.mktemp("demo")
    s = Settings(data_dir=str(folder), as_of="2026-11-20", auth=False)
    from board.demo.load import build_demo

    build_demo(BoardService(s), n_cases=800, seed=3, as_of=s.resolved_as_of())
    return s


@pytest.fixture(autouse=True)
def _reset_dash_pages():
    """Dash keeps registered pages in module globals; every app in a test starts clean."""
    yield
    import dash._pages

    dash._pages.PAGE_REGISTRY.clear()
    dash._pages.CONFIG.clear()
    dash._pages.CONFIG.__dict__.clear()


# Headless Chromium for dash_duo (tests/integration and tests/security/test_browser_*): system chromium +
# chromedriver; those tests skip cleanly where they are missing.
HAVE_BROWSER = bool(shutil.which("chromedriver")) and bool(shutil.which("chromium") or shutil.which("chromium-browser"))


def pytest_setup_options():
    options = Options()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    return options


def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in str(item.fspath) or "browser" in item.fspath.basename:
            item.add_marker(pytest.mark.browser)
            if not HAVE_BROWSER:
                item.add_marker(
                    pytest.mark.skip(
                        reason="chromium/chromedriver not installed (apt-get install chromium chromium-driver)"
                    )
                )
