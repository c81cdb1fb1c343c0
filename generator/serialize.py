"""Dialogues as upload rows: `question` a JSON-array string, `answer` a JSON-object string.

The JSON is assembled from fixed fragments around encoded values: the same bytes json.dumps gives for
the same structure (a test checks), at half the cost, in the hottest part of writing."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the type: the file writers import enc_str from here without the engine
    from .engine import Dialogue

_enc = json.JSONEncoder(ensure_ascii=False).encode
# json's own C string encoder (what json.dumps(..., ensure_ascii=False) applies to every str), called
# directly: JSONEncoder.encode builds a new C encoder for every dict it is given
enc_str = json.encoder.encode_basestring


_KEYS: dict = {}  # an argument name -> its JSON and the colon after it (a pure function of the name)


def enc_args(args: dict) -> str:
    """`args` as json.dumps(args, ensure_ascii=False) would write it; flat str/bool dicts (every generated
    call) without the encoder's per-call set-up, anything else through it."""
    parts = []
    for k, v in args.items():
        key = _KEYS.get(k)
        if key is None:
            if k.__class__ is not str:
                return _enc(args)
            key = enc_str(k) + ": "
            if len(_KEYS) < 1024:  # a run's tools have a few dozen names; a dataset read by augment may have any
                _KEYS[k] = key
        if v.__class__ is str:
            parts.append(key + enc_str(v))
        elif v is True:
            parts.append(key + "true")
        elif v is False:
            parts.append(key + "false")
        else:
            return _enc(args)
    return f"{{{', '.join(parts)}}}"


def jsonl_line(question: str, answer: str) -> bytes:
    """The row as a line of the upload format's JSONL file, in UTF-8: the bytes of json.dumps({"question":
    question, "answer": answer}, ensure_ascii=False) and a newline.

    Both are JSON texts (the upload format's), which hold raw control characters only as whitespace between
    tokens (tab, line feed, carriage return): without those, only their quotes and backslashes need escaping.
    bytes.replace does that on the UTF-8 bytes (no byte of a multi-byte character is a quote or a backslash)
    at half the cost of json's escaper, which examines every character (~850 in a question)."""
    for text in (question, answer):
        if "\n" in text or "\r" in text or "\t" in text:  # indented JSON: json's escaper
            return f'{{"question": {enc_str(question)}, "answer": {enc_str(answer)}}}\n'.encode()
    return b'{"question": "%s", "answer": "%s"}\n' % (_in_string(question), _in_string(answer))


def _in_string(json_text: str) -> bytes:
    """A JSON text without control characters, UTF-8, as it reads inside a JSON string."""
    return json_text.encode().replace(b"\\", b"\\\\").replace(b'"', b'\\"')


def call_turn(tool: str, args: dict) -> dict:
    return {"role": "assistant", "content": "",
            "tool_calls": [{"type": "function", "function": {"name": tool, "arguments": args}}]}


def to_row(d: Dialogue) -> tuple[str, str]:
    """(question, answer) as the strings the format stores."""
    return exchanges_to_row(d.turns)


def exchanges_to_row(exchanges) -> tuple[str, str]:
    """(question, answer) from (user text, tool, arguments) per exchange; the last one is the request
    and its call the answer.  (f-strings, the JSON's own braces doubled: one string built per message,
    where a chain of + builds one per piece.)"""
    parts = []
    for e in exchanges[:-1]:  # e[0] text, e[1] tool, e[2] arguments (a Turn, or a plain tuple)
        parts.append(f'{{"role": "user", "content": {enc_str(e[0])}}}, {{"role": "assistant", "content": "", '
                     f'"tool_calls": [{{"type": "function", "function": {{"name": {enc_str(e[1])}, '
                     f'"arguments": {enc_args(e[2])}}}}}]}}')
    text, tool, args = exchanges[-1][:3]
    parts.append(f'{{"role": "user", "content": {enc_str(text)}}}')
    return f"[{', '.join(parts)}]", f'{{"name": {enc_str(tool)}, "parameters": {enc_args(args)}}}'
