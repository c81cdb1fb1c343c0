"""Build step for the optional compiled core (all other settings live in pyproject.toml).

The generation core is compiled by Cython from its own unchanged .py source: the .py files stay the
only source of truth, and the generation loop runs ~1.7x faster compiled.  Compiling is best
effort: without a C compiler, or with MTGEN_PURE_PYTHON=1 at install time, the package installs and
runs from source with byte-identical output (a test compares the two).  A .pxd beside a module (fs, rng)
declares its slotted classes as C types for the compiler; Python never reads it.  Each compiled module's source
digest goes into generator/_build_record.txt; generator/compiled.py runs a compiled module only while
its .py still has that digest, so an edited source never runs as a stale build.
"""
from __future__ import annotations

import os
import runpy
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# The modules of the generation hot loop (engine and everything it calls, then rows and de-duplication).
CORE = ("rng", "fs", "world", "forms", "planner", "grammar", "engine", "serialize", "split", "hashset", "produce")
HERE = Path(__file__).resolve().parent
# the guard's own record format, digest and MTGEN_PURE_PYTHON switch (the file alone, not the package)
GUARD = runpy.run_path(str(HERE / "generator" / "compiled.py"))


class OptionalBuildExt(build_ext):
    """Cythonize at build time (so metadata-only commands need neither Cython nor a compiler); a module
    that fails to compile is left out and runs from source."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if self.parallel is None:
            self.parallel = os.cpu_count() or 1

    def run(self) -> None:
        if GUARD["pure_python"]():
            self._from_source()
            return
        try:
            from Cython.Build import cythonize

            # annotation_typing off: annotations stay documentation, so the compiled module keeps the
            # source's exact Python semantics (e.g. a `float` annotation does not become a C double)
            translated = cythonize(self.extensions, build_dir=os.path.join(self.build_temp, "cython"),
                                   quiet=True, nthreads=self.parallel or 1,
                                   compiler_directives={"language_level": 3, "annotation_typing": False})
            c_sources = {ext.name: ext.sources for ext in translated}
            for ext in self.extensions:  # setuptools has set these objects up: keep them, swap the sources
                ext.sources = c_sources[ext.name]
        except Exception as e:  # no Cython, or it cannot translate: install from source
            print(f"mtgen: compiled core skipped ({e}); running from source")
            self._from_source()
            return
        self.built: list[str] = []
        inplace, self.inplace = self.inplace, False
        super().run()  # builds into build_lib (setuptools copies in place only when inplace is set)
        self.inplace = inplace
        self.extensions = [ext for ext in self.extensions if ext.name in self.built]  # nothing to copy or list
        if self.inplace:  # editable install: the compiled modules go beside their sources
            self.copy_extensions_to_source()
        self._write_record()

    def _from_source(self) -> None:
        self.extensions = []  # nothing built, so nothing for setuptools to copy or list
        if self.inplace:  # compiled files left by an earlier build are no longer vouched for
            (HERE / "generator" / GUARD["RECORD"]).unlink(missing_ok=True)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as e:  # no compiler (or it failed): this module runs from source
            print(f"mtgen: {ext.name} not compiled ({e}); it runs from source")
            return
        self.built.append(ext.name)

    def _write_record(self) -> None:
        digests = {}
        for ext in self.extensions:
            module = ext.name.rsplit(".", 1)[1]
            digests[module] = GUARD["source_digest"](HERE / "generator" / f"{module}.py")
        text = GUARD["record_text"](digests)
        targets = [Path(self.build_lib) / "generator"]
        if self.inplace:  # editable install or build_ext --inplace: the modules sit beside their sources
            targets.append(HERE / "generator")
        for folder in targets:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / GUARD["RECORD"]).write_text(text, encoding="utf-8")


setup(
    ext_modules=[Extension(f"generator.{name}", [f"generator/{name}.py"]) for name in CORE],
    cmdclass={"build_ext": OptionalBuildExt},
)
