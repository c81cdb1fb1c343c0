"""Export formats.  Every format turns one upload row (question turns + answer call) into one JSON line
and back again without loss; `FORMATS` maps a name to its module.  A record is (turns, answer): turns as in
the upload format's `question`, answer as `{"name", "parameters"}`."""
from __future__ import annotations

from . import bfcl, distil, messages, openai, sharegpt

FORMATS = {"distil": distil, "messages": messages, "openai": openai, "sharegpt": sharegpt, "bfcl": bfcl}
