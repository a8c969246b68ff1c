"""The JSON Schema files in content/schema/, kept in step with ``schema.py``."""

from __future__ import annotations

import json
from pathlib import Path

from .schema import registry_json_schema, report_json_schema

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
