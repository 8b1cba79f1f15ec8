"""The standards system over the JSON API (/api/v1/system): the report, one area, and the
drafter's records beside it (registered standards, placement overrides; these need the API key)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel

from analysis.exports import DOCX, XLSX, system_export
from analysis.system.framework import load_framework
from analysis.system.registry import (AreaNotFound, PlacementOverride, RegisteredStandard, clear_override,
                                      override_placement, register_standard, unregister_standard)
from analysis.system.system import SystemReport, area_view, build_system
from api.http.routes import download, known_parameters
from api.http.security import require_read_key, require_write_key
from index.errors import DocumentNotFound


class Areas(BaseModel):
    areas: list[str]


def system_routes() -> APIRouter:
    r = APIRouter(dependencies=[Depends(require_read_key), Depends(known_parameters)], tags=["standards system"])

    def report(request: Request) -> SystemReport:
        return build_system(request.app.state.kb, request.app.state.settings.system_file)

    def framework(request: Request):
        return load_framework(request.app.state.settings.system_file)

    @r.get("/system", response_model=SystemReport, summary="The standards system: framework, documents per area, "
           "标准明细表, coverage, cited-but-missing documents, targets",
           responses={200: {"content": {"text/markdown": {}, DOCX: {}, XLSX: {}}}})
    def system(request: Request, format: str = Query("json", pattern="^(json|md|docx|xlsx)$",
                                                     description="json, md, docx (标准体系表) or xlsx (标准明细表)")):
        result = report(request)
        return result if format == "json" else download(system_export(result, format))

    @r.get("/system/areas/{area_id}", summary="One area: its documents, standards and coverage",
           responses={404: {"description": "No such area in the framework"}})
    def area(request: Request, area_id: str):
        view = area_view(report(request), area_id)
        if view is None:
            raise AreaNotFound(f"no area {area_id} in the framework")
        return view

    @r.post("/system/standards", status_code=201, response_model=RegisteredStandard,
            dependencies=[Depends(require_write_key)],
            summary="Register a standard by its metadata (no text needed); needs the API key")
    def register(request: Request, row: RegisteredStandard = Body(...)):
        return register_standard(request.app.state.kb, row, framework(request))

    @r.delete("/system/standards/{code:path}", dependencies=[Depends(require_write_key)],
              summary="Remove a registered standard; needs the API key")
    def unregister(request: Request, code: str):
        if not unregister_standard(request.app.state.kb, code):
            raise DocumentNotFound(code)
        return {"deleted": code}

    @r.put("/system/placements/{source:path}", response_model=PlacementOverride,
           dependencies=[Depends(require_write_key)],
           summary="Place a document in these areas (ids, strongest first; [] for none); needs the API key")
    def place(request: Request, source: str, body: Areas = Body(...)):
        return override_placement(request.app.state.kb, source, body.areas, framework(request))

    @r.delete("/system/placements/{source:path}", dependencies=[Depends(require_write_key)],
              summary="Drop a placement override: stdkb places the document again; needs the API key")
    def unplace(request: Request, source: str):
        if not clear_override(request.app.state.kb, source):
            raise DocumentNotFound(source)
        return {"cleared": source}

    return r
