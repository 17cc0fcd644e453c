"""Check a file of quote-built stories before it joins the reader's training
data (qa/reader/annotations/README.md, "Stories told through what people
said"): format, kinds in order, answers exact and short, a direct quote in
every paragraph, nothing on the seeds' story.

    python3 bench/check_quotes.py FILE.jsonl    # prints "errors: 0" when clean

Standard library only: the helpers who write the stories run it outside the
project's environment.
"""

from __future__ import annotations

import json
import re
import sys

KINDS = ["direct", "paraphrase", "english", "unanswerable"]
# the seeds' story and its people: the blind sets must stay blind to the training text
# (at a word's start: "russe", "Russia", "nord-coréen", but not "Brussels" or "senators")
FORBIDDEN = re.compile(
    r"\b(cor[ée]e|korea|russ|ukrain|otan|nato|kiev|kyiv|moscou|moscow|pyongyang|s[ée]oul|"
    r"kremlin|poutine|putin|zelensk|stoltenberg|kirby|milley)",
    re.I,
)


def _question_errors(q: dict, ctx: str) -> list[str]:
    text, ans = q.get("question", ""), q.get("answer")
    out = []
    if not text.strip().endswith("?"):
        out.append(f"question must end with ?: {text[:60]}")
    if q.get("lang") not in ("fr", "en"):
        out.append("lang fr|en")
    if FORBIDDEN.search(text):
        out.append("forbidden word in question")
    if q.get("kind") == "english" and q.get("lang") != "en":
        out.append("english question must have lang en")
    if q.get("kind") == "unanswerable":
        if ans is not None:
            out.append("unanswerable answer must be null")
    elif not ans or ans not in ctx:
        out.append(f"answer not an exact substring: {str(ans)[:60]!r}")
    elif len(ans) > 120:
        out.append("answer over 120 characters")
    elif ans.lower() in text.lower():
        out.append("the question contains its answer")
    return out


def paragraph_errors(p: dict, kinds: list[str] = KINDS) -> list[str]:
    """What any written paragraph must be: its fields, its length, off the
    seeds' story, its questions of `kinds` in order, each answer exact."""
    out = [
        f"missing {k}" for k in ("source", "headline", "lang", "context", "questions") if k not in p
    ]
    ctx = p.get("context", "")
    words = len(ctx.split())
    if not 60 <= words <= 200:
        out.append(f"{words} words (60-200)")
    if FORBIDDEN.search(ctx):
        out.append(f"forbidden subject word {FORBIDDEN.search(ctx).group(0)!r}")
    qs = p.get("questions", [])
    if [q.get("kind") for q in qs] != kinds:
        out.append(f"kinds must be {kinds} in order")
    for q in qs:
        out += _question_errors(q, ctx)
    return out


def _quote_errors(p: dict) -> list[str]:
    out = paragraph_errors(p)
    if len(re.findall(r"[«“\"]", p.get("context", ""))) < 2:
        out.append("no direct quote («…» or “…”)")
    return out


def check(path: str, paragraph=_quote_errors, story=lambda s: []) -> int:
    """0 when every story of `path` passes `story` and each of its paragraphs
    `paragraph` (functions returning the errors they find), else 1."""
    errors = stories = paragraphs = questions = 0
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            s = json.loads(line)
        except ValueError as e:
            print(f"line {n}: not JSON: {e}")
            errors += 1
            continue
        stories += 1
        found = [f"missing {k}" for k in ("title", "date", "paragraphs") if k not in s]
        if not re.fullmatch(r"20(19|2[0-5])-\d\d-\d\d", str(s.get("date", ""))):
            found.append("date must be YYYY-MM-DD, 2019-2025")
        if len({p.get("source") for p in s.get("paragraphs", [])}) < 3:
            found.append("a story needs articles from at least 3 outlets")
        found += story(s)
        for i, p in enumerate(s.get("paragraphs", [])):
            paragraphs += 1
            questions += len(p.get("questions", []))
            found += [f"paragraph {i}: {e}" for e in paragraph(p)]
        for e in found:
            print(f"line {n}: {e}")
        errors += len(found)
    print(f"stories: {stories}, paragraphs: {paragraphs}, questions: {questions}")
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(check(sys.argv[1]))
