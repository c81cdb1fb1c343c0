"""A per-user cache of what start-up compiles from data files (a grammar folder's ~4,000 checked lines),
kept under the user's cache folder and keyed by a digest of everything the result depends on.

Loading a grammar folder parses and checks every line: about a tenth of a second, on every command.  The
compiled result, pickled, loads ten times faster.  The key covers the files' bytes, the compiling code
and the interpreter, so an edited line, a new mtgen or another Python never meets a stale entry; a missing,
unreadable or corrupt entry, or a cache folder that cannot be written, only means compiling again.

Where: $MTGEN_CACHE_DIR, else $XDG_CACHE_HOME/mtgen, else ~/.cache/mtgen.  MTGEN_CACHE_DIR=off turns the
cache off.  Only this user's own cache folder is read, as pip's and mypy's are.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
FORMAT = 1  # bump when what is pickled changes shape without the compiling code's bytes changing
KEEP = 8  # entries kept per kind: enough for a few grammar folders and versions side by side


def folder() -> Path | None:
    """The cache folder, or None when the cache is off."""
    chosen = os.environ.get("MTGEN_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "0", "off", "no", "false") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mtgen"


def digest(*parts: bytes | str) -> str:
    """A key from the bytes a result depends on (each part length-prefixed: no two lists give one key)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT} {sys.version}".encode())
    for p in parts:
        b = p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def cached(kind: str, key: str, make: Callable[[], T]) -> T:
    """make(), or the result a earlier make() with the same key stored.  `make` may raise: nothing is kept."""
    where = folder()
    if where is None:
        return make()
    path = where / f"{kind}-{key}.pickle"
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - absent, unreadable, truncated or from an incompatible version: remake
        pass
    value = make()
    _store(where, kind, path, value)
    return value


def _store(where: Path, kind: str, path: Path, value) -> None:
    """Write `value` at `path` whole or not at all (a temporary file renamed into place: a reader never sees
    half an entry, two writers never mix), and drop the oldest entries of `kind` beyond KEEP."""
    tmp = None
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        entries = sorted(where.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink()
    except Exception:  # noqa: BLE001 - a read-only home, a full disk, an unpicklable value: no cache, same result
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
