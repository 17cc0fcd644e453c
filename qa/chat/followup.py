"""Follow-up questions: what to search for "Et l'Iran ?" or "Combien ?".

A short follow-up searched on its own finds nothing useful, so the chat
resolves it against the earlier user messages before searching: a named
entity is swapped into the previous question, or the follow-up is appended
to it. Heuristics on words only (no model), so they are instant and testable;
the search actually run is shown under the answer, so a wrong guess is visible.

`previous_answer` and `repeats` tell whether a follow-up's answer only says
again what the previous answer said ("Et combien ?" finding the same "152 mm"
sentence), on words too.
"""

from __future__ import annotations

import re

from ..analyze import STOPWORDS, analyze, fold

# "Et l'Iran ?", "And Iran?", "What about Iran?": the same question about something else.
_SWAP_CUE = re.compile(
    r"^\s*(?:et\s+(?:pour|concernant|quid\s+de)?|and\s+(?:for\s+)?|what\s+about|how\s+about"
    r"|quid\s+de|mais|but|aussi|also|même\s+question\s+pour|same\s+for)\b\s*",
    re.I,
)
# "Combien ?", "Pourquoi ?", "Qui l'a dit ?": asks more about the previous subject.
_MORE_CUE = re.compile(
    r"^\s*(?:combien|pourquoi|quand|comment|où|ou|qui|quoi|lequel|laquelle|lesquels"
    r"|how|why|when|where|who|what|which)\b",
    re.I,
)
_PRONOUN = re.compile(
    r"\b(?:il|elle|ils|elles|ça|cela|ceci|celui|celle|ceux|celles|lui|leur|leurs|y"
    r"|he|she|they|it|this|that|these|those|them|his|her|their)\b",
    re.I,
)
_EXTRA_STOP = {"many", "much", "about", "also", "aussi", "alors", "ok", "donc", "then"}
_ENTITY = re.compile(
    r"(?:\b(?:la|le|les|du|des|de\s+la|the)\s+|\b[lL]['’])?"
    r"[A-ZÀ-ÖØ-Þ][\w-]+(?:(?:\s+(?:du|de|des|de\s+la|d['’]|of|the)?\s*)[A-ZÀ-ÖØ-Þ][\w-]+)*"
)


def _content_terms(text: str) -> list[str]:
    return [w for w in analyze(text) if w not in _EXTRA_STOP and fold(w) not in STOPWORDS]


def _proper_nouns(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_]+", text)
    return [w for w in words[1:] if w[:1].isupper()]


def is_followup(message: str) -> bool:
    """Does `message` only make sense with the previous question?"""
    terms = _content_terms(message)
    if not terms:
        return True  # "Combien ?", "Et ?", "Pourquoi ça ?"
    names = _proper_nouns(message)
    if _SWAP_CUE.match(message) and len(terms) <= 3:
        return True
    if _MORE_CUE.match(message) and len(terms) <= 2 and not names:
        return True
    return bool(_PRONOUN.search(message) and len(terms) <= 3 and not names)


def _substitute(base: str, follow: str) -> str | None:
    """ "Et l'Iran ?" after "Que fournit la Corée du Nord à la Russie ?" gives
    "Que fournit l'Iran à la Russie ?": the first named entity of the previous
    question is swapped for the new one. None when there is nothing to swap."""
    m = _SWAP_CUE.match(follow)
    if not m:
        return None
    new = follow[m.end() :].strip().rstrip("?!. ").strip()
    if not new or not _proper_nouns("x " + new):
        return None
    for ent in _ENTITY.finditer(base):
        if ent.start() == 0:  # the question's first word is capitalised anyway
            continue
        return base[: ent.start()] + new + base[ent.end() :]
    return None


def _user_texts(history) -> list[str]:
    out = []
    for m in history or []:
        if isinstance(m, dict):
            role, content = m.get("role"), m.get("content")
        elif isinstance(m, (list, tuple)) and len(m) == 2:  # old tuple format
            out.append(_text(m[0]))
            continue
        else:
            role, content = getattr(m, "role", None), getattr(m, "content", None)
        if role == "user":
            out.append(_text(content))
    return [x for x in out if x.strip()]


def _text(content) -> str:
    """Chatbot content -> plain text (Gradio 6 gives a list of {"type","text"} blocks)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, (list, tuple)):
        return " ".join(_text(c) for c in content if not isinstance(c, (int, float)))
    return str(getattr(content, "text", "") or "")


def resolve_followup(message: str, history=None) -> str:
    """The search to run for `message` given the earlier user messages.

    A self-contained question is searched as it is. A follow-up is resolved
    against the previous question (itself resolved the same way): "Et
    l'Iran ?" swaps the named entity, "Combien ?" / "Pourquoi ?" / a
    question with a pronoun is appended to the previous question."""
    message = " ".join((message or "").split())
    base = ""  # the last self-contained (or swapped) question
    for prev in _user_texts(history):
        prev = " ".join(prev.split())
        base = _resolve_one(prev, base)[1]
    return _resolve_one(message, base)[0]


def _resolve_one(message: str, base: str) -> tuple[str, str]:
    """(query, new base) for `message` after the conversation whose base is `base`."""
    if not base or not is_followup(message):
        return message, message
    swapped = _substitute(base, message)
    if swapped:
        return swapped, swapped
    m = _SWAP_CUE.match(message)
    tail = message[m.end() :] if m else message
    return f"{base} {tail.strip()}".strip(), base


def previous_answer(history) -> str:
    """The last assistant message as plain text: no markup, no [n], no note under it."""
    last = ""
    for m in history or []:
        if isinstance(m, dict) and m.get("role") == "assistant":
            last = _text(m.get("content"))
        elif isinstance(m, (list, tuple)) and len(m) == 2 and m[1]:
            last = _text(m[1])
    last = re.sub(r"<small\b.*?</small>", " ", last, flags=re.S)  # "Recherche effectuée…"
    last = re.sub(r"<[^>]+>", " ", last)
    return " ".join(re.sub(r"\[\d+\]", " ", last).split())


def _norm(text: str) -> str:
    return " ".join(fold(w) for w in re.findall(r"\w+", text.lower()))


def repeats(sentences: list[str], before: str) -> bool:
    """Do all of `sentences` say again what `before` (the previous answer) said?
    A sentence counts as said when its words appear in `before` as they are,
    or when 80 % of its content words are there."""
    said = _norm(before)
    if not said or not sentences:
        return False
    said_terms = set(_content_terms(before))
    for s in sentences:
        n = _norm(s)
        if not n:
            continue
        if n in said:
            continue
        terms = set(_content_terms(s))
        if terms and len(terms & said_terms) >= 0.8 * len(terms):
            continue
        return False
    return True
