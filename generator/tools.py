"""The file-system tool catalogue: OpenAI function schemas, exactly as the upload format documents them."""
from __future__ import annotations

import copy


def _fn(name: str, description: str, properties: dict, required: list[str]) -> dict:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


def _s(description: str) -> dict:
    return {"type": "string", "description": description}


TOOLS: dict[str, dict] = {
    t["function"]["name"]: t
    for t in [
        _fn("ls", "List the contents of the current directory.",
            {"a": {"type": "boolean", "description": "Show hidden files and directories. Defaults to False.",
                   "default": False}}, []),
        _fn("cd", "Change the current working directory to the specified folder.",
            {"folder": _s("The folder of the directory to change to.")}, ["folder"]),
        _fn("cat", "Display the contents of a file from the current directory.",
            {"file_name": _s("The name of the file to display.")}, ["file_name"]),
        _fn("mkdir", "Create a new directory in the current directory.",
            {"dir_name": _s("The name of the new directory to create.")}, ["dir_name"]),
        _fn("touch", "Create a new file in the current directory.",
            {"file_name": _s("The name of the new file to create.")}, ["file_name"]),
        _fn("rm", "Remove a file or directory.",
            {"file_name": _s("The name of the file or directory to remove.")}, ["file_name"]),
        _fn("cp", "Copy a file or directory from one location to another.",
            {"source": _s("The name of the file or directory to copy."),
             "destination": _s("The destination name to copy to.")}, ["source", "destination"]),
        _fn("mv", "Move or rename a file or directory.",
            {"source": _s("Source name of the file or directory to move."),
             "destination": _s("The destination name to move to.")}, ["source", "destination"]),
    ]
}

TOOL_NAMES: tuple[str, ...] = tuple(TOOLS)

TASK_DESCRIPTION = (
    "You are an intelligent AI assistant that helps users navigate and manage files in a file system. "
    "Given a command or request from the user, call the appropriate file system function to complete the "
    "request. Use the conversation so far to resolve references such as 'it', 'that folder' or 'go back up'."
)


def parse_tool_list(text: str | None) -> tuple[str, ...]:
    """'ls,cd,cat' -> ('ls', 'cd', 'cat') in catalogue order; raises ValueError naming an unknown tool."""
    if text is None or text.strip() == "":
        return TOOL_NAMES
    asked = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in asked if t not in TOOLS]
    if unknown:
        raise ValueError(f"unknown tool {unknown[0]!r} in --tools (known: {', '.join(TOOL_NAMES)})")
    return tuple(t for t in TOOL_NAMES if t in asked)


def job_description(tool_names: tuple[str, ...], task_description: str = TASK_DESCRIPTION) -> dict:
    return {"task_description": task_description, "tools": [copy.deepcopy(TOOLS[t]) for t in tool_names]}
