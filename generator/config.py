"""config.yaml: the training job's settings, with the model names the task supports (checked here for
`generate --student/--teacher`, and by `validate` for anyone's config.yaml)."""
from __future__ import annotations

import re


TASK = "multi-turn-tool-calling-closed-book"
KNOWN_TASKS = (TASK, "tool-calling-closed-book")
TEACHERS = ("Qwen3-235B-A22B-Instruct-2507", "Llama-3.1-405B-Instruct", "openai.gpt-oss-120b")
# Students: the Qwen3, Llama 3 (3, 3.1, 3.2, 3.3) and GPT-OSS families, with or without an org prefix.
# (Compiled by re when a student is named: most runs name none.)
_STUDENT = (r"^(?:[\w.-]+/)?(?:qwen3(?:[-_.].+)?|(?:meta-)?llama-?3(?:\.\d)?(?:[-_].+)?"
            r"|(?:openai\.)?gpt-?oss(?:[-_].+)?)$")
STUDENT_EXAMPLES = "Qwen3-0.6B, Qwen3-1.7B, Qwen3-4B, Qwen3-8B, Llama-3.2-1B-Instruct, Llama-3.2-3B-Instruct, " \
                   "Llama-3.1-8B-Instruct, gpt-oss-20b"


def check_student(name: str) -> str:
    if not re.match(_STUDENT, name.strip(), re.IGNORECASE):
        raise ValueError(f"student model {name!r} is not supported for {TASK}: use a Qwen3, Llama 3 or GPT-OSS "
                         f"model (e.g. {STUDENT_EXAMPLES})")
    return name.strip()


def check_teacher(name: str) -> str:
    if name.strip() not in TEACHERS:
        raise ValueError(f"teacher model {name!r} is not supported for {TASK}: use one of {', '.join(TEACHERS)}")
    return name.strip()


# A value YAML reads back as the same string when written bare: it starts with a letter, has none of YAML's
# punctuation, spaces or escapes, and is no word YAML 1.1 reads as a boolean or null.  Every supported model name
# and the task are such values.
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9._/-]*")
_YAML_WORDS = frozenset("y n yes no true false on off null".split())


def _bare(value: str) -> bool:
    return _BARE.fullmatch(value) is not None and value.lower() not in _YAML_WORDS


def config_yaml(student: str | None = None, teacher: str | None = None) -> str:
    base: dict = {"task": TASK}
    if student:
        base["student_model_name"] = check_student(student)
    if teacher:
        base["teacher_model_name"] = check_teacher(teacher)
    if all(_bare(v) for v in base.values()):
        # what yaml.safe_dump writes for them, without importing PyYAML (about 7% of generate's start-up)
        return "base:\n" + "".join(f"  {k}: {v}\n" for k, v in base.items())
    import yaml

    return yaml.safe_dump({"base": base}, sort_keys=False)
