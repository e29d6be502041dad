"""Self-contained offline HTML of one captured page: title, as-of, KPI cards, interactive figures, full tables.

Plotly.js is inlined, so the file opens anywhere without a network; every text from the data is escaped, and
figure JSON cannot close its script tag.
"""

from __future__ import annotations

import html
import json

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#1f2933}
h1{font-size:22px;margin:0 0 4px} .meta{color:#52606d;margin-bottom:16px}
.kpis{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:16px}
.kpi{border:1px solid #d9e2ec;border-radius:6px;padding:8px 12px;background:#f8fafc}
.fig{width:100%;min-height:420px;margin-bottom:16px} .fig-img{display:block;max-width:100%;margin-bottom:16px}
table{border-collapse:collapse;font-size:12px;margin-bottom:24px} th,td{border:1px solid #d9e2ec;padding:3px 6px}
th{background:#f0f4f8;position:sticky;top:0} h2{font-size:16px;margin:20px 0 6px}
"""


def _script_json(value) -> str:
    # "<" escaped as \u003c so a name like "</script><img …>" stays data inside the script element
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def page_html(title: str, as_of: str, generated_at: str, content: dict, plotly_js: str) -> str:
    """The page as one HTML document; `content` is what the browser capture returned."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{esc(title)} · 数据截至 {esc(as_of)}</title>",
        f"<style>{_CSS}</style>",
        f"<script>{plotly_js}</script>",
        "</head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<div class="meta">数据截至 {esc(as_of)} · 生成于 {esc(generated_at)}'
        + (f" · {esc(content['heading'])}" if content.get("heading") not in (None, "", title) else "")
        + "</div>",
    ]
    if content.get("kpis"):
        parts.append('<div class="kpis">' + "".join(f'<div class="kpi">{esc(k)}</div>' for k in content["kpis"]))
        parts.append("</div>")
    figures = content.get("figures", [])
    for i, fig in enumerate(figures):
        if fig.get("image"):
            parts.append(f'<img class="fig-img" alt="地图" src="data:image/png;base64,{fig["image"]}">')
        else:
            parts.append(f'<div class="fig" id="fig{i}"></div>')
    plots = {f"fig{i}": f for i, f in enumerate(figures) if "data" in f}
    for table in content.get("tables", []):
        parts.append(f"<h2>{esc(table.get('title') or table.get('id', ''))}（{len(table['rows'])} 行）</h2>")
        parts.append(table_html(table["columns"], table["rows"]))
    parts.append(f"<script>const FIGS = {_script_json(plots)};")
    parts.append(
        "Object.entries(FIGS).forEach(([id, f]) => Plotly.newPlot(id, f.data, Object.assign({}, f.layout, "
        "{autosize: true, width: null}), {displaylogo: false, responsive: true}));</script>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def table_html(columns: list, rows: list) -> str:
    """An escaped HTML table."""
    esc = html.escape
    head = "".join(f"<th>{esc(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{esc('' if v is None else str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
