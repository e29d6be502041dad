"""The app shell: navigation bar and page container."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from board.domain import access
from board.domain.access import ROLES

from .ids.shell import Shell


def layout() -> html.Div:
    """Navigation over the registered pages and the page container (built per request, for the signed-in
    principal: the admin page only for admins, no navigation at all for a wall token)."""
    who = access.current()
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0)
        if not page.get("hide_nav") and not who.is_wall and (who.is_admin or not page.get("admin_only"))
    ]
    if who.role not in ("system", "wall"):
        label = f"{who.name} · {ROLES.get(who.role, '大屏')}"
        links.append(dbc.NavItem(dbc.NavLink(f"{label} · 退出", href="/logout", external_link=True, id=Shell.USER)))
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
