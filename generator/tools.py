"""The tool catalogue as the rest of the package sees it: a view of the file-system domain's registry."""
from __future__ import annotations

from .domains.filesystem import PRESETS, TASK_DESCRIPTION, TOOLS as _REGISTRY, job_description, parse_tool_list

TOOLS: dict[str, dict] = {name: t.schema for name, t in _REGISTRY.items()}
TOOL_NAMES: tuple[str, ...] = tuple(TOOLS)

__all__ = ["PRESETS", "TASK_DESCRIPTION", "TOOLS", "TOOL_NAMES", "job_description", "parse_tool_list"]
