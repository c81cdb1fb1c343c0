"""Writes train/test rows of any export format into a staged output folder."""
from __future__ import annotations

import json

from ..outdir import RowWriter, Staged
from ..serialize import enc_str
from . import FORMATS, sharegpt

# --format values: the upload format as JSONL (also called 'jsonl') or CSV, or an export format
CHOICES = ("distil", "jsonl", "csv", "messages", "openai", "sharegpt", "bfcl")
# every dataset file a run may write, so that --force leaves no leftovers of an earlier run behind
ALL_OUTPUTS = ("train.jsonl", "test.jsonl", "train.csv", "test.csv", "dataset_info.json",
               "possible_answer/train.jsonl", "possible_answer/test.jsonl", "train.state.jsonl", "test.state.jsonl")


def canonical(fmt: str) -> str:
    return "distil" if fmt == "jsonl" else fmt


class DatasetWriter:
    def __init__(self, stage: Staged, fmt: str, tools: list, task: str) -> None:
        self.fmt = canonical(fmt)
        if self.fmt not in CHOICES:
            raise ValueError(f"--format must be one of {', '.join(CHOICES)} (got {fmt!r})")
        self.stage, self.tools, self.task = stage, tools, task
        ext = "csv" if self.fmt == "csv" else "jsonl"
        self.names = {s: f"{s}.{ext}" for s in ("train", "test")}
        if self.fmt in ("distil", "csv"):
            self.rows = {s: RowWriter(stage.path(self.names[s]), ext) for s in ("train", "test")}
            self.files = {}
        else:
            self.rows = {}
            self.files = {s: open(stage.path(self.names[s]), "w", encoding="utf-8") for s in ("train", "test")}
            if self.fmt == "bfcl":
                for s in ("train", "test"):
                    self.files[f"answer:{s}"] = open(stage.path(f"possible_answer/{s}.jsonl"), "w", encoding="utf-8")
        self.count = {"train": 0, "test": 0}
        self._tools_json = json.dumps(tools, ensure_ascii=False)  # the same in every row that carries it

    @property
    def needs_state(self) -> bool:
        return self.fmt != "csv" and FORMATS[self.fmt].NEEDS_STATE

    def write(self, side: str, question: str, answer: str, state: dict | None = None, index: int = 0) -> None:
        self.count[side] += 1
        if self.rows:
            self.rows[side].write(question, answer)
            return
        out = FORMATS[self.fmt].to_row(json.loads(question), json.loads(answer), self.tools, self.task, state, index)
        if self.fmt == "bfcl":
            self.files[side].write(json.dumps(out["entry"], ensure_ascii=False) + "\n")
            self.files[f"answer:{side}"].write(json.dumps(out["possible_answer"], ensure_ascii=False) + "\n")
        else:
            self.files[side].write(self._dump(out) + "\n")

    def _dump(self, out: dict) -> str:
        """json.dumps(out, ensure_ascii=False), with the tool list (several KB in every messages/openai row)
        encoded once per run instead of once per row."""
        return "{" + ", ".join(enc_str(k) + ": " + (self._tools_json if v is self.tools else
                                                   json.dumps(v, ensure_ascii=False)) for k, v in out.items()) + "}"

    def close(self) -> None:
        """Close every file, even when closing one fails (a full disk shows up here); then raise the first
        error."""
        first = None
        for w in [*self.rows.values(), *self.files.values()]:
            try:
                w.close()
            except OSError as e:
                first = first or e
        if first is not None:
            raise first

    def complete(self, job_text: str, config_text: str, dataset_name: str = "mtgen") -> None:
        """Put the dataset in place: close the rows, stage job_description.json, config.yaml and what the
        format needs beside them, and rename everything into place, removing what another format wrote there
        before (with --force), all or nothing."""
        self.close()
        self.stage.text("job_description.json", job_text)
        self.stage.text("config.yaml", config_text)
        if self.fmt == "sharegpt":
            self.stage.text("dataset_info.json", json.dumps(sharegpt.dataset_info(dataset_name, self.names), indent=2) + "\n")
        self.stage.commit(obsolete=ALL_OUTPUTS)  # another format's old files go in the same all-or-nothing set

    def abort(self) -> None:
        """A failed run: close and remove every staged file (a file that fails to close is removed too)."""
        try:
            self.close()
        except OSError:
            pass
        self.stage.discard()
