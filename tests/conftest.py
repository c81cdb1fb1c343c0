import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

# the suite's own cache of compiled grammars (generator/cache.py), for it and the mtgen processes it starts:
# a test run neither reads nor fills the user's
os.environ["MTGEN_CACHE_DIR"] = _CACHE = tempfile.mkdtemp(prefix="mtgen-test-cache-")
atexit.register(shutil.rmtree, _CACHE, True)

from helpers import mtgen  # noqa: E402


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """One `mtgen generate --n 500 --seed 1 --emit-state` run shared by the read-only tests."""
    out = tmp_path_factory.mktemp("gen") / "data"
    r = mtgen("generate", "--n", "500", "--seed", "1", "--out", out, "--emit-state")
    assert r.returncode == 0, r.stderr
    return out
