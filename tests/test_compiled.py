"""The optional compiled core (setup.py, generator/compiled.py): same bytes as the source, and never stale."""
from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import subprocess
import sys

import pytest

import generator
from generator.compiled import RECORD, _FromSource, plan, record_text
from helpers import ROOT, assert_same_files, run_every_command

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _package(folder, sources: dict[str, str], compiled: list[str], recorded: dict[str, str]):
    folder.mkdir(parents=True)
    for name, text in sources.items():
        (folder / f"{name}.py").write_text(text)
    for name in compiled:
        (folder / f"{name}{SUFFIX}").write_bytes(b"not really a compiled module")
    (folder / RECORD).write_text(record_text(recorded))
    return folder


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_compiled_module_runs_only_while_its_source_has_the_recorded_digest(tmp_path):
    pkg = _package(tmp_path / "pkg", {"fresh": "x = 1\n", "edited": "x = 2\n", "unrecorded": "x = 3\n", "plain": ""},
                   compiled=["fresh", "edited", "unrecorded"],
                   recorded={"fresh": _sha("x = 1\n"), "edited": _sha("x = 1\n")})
    assert plan(pkg, pure=False) == ({"fresh"}, {"edited", "unrecorded"})
    assert plan(pkg, pure=True) == (set(), {"fresh", "edited", "unrecorded"})


def test_no_record_means_nothing_runs_compiled(tmp_path):
    pkg = _package(tmp_path / "pkg", {"a": "x = 1\n"}, compiled=["a"], recorded={})
    (pkg / RECORD).unlink()
    assert plan(pkg, pure=False) == (set(), {"a"})


def test_the_guard_imports_the_source_ahead_of_a_compiled_file(tmp_path):
    """The fake compiled file cannot load; behind the guard the .py beside it is imported instead."""
    _package(tmp_path / "guardpkg", {"__init__": "", "mod": "ANSWER = 42\n"}, compiled=["mod"], recorded={})
    sys.path.insert(0, str(tmp_path))
    finder = _FromSource("guardpkg", tmp_path / "guardpkg", {"mod"})
    try:
        with pytest.raises(ImportError):
            import guardpkg.mod  # noqa: F401  (the compiled file wins without the guard)
        sys.meta_path.insert(0, finder)
        sys.modules.pop("guardpkg.mod", None)
        import guardpkg.mod
        assert guardpkg.mod.ANSWER == 42 and guardpkg.mod.__file__.endswith("mod.py")
    finally:
        sys.path.remove(str(tmp_path))
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
        for name in ("guardpkg", "guardpkg.mod"):
            sys.modules.pop(name, None)


def _modules_in_use(env: dict[str, str]) -> dict[str, str]:
    code = ("import json, generator, generator.engine, generator.planner; "
            "print(json.dumps({'compiled': sorted(generator.COMPILED), 'planner': generator.planner.__file__}))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env},
                       cwd=ROOT, check=True)
    return json.loads(r.stdout)


def test_pure_python_switch_runs_everything_from_source():
    used = _modules_in_use({"MTGEN_PURE_PYTHON": "1"})
    assert used["compiled"] == [] and used["planner"].endswith("planner.py")


@pytest.mark.skipif(not generator.COMPILED, reason="no compiled core here (no C compiler at install time)")
def test_compiled_core_writes_the_same_bytes_as_the_source(tmp_path):
    used = _modules_in_use({"MTGEN_PURE_PYTHON": "0"})
    assert "planner" in used["compiled"] and not used["planner"].endswith(".py")
    run_every_command(tmp_path / "compiled", {"MTGEN_PURE_PYTHON": "0"})
    run_every_command(tmp_path / "source", {"MTGEN_PURE_PYTHON": "1"})
    assert_same_files(tmp_path / "compiled", tmp_path / "source")


def test_each_pxd_declares_exactly_the_slots_of_its_classes():
    """A .pxd makes a slotted class a C type for the compiled core; its attributes must be the class's own
    __slots__, or the compiled class would accept (or refuse) attributes the source class does not."""
    import importlib
    import re
    pxds = sorted((ROOT / "generator").glob("*.pxd"))
    assert pxds
    for pxd in pxds:
        module = importlib.import_module(f"generator.{pxd.stem}")
        declared: dict[str, list[str]] = {}
        for line in pxd.read_text().splitlines():
            if m := re.match(r"cdef class (\w+):", line):
                cls = declared.setdefault(m[1], [])
            elif m := re.match(r"\s+cdef public object (.+)$", line):
                cls += [a.strip() for a in m[1].split(",")]
        assert declared, pxd
        for name, attrs in declared.items():
            assert sorted(attrs) == sorted(getattr(module, name).__slots__), (pxd.name, name)
