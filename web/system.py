"""The /system page: the standards system as a drafter reads it — the framework as a tree, a heat
map of areas × levels, the 标准明细表 with filters and downloads, and a form to register a
standard by its metadata (behind the key, like the upload page)."""

from __future__ import annotations

from typing import Callable, get_args

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel

from analysis.system.framework import load_framework
from analysis.system.registry import PlanStatus, register_standard, registration
from analysis.system.system import SystemReport, build_system
from analysis.system.table import KNOWN
from ingest.errors import StdkbError
from ingest.models import LEVELS_IN_ORDER, STANDARD_LEVELS

CELL, LABEL_W, HEAD_H = 34, 190, 96     # heat map geometry in px


class HeatCell(BaseModel):
    x: int
    y: int
    count: int
    shade: str
    title: str


class HeatMap(BaseModel):
    width: int
    height: int
    rows: list[tuple[int, str, str]]       # (y, area id, label)
    columns: list[tuple[int, str]]         # (x, level)
    cells: list[HeatCell]


def shade(count: int, most: int) -> str:
    """White for none, then deeper red with more documents (a square root, so one document shows)."""
    if count == 0:
        return "#f6f8fa"
    share = (count / most) ** 0.5 if most else 1.0
    light = int(235 - share * 135)
    return f"rgb({min(255, light + 20)},{light - 40 if light > 60 else 20},{light - 40 if light > 60 else 20})"


def heat_map(report: SystemReport) -> HeatMap:
    levels = [lv for lv in LEVELS_IN_ORDER if any(c.by_level.get(lv) for c in report.coverage)]
    most = max((n for c in report.coverage for n in c.by_level.values()), default=0)
    rows, cells = [], []
    for i, c in enumerate(report.coverage):
        y = HEAD_H + i * CELL
        rows.append((y, c.id, " / ".join(c.area)))
        for j, lv in enumerate(levels):
            n = c.by_level.get(lv, 0)
            cells.append(HeatCell(x=LABEL_W + j * CELL, y=y, count=n, shade=shade(n, most),
                                  title=f"{' / '.join(c.area)} · {lv}：{n} 份文件"))
    return HeatMap(width=LABEL_W + len(levels) * CELL + 10, height=HEAD_H + len(report.coverage) * CELL + 10,
                   rows=rows, columns=[(LABEL_W + j * CELL + CELL // 2, lv) for j, lv in enumerate(levels)], cells=cells)


def system_pages(render: Callable[..., HTMLResponse], access: Callable[[Request], str],
                 reader_guard: Callable, status_of: Callable[[Exception], int]) -> APIRouter:
    """`access(request)` says whether this browser may register ("ok", "login", "disabled");
    `reader_guard` is the app's dependency deciding who may read (private knowledge bases);
    `status_of` the HTTP status the app's error table gives an error shown on the page."""
    r = APIRouter(include_in_schema=False, dependencies=[Depends(reader_guard)])

    def page(request: Request, area: str = "", level: str = "", status: str = "", error: str = "", code: int = 200):
        kb, settings = request.app.state.kb, request.app.state.settings
        report = build_system(kb, settings.system_file)
        rows = [row for row in report.standards if (not area or row.area_id.startswith(area))
                and (not level or row.level == level) and (not status or row.status == status)]
        return render(request, "system.html", status_code=code, report=report, rows=rows, heat=heat_map(report),
                      area=area, level=level, status=status, error=error, can_write=access(request) == "ok",
                      standard_levels=sorted(STANDARD_LEVELS, key=LEVELS_IN_ORDER.index),
                      plan_statuses=get_args(PlanStatus), row_statuses=[*get_args(PlanStatus), KNOWN, "已被代替"],
                      cell=CELL, page="system")

    @r.get("/system", response_class=HTMLResponse)
    def system_page(request: Request, area: str = "", level: str = "", status: str = ""):
        return page(request, area[:20], level[:20], status[:10])

    @r.post("/system/register")
    def register(request: Request, code: str = Form("", max_length=60), title: str = Form("", max_length=200),
                 level: str = Form("", max_length=20), status: str = Form("在编", max_length=10),
                 area: str = Form("", max_length=20), plan_year: str = Form("", max_length=10),
                 lead_unit: str = Form("", max_length=100)):
        state = access(request)
        if state == "login":
            return RedirectResponse("/login?next=/system", status_code=303)
        if state != "ok":
            return page(request, error="登记已关闭：服务器没有设置访问密钥 STDKB_API_KEY。", code=403)
        try:
            row = registration(code=code, title=title, level=level, status=status, area=area, plan_year=plan_year,
                               lead_unit=lead_unit)
            register_standard(request.app.state.kb, row, load_framework(request.app.state.settings.system_file))
        except StdkbError as exc:
            return page(request, error=f"未登记：{exc}", code=status_of(exc))
        return RedirectResponse("/system#standards", status_code=303)

    return r
