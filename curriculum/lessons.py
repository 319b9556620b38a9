"""Lessons: the required sections, and running every ```python block.

Every ```python block of a lesson runs as written, in order, in one namespace
per lesson, in a fresh interpreter (so one lesson cannot break another).

    python -m curriculum.lessons curriculum/lessons/python_gym/day01_counter.md
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REQUIRED_SECTIONS = ("目标", "背景", "核心概念", "常见陷阱", "练习", "延伸阅读")

_FENCE = re.compile(r"^```(\w[\w+-]*)?\s*$")


@dataclass(frozen=True)
class CodeBlock:
    line: int  # 1-based line of the first code line in the Markdown file
    code: str


def python_blocks(markdown: str) -> list[CodeBlock]:
    """The ```python blocks of a Markdown text, with their starting lines.

    ``python_blocks("x\\n```python\\nprint(1)\\n```\\n") -> [CodeBlock(line=3, code='print(1)\\n')]``
    """
    blocks: list[CodeBlock] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i].strip())
        if m and lines[i].startswith("```"):
            lang = (m.group(1) or "").lower()
            start = i + 1
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                i += 1
            if lang == "python":
                blocks.append(CodeBlock(line=start + 1, code="\n".join(lines[start:i]) + "\n"))
        i += 1
    return blocks


def missing_sections(markdown: str) -> list[str]:
    """Required ``## `` sections absent from the lesson, or present out of order."""
    found = [line[3:].strip() for line in markdown.splitlines() if line.startswith("## ")]
    missing = [s for s in REQUIRED_SECTIONS if s not in found]
    present = [s for s in found if s in REQUIRED_SECTIONS]
    if not missing and present != [s for s in REQUIRED_SECTIONS if s in present]:
        return ["(sections out of order: " + " → ".join(present) + ")"]
    return missing


_RUNNER = r"""
import json, sys, traceback
blocks = json.loads(sys.stdin.read())
ns = {"__name__": "__lesson__"}
for block in blocks:
    try:
        exec(compile(block["code"], f"{block['path']}:block@{block['line']}", "exec"), ns)
    except BaseException as e:
        print("LESSON-BLOCK-FAILED", block["line"], file=sys.stderr)
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        sys.exit(1)
"""


@dataclass(frozen=True)
class LessonRun:
    path: str
    ok: bool
    blocks: int
    failed_line: int | None = None
    error: str = ""


def run_lesson(path: Path, *, cwd: Path | None = None, timeout: float = 120.0) -> LessonRun:
    """Run all ```python blocks of one lesson in a fresh interpreter."""
    path = Path(path)
    blocks = python_blocks(path.read_text(encoding="utf-8"))
    if not blocks:
        return LessonRun(str(path), True, 0)
    payload = json.dumps([{"code": b.code, "line": b.line, "path": path.name} for b in blocks])
    env = {**__import__("os").environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _RUNNER],
            input=payload,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return LessonRun(str(path), False, len(blocks), None, f"timed out after {timeout:.0f} s")
    if proc.returncode == 0:
        return LessonRun(str(path), True, len(blocks))
    m = re.search(r"LESSON-BLOCK-FAILED (\d+)", proc.stderr)
    lines = [line for line in proc.stderr.strip().splitlines() if not line.startswith("LESSON-BLOCK-FAILED")]
    tail = "\n".join(lines[-8:])
    return LessonRun(str(path), False, len(blocks), int(m.group(1)) if m else None, tail)


if __name__ == "__main__":
    status = 0
    for arg in sys.argv[1:]:
        text = Path(arg).read_text(encoding="utf-8")
        result = run_lesson(Path(arg))
        gaps = missing_sections(text)
        print(f"{arg}: {result.blocks} python blocks, " + ("ok" if result.ok else f"FAILED at line {result.failed_line}"))
        if gaps:
            print("  missing sections: " + ", ".join(gaps))
        if not result.ok:
            print(result.error)
        status |= (not result.ok) or bool(gaps)
    sys.exit(status)
