"""config.yaml: the training job's settings, with the model names the task supports (checked here for
`generate --student/--teacher`, and by `validate` for anyone's config.yaml)."""
from __future__ import annotations

import re


TASK = "multi-turn-tool-calling-closed-book"
KNOWN_TASKS = (TASK, "tool-calling-closed-book")
TEACHERS = ("Qwen3-235B-A22B-Instruct-2507", "Llama-3.1-405B-Instruct", "openai.gpt-oss-120b")
# Students: the Qwen3, Llama 3 (3, 3.1, 3.2, 3.3) and GPT-OSS families, with or without an org prefix.
_STUDENT = re.compile(r"^(?:[\w.-]+/)?(?:qwen3(?:[-_.].+)?|(?:meta-)?llama-?3(?:\.\d)?(?:[-_].+)?"
                      r"|(?:openai\.)?gpt-?oss(?:[-_].+)?)$", re.IGNORECASE)
STUDENT_EXAMPLES = "Qwen3-0.6B, Qwen3-1.7B, Qwen3-4B, Qwen3-8B, Llama-3.2-1B-Instruct, Llama-3.2-3B-Instruct, " \
                   "Llama-3.1-8B-Instruct, gpt-oss-20b"


def check_student(name: str) -> str:
    if not _STUDENT.match(name.strip()):
        raise ValueError(f"student model {name!r} is not supported for {TASK}: use a Qwen3, Llama 3 or GPT-OSS "
                         f"model (e.g. {STUDENT_EXAMPLES})")
    return name.strip()


def check_teacher(name: str) -> str:
    if name.strip() not in TEACHERS:
        raise ValueError(f"teacher model {name!r} is not supported for {TASK}: use one of {', '.join(TEACHERS)}")
    return name.strip()


def config_yaml(student: str | None = None, teacher: str | None = None) -> str:
    import yaml  # only here: the generator's start-up is part of its speed

    base: dict = {"task": TASK}
    if student:
        base["student_model_name"] = check_student(student)
    if teacher:
        base["teacher_model_name"] = check_teacher(teacher)
    return yaml.safe_dump({"base": base}, sort_keys=False)
