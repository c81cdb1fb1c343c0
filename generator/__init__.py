"""mtgen: multi-turn tool-calling datasets from a simulated file system."""
from . import compiled as _compiled

__version__ = "0.1.0"
# the modules running compiled (empty when everything runs from source): see compiled.py and setup.py
COMPILED = _compiled.install(__name__)
