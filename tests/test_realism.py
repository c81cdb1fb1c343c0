"""How human the data reads (issue 13): the figures `mtgen stats` reports, on fixed rows and on the headline
output, so quality cannot silently slide back."""
import json

from generator.realism import Figures
from helpers import mtgen


def _turns(*exchanges):
    turns = []
    for text, tool, args in exchanges[:-1]:
        turns += [{"role": "user", "content": text},
                  {"role": "assistant", "content": "", "tool_calls": [
                      {"type": "function", "function": {"name": tool, "arguments": args}}]}]
    text, tool, args = exchanges[-1]
    return turns + [{"role": "user", "content": text}], {"name": tool, "parameters": args}


def test_figures_on_fixed_rows():
    f = Figures()
    f.add(*_turns(("Please open 'notes.txt' for me", "cat", {"file_name": "notes.txt"}),
                  ("Now search it for deadline", "grep", {"file_name": "notes.txt", "pattern": "deadline"})))
    f.add(*_turns(("cp a.pdf b.pdf", "cp", {"source": "a.pdf", "destination": "b.pdf"}),
                  ("Show me photo.jpg", "cat", {"file_name": "photo.jpg"})))
    h = f.result()
    assert h["words_per_user_turn"] == (5 + 5 + 3 + 3) / 4
    assert h["quoted_name_share"] == 0.25  # 'notes.txt'
    assert h["shell_style_share"] == 0.25  # cp a.pdf b.pdf
    assert h["back_reference_share"] == 0.5  # "search it" of the two later turns
    assert h["object_continuity"] == 0.5  # notes.txt named before; photo.jpg not
    assert h["reading_calls_on_non_text"] == 1 and h["reading_calls"] == 3
    assert 0 < h["distinct_2"] <= 1 and h["token_budget"]["used"] == 10  # 5 + 5 (photo . jpg)


def test_headline_output_reads_like_people(tmp_path):
    out = tmp_path / "d"
    assert mtgen("generate", "--n", "2000", "--seed", "1", "--out", out).returncode == 0
    r = mtgen("stats", out, "--json")
    h = json.loads(r.stdout)["splits"]["train"]["human"]
    assert h["words_per_user_turn"] >= 12
    assert 0.20 <= h["quoted_name_share"] <= 0.60
    assert h["shell_style_share"] <= 0.05
    assert h["back_reference_share"] >= 0.35
    assert h["reading_calls_on_non_text"] == 0 and h["reading_calls"] > 100
    assert h["distinct_2"] >= 0.70
    # below the target (0.60) today; this floor keeps it from sliding back
    assert h["object_continuity"] >= 0.60
