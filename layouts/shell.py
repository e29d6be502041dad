"""The app shell: navigation bar and page container."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from .ids.shell import Shell


def layout() -> html.Div:
    """Navigation over the registered pages and the page container (built per request)."""
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0)
        if not page.get("hide_nav")
    ]
    return html.Div(
        [
            dbc.Navbar(
                dbc.Container(
                    [dbc.NavbarBrand("业扩报装可视化监管看板", href="/"), dbc.Nav(links, navbar=True, id=Shell.NAV)],
                    fluid=True,
                ),
                color="dark",
                dark=True,
                className="mb-3",
            ),
            dbc.Container(dash.page_container, fluid=True, className="pb-4"),
        ]
    )
