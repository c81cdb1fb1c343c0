"""One module per file-system tool; each declares `TOOL` (see domains/base.py).  Adding a tool is adding
a module here and its phrasings under grammars/filesystem/en/<tool>.txt."""
