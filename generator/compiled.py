"""Which modules run compiled, and a guard that no stale compiled module ever runs.

setup.py compiles the generation core with Cython from its unchanged .py source when it can, and
records each compiled module's source digest in _build_record.txt.  Python prefers a compiled file to
the .py beside it, so after an edit (or a checkout) without a rebuild the old code would run.  Here,
at package import, a module runs compiled only while its .py still has the recorded digest; any other
module that has a compiled file is imported from its source instead.  MTGEN_PURE_PYTHON=1 imports
every module from source (to profile with py-spy, or to compare the two: a test does).
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RECORD = "_build_record.txt"  # "<module> <sha256 of its source>" per line, written by setup.py
# setup.py runs this file on its own (runpy) for the names below, so that the build and the guard share
# one record format, one digest and one switch: keep it free of imports from the package.


def pure_python() -> bool:
    return os.environ.get("MTGEN_PURE_PYTHON", "") not in ("", "0")


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_text(digests: dict[str, str]) -> str:
    """The record's text for {module: source digest} (setup.py writes it; parse_record reads it)."""
    return "".join(f"{name} {digests[name]}\n" for name in sorted(digests))


def parse_record(text: str) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in text.split("\n") if " " in line)


def read_record(folder: Path) -> dict[str, str]:
    try:
        return parse_record((folder / RECORD).read_text(encoding="utf-8"))
    except OSError:
        return {}


def compiled_files(folder: Path) -> set[str]:
    """Names of the modules in `folder` that have a compiled (extension) file."""
    names = set()
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:  # ".so" also ends "x.cpython-311-...so": no dots
        names.update(n for n in (p.name[:-len(suffix)] for p in folder.glob("*" + suffix)) if "." not in n)
    return names


def plan(folder: Path, pure: bool) -> tuple[set[str], set[str]]:
    """(modules to run compiled, modules to import from source although a compiled file is present)."""
    present = compiled_files(folder)
    if pure:
        return set(), present
    record = read_record(folder)
    fresh = set()
    for name in present:
        try:
            digest = source_digest(folder / f"{name}.py")
        except OSError:  # no source beside it: the compiled file is all there is
            digest = record.get(name)
        if digest is not None and record.get(name) == digest:
            fresh.add(name)
    return fresh, present - fresh


class _FromSource:  # a sys.meta_path finder (importlib.abc is not imported: every run pays for start-up)
    """Finds `package.name` for the given names at its .py file, ahead of the compiled file."""

    def __init__(self, package: str, folder: Path, names: set[str]) -> None:
        self.package, self.folder, self.names = package, folder, frozenset(names)

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package == self.package and name in self.names:
            import importlib.util
            return importlib.util.spec_from_file_location(fullname, self.folder / f"{name}.py")
        return None


def install(package: str) -> frozenset[str]:
    """Put the guard in place for `package` (this folder); returns the modules that run compiled."""
    fresh, from_source = plan(PACKAGE_DIR, pure_python())
    if from_source and not any(isinstance(f, _FromSource) for f in sys.meta_path):
        sys.meta_path.insert(0, _FromSource(package, PACKAGE_DIR, from_source))
    return frozenset(fresh)
