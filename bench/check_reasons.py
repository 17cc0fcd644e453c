"""Check a file of reason-built stories before it joins the reader's training
data (qa/reader/annotations/README.md, "Stories told through causes and
reactions"): the quotes checker's format and spans (bench/check_quotes.py),
five questions a paragraph (three answerable, two not), a reason or a
purpose in every paragraph, questions that ask why / how / what reaction.

    python3 bench/check_reasons.py FILE.jsonl    # prints "errors: 0" when clean

Standard library only: the helpers who write the stories run it outside the
project's environment.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_quotes import check, paragraph_errors  # noqa: E402

KINDS = ["direct", "paraphrase", "english", "unanswerable", "unanswerable"]
# what a paragraph must hold: a reason or a purpose, for one fact or another
CAUSE = re.compile(
    r"\b(pour|afin|car|parce|raison|cause|faute|suite|gr[aâ]ce|because|due|owing|since|"
    r"in order|so that|to)\b",
    re.I,
)
# what the questions ask: a cause, a purpose, a reaction, a means, a condition, an effect
ASKS = re.compile(
    r"pourquoi|comment|raison|r[ée]ag|r[ée]action|r[ée]pon|cons[ée]quen|effet|condition|moyen|"
    r"mani[èe]re|motif|cause|pouss|conduit|justifi|objectif|but\b|why|how\b|reason|react|"
    r"respon|consequen|effect|means|prompt|motiv|purpose|justif|led\b|aim\b",
    re.I,
)


def reason_errors(p: dict) -> list[str]:
    out = paragraph_errors(p, KINDS)
    if not CAUSE.search(p.get("context", "")):
        out.append("no reason or purpose in the paragraph (pour, car, parce que, because, to…)")
    qs = p.get("questions", [])
    if sum(bool(ASKS.search(q.get("question", ""))) for q in qs) < 4:
        out.append("at least 4 of the 5 questions must ask why / how / what reaction / effect")
    if not all(ASKS.search(q.get("question", "")) for q in qs if q.get("kind") == "unanswerable"):
        out.append("the unanswerable questions must ask why / how / what reaction / effect")
    return out


def story_errors(s: dict) -> list[str]:
    n = len(s.get("paragraphs", []))
    return [] if n == 12 else [f"a story has 12 paragraphs (3 articles of 4), not {n}"]


if __name__ == "__main__":
    sys.exit(check(sys.argv[1], reason_errors, story_errors))
