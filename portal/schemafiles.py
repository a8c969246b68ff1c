"""The JSON Schema files in content/schema/, generated from the form and the validator's rules so
that an editor's completion and ``build.py check`` agree (``schema.py`` validates; this module
writes what it validates as JSON Schema)."""

from __future__ import annotations

import json
from pathlib import Path

from . import form
from .schema import (
    AGENCY_KINDS,
    BOUNDS,
    CONTACT_KEYS,
    EXPECTED_YEARS,
    FORMS,
    MAX_COUNT,
    REQUIRED_REPORT_KEYS,
    SLUG_RE,
    SOURCE_FORMATS,
    SOURCE_NAME_RE,
    STATUSES,
    TABLES,
)


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def report_json_schema() -> dict:
    """JSON Schema of a report YAML, generated from the form definition."""
    count = _nullable({"type": "integer", "minimum": 0, "maximum": MAX_COUNT})
    row = _nullable({"type": "array", "items": count, "minItems": form.TABLE3_WIDTH,
                     "maxItems": form.TABLE3_WIDTH,
                     "description": "cells: " + ", ".join(c.key for c in form.TABLE3_COLUMNS)})

    def obj(props: dict, required: bool = True, description: str | None = None) -> dict:
        out: dict = {"type": "object", "properties": props, "additionalProperties": False}
        if required:
            out["required"] = list(props)
        if description:
            out["description"] = description
        return out

    triple = obj({c.key: {**count, "description": c.label} for c in form.TRIPLE_CELLS})
    t2_props = {i.key: {**triple, "description": i.label} for i in form.TABLE2_TRIPLES}
    t2_props |= {i.key: {**count, "description": i.label} for i in form.TABLE2_COUNTS}
    t2_props[form.TABLE2_FEES.key] = _nullable({"type": "number", "minimum": 0, "description": "万元"})
    t3_props: dict = {}
    groups = form.TABLE3_GROUP_BY_KEY
    for r in form.TABLE3_ROWS:
        if r.path[0] in groups:
            g = groups[r.path[0]]
            sub = {i.key: {**row, "description": i.label} for i in g.rows}
            if g.key == "other_handling":
                sub[form.SINGLE_ROW] = {**row, "description": "（六）其他处理 printed as one row (2019 form)"}
            t3_props[g.key] = obj(sub, required=False, description=g.label)
        else:
            t3_props[r.path[0]] = {**row, "description": r.label}
    cell4 = obj({c.key: {**count, "description": c.label} for c in form.TABLE4_CELLS})
    t4_props = {g.key: {**cell4, "description": g.label} for g in form.TABLE4_GROUPS}
    text = _nullable({"type": "string"})
    date = _nullable({"type": "string", "format": "date"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "政府信息公开工作年度报告 (report YAML)",
        "description": "See docs/content.md. Keys are the public data contract.",
        "type": "object",
        "additionalProperties": False,
        "required": list(REQUIRED_REPORT_KEYS),
        "properties": {
            "agency": {"type": "string", "pattern": SLUG_RE.pattern},
            "year": {"type": "integer", "minimum": 1990, "maximum": 2100},
            "title": {"type": "string", "minLength": 1},
            "published": date,
            "status": {"enum": list(STATUSES)},
            "form": {"enum": list(FORMS)},
            "source": obj({"file": {"type": "string", "pattern": SOURCE_NAME_RE.pattern},
                           "original_name": text, "original_file": text,
                           "sha256": _nullable({"type": "string", "pattern": "^[0-9a-f]{64}$"}),
                           "format": {"enum": list(SOURCE_FORMATS)}, "url": text, "retrieved": date,
                           "ocr": text},
                          required=False),
            "contact": _nullable(obj({k: text for k in CONTACT_KEYS}, required=False)),
            "missing_tables": _nullable(obj({t: {"type": "string"} for t in TABLES}, required=False)),
            "table2": _nullable(obj(t2_props, description=form.TABLE_TITLES["table2"])),
            "table3": _nullable(obj(t3_props, description=form.TABLE_TITLES["table3"])),
            "table4": _nullable(obj(t4_props, description=form.TABLE_TITLES["table4"])),
            "cells": _nullable({"type": "object", "additionalProperties": {"type": "string"},
                                "description": "cell path → how a null cell was printed"}),
            "unproven": _nullable({"type": "object", "additionalProperties": {"type": "string"},
                                   "description": "cell path → how a number read from an image that no sum "
                                                  "can prove was checked (verify it against the image)"}),
            "narrative": _nullable({"type": "array", "items": obj({
                "key": {"enum": list(form.NARRATIVE_KEYS)},
                "value": {"type": "number", "minimum": 0},
                "bound": {"enum": list(BOUNDS)},
                "quote": {"type": "string", "minLength": 1},
                "derivation": text,
                "line": _nullable({"type": "integer"}),
            }, required=False)}),
            "notes": _nullable({"type": "array", "items": {"type": "string"}}),
            "checks": _nullable({"type": "array"}),
            "deadline_as": _nullable({"enum": list(AGENCY_KINDS),
                                      "description": "the kind of body whose deadline this report has"}),
        },
    }


def registry_json_schema() -> dict:
    """JSON Schema of agencies.yaml."""
    text = _nullable({"type": "string"})
    agency = {
        "type": "object",
        "additionalProperties": False,
        "required": ["slug", "name", "jurisdiction", "kind"],
        "properties": {
            "slug": {"type": "string", "pattern": SLUG_RE.pattern, "maxLength": 80},
            "name": {"type": "string", "minLength": 1},
            "jurisdiction": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "kind": {"enum": list(AGENCY_KINDS)},
            "website": text, "address": text, "phone": text,
            "aliases": {"type": "array", "items": {"type": "string"}},
            "draft": {"type": "boolean"},
            "expected_from": _nullable({"type": "integer", "minimum": EXPECTED_YEARS[0],
                                        "maximum": EXPECTED_YEARS[1],
                                        "description": "first year a report is expected (coverage)"}),
            "expected_until": _nullable({"type": "integer", "minimum": EXPECTED_YEARS[0],
                                         "maximum": EXPECTED_YEARS[1],
                                         "description": "last year a report is expected"}),
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Agency registry (agencies.yaml)",
        "type": "object",
        "additionalProperties": False,
        "required": ["agencies"],
        "properties": {"agencies": {"type": "array", "items": agency}},
    }


FILES = {"report.schema.json": report_json_schema, "agencies.schema.json": registry_json_schema}


def _render(make) -> str:  # noqa: ANN001
    return json.dumps(make(), ensure_ascii=False, indent=2) + "\n"


def write_schemas(content_dir: Path) -> list[Path]:
    out = content_dir / "schema"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FILES.items():
        path = out / name
        path.write_text(_render(make), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(content_dir: Path) -> list[Path]:
    """Schema files missing or different from what the code would write."""
    return [content_dir / "schema" / name for name, make in FILES.items()
            if not (content_dir / "schema" / name).is_file()
            or (content_dir / "schema" / name).read_text(encoding="utf-8") != _render(make)]
