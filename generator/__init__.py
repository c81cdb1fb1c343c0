"""mtgen: multi-turn tool-calling datasets from a simulated file system."""

__version__ = "0.1.0"
