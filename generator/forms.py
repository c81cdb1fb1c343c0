"""The vocabulary shared by planner and grammar: which request forms exist (declared by the tools of the
file-system domain), the reference and surface styles, and sample slot values for `grammar check`."""
from __future__ import annotations

from .domains.filesystem import FORMS, SLOT_SAMPLES

REFERENCE_STYLES = ("direct", "pronoun", "relative", "same", "ordinal", "description")
SURFACE_STYLES = ("plain", "polite", "terse", "question", "indirect")

CONTEXTUAL = frozenset(name for name, f in FORMS.items() if f.contextual)  # for a quick lookup per row

__all__ = ["CONTEXTUAL", "FORMS", "REFERENCE_STYLES", "SLOT_SAMPLES", "SURFACE_STYLES"]
