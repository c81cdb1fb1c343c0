"""Domains: a domain is one folder holding its state, its world and one declared unit per tool.

Everything outside a domain (engine, validate, mutate, augment, stats) reads tools from the domain's
registry and knows no tool by name.  `filesystem` is the domain of the benchmark's file-system tools.
"""


def load(job_path=None, grammar_dir=None):
    """(domain, grammar) for a run: the file-system domain and its phrasings, or, given a job description,
    the user's own tools with the grammar folder written for them (see domains/schema)."""
    from pathlib import Path

    from .. import grammar as grammar_mod
    if job_path is None:
        from .filesystem import with_scenarios
        grammar = grammar_mod.load(grammar_dir)
        return with_scenarios(grammar), grammar
    from .base import DomainError
    if grammar_dir is None:
        raise DomainError("--job needs --grammars: the phrasings for its tools (make a starting folder with "
                          "'mtgen init --job JOB --out FOLDER')")
    from .schema import load as load_schema
    return load_schema(Path(job_path), Path(grammar_dir), grammar_mod.scan_for)
