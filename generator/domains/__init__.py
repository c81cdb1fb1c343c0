"""Domains: a domain is one folder holding its state, its world and one declared unit per tool.

Everything outside a domain (engine, validate, mutate, augment, stats) reads tools from the domain's
registry and knows no tool by name.  `filesystem` is the domain of the benchmark's file-system tools.
"""
