"""Question -> `Answer`: retrieve, read, cite the sentence that holds the answer, or abstain.

The offline default is extractive: quoting the article keeps every claim
checkable. The trained reader (qa/reader/) reads the question with each
passage of the reading list and returns the span that answers it ("152 mm")
and a margin (best span minus the null answer). The answer is

    <span> — <the sentence holding it> [1] (+ at most two sentences of other
    passages, only when each adds a different fact)

and abstains when the question asks for a kind of fact (a count, a date, a
city...) that no pick gives (`_typed`), or when the calibrated confidence of
the best margin is below `abstain_threshold` (docs/answers.md says how it was
calibrated).
`QA_READER=none` falls back to the hand-weighted sentence scorer
(qa/scorer.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from . import (
    answertype,
    compare,
    dating,
    descriptions,
    enumeration,
    hops,
    joins,
    passagecheck,
    scorer,
    speakers,
)
from .analyze import analyze, fold
from .chunk import split_sentences
from .config import Settings
from .ingest import metadata_line
from .lang import detect_language
from .reader import Reading, load_reader
from .reader.spans import normalize
from .retrieve import Filters, Retriever
from .types import Answer, AnswerSentence, Citation, Hit


class QuestionError(ValueError):
    """An unusable question; the message is one line for the user."""


def check_question(question: str, settings: Settings) -> str:
    q = " ".join((question or "").split())
    if not q:
        raise QuestionError("the question is empty")
    if len(q) > settings.max_question_chars:
        raise QuestionError(
            f"the question is {len(q)} characters long; the limit is {settings.max_question_chars}"
        )
    if not re.search(r"[^\W_]", q):
        raise QuestionError("the question has no words")
    return q


ABSTAIN = {
    "fr": "Je n'ai pas trouvé de passage qui réponde à cette question dans les articles indexés.",
    "en": "I could not find a passage that answers this question in the indexed articles.",
}
EN_FRAME = "According to the articles (quoted in French): "

# A second or third sentence joins the answer only when the reader is this
# sure of it too, its score (the margin with the place prior below) is within
# EXTRA_MARGIN_GAP of the best one's, and its span is a fact the answer does
# not already hold. The reader is overconfident: without the gap, extras cited
# passages that did not hold the answer about one time in four (docs/answers.md).
EXTRA_CONFIDENCE = 0.9
EXTRA_MARGIN_GAP = 1.0
# Which passage to quote: the reader's margin minus PLACE_PRIOR * ln(1 + its
# place in the reading list), so retrieval's order breaks near-ties the
# reader cannot. Fitted on the six development sets (answerable questions
# whose quote holds the gold span: 0 -> 75.4%, 1.5-2 -> 78.8%); on PIAF
# validation, never used to fit it, 62.9% -> 64.1% (bench/passage_choice.py).
# Abstention reads the best margin among the picks, as calibrated.
PLACE_PRIOR = 2.0
# Kinds the gate prefers: a pick of that kind goes first and the others are
# dropped; if none is, a pick whose sentence holds one measure of the kind
# answers with it (`_measured`), since on an AVX2 CPU the soup quoted
# "artillerie" before "152 mm" for "quel calibre". No measure at all is a
# reason to abstain: "quel est le calibre des obus livrés à Wagner" was
# answered "une livraison d'armes".
PREFERRED = frozenset({"calibre"})
# "Besides North Korea, which country…": the reader's best span is often what
# the question sets aside. Such a span gives way to the passage's next one
# that passes the gate, if the reader scored it within this much of the best.
# Only for these questions: for all, next spans answered more unanswerable
# questions than they saved (docs/answers.md, "alternative spans").
ALTERNATIVE_GAP = 2.0
# The kinds whose refused span gives way the same way, when its kind is all
# the gate refuses it for: "combien de formes" read "longue" before "trois",
# "quand, par rapport à mars" read "En mars" before "à la fin de l'année
# dernière". For the other kinds a next span of the asked kind answered more
# unanswerable questions than it saved (docs/answers.md, thirty-sixth round).
GIVES_WAY = frozenset({"count", "when"})
# The kinds a sentence states in words a pattern finds ("jeudi", "en mars",
# "23h23"): when the reader's span is another fact of a sentence that states
# one such, that one is the span (`_stated`; the outlet of "quelle chaîne a
# rapporté…" too). A date or a year has its own ways (`_relative_year`).
STATED = frozenset({"day", "month", "time"})
# A question that joins two facts (qa/joins.py) looks for the span both its
# halves read among each half's best spans, of all its passages, this many.
JOIN_SPANS = 12


@dataclass(frozen=True)
class Pick:
    """A sentence the answer quotes, from `hit`, with the span found in it."""

    hit: Hit
    sentence: str
    span: str = ""
    start: int = -1  # the span's character offsets in hit.chunk.text
    end: int = -1
    confidence: float = 0.0
    margin: float = 0.0  # the reader's margin for this passage (calibration reads it)
    # the passage's next spans, as picks, for the type gate (`_typed`)
    others: tuple[Pick, ...] = ()


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) of `text` that hold the characters start..end."""
    bounds = [(s, e) for s, e in split_sentences(text) if s < end and e > start]
    if not bounds:
        return text.strip()
    return text[bounds[0][0] : bounds[-1][1]].strip()


def _same_fact(a: Pick, chosen: list[Pick]) -> bool:
    """The span is already said, or the sentence nearly repeats a chosen one
    (a duplicate passage)."""
    terms = frozenset(analyze(a.sentence))
    return any(
        a.sentence == c.sentence
        or (a.span and normalize(a.span) in normalize(c.sentence))
        or scorer.too_similar(terms, frozenset(analyze(c.sentence)))
        for c in chosen
    )


# "Quel jour de la semaine" asks for a weekday; its word "semaine" drew the
# reader to "quelques semaines" in four of five such questions of the sets.
_WEEK = re.compile(r"\b(jour) de la semaine\b|\b(day) of the week\b", re.I)


def for_reader(query: str) -> str:
    """The question as the reader reads it: without words that only restate
    the kind of answer and lure it to a look-alike ("de la semaine"), nor
    the outlet it is asked of (`passagecheck.without_outlet`)."""
    return _WEEK.sub(lambda m: m.group(1) or m.group(2), passagecheck.without_outlet(query))


def read_passages(reader, query: str, hits: list[Hit], settings: Settings):
    """(picks best first, confidence of the best) from the reader."""
    readings: list[Reading] = reader.read(for_reader(query), [h.chunk.text for h in hits])
    score, order = _ranked(readings)
    listed = _listed(reader, query, hits, readings, order)
    if listed:
        return listed, _stands_on(listed)
    # the only questions `_typed` reads others for
    with_others = answertype.sets_aside(query) or answertype.asked(query) in (*GIVES_WAY, "why")
    picks: list[Pick] = []
    for i in order:
        r = readings[i]
        if not r.found or (picks and reader.confidence(r.margin) < EXTRA_CONFIDENCE):
            break
        if picks and score[i] < score[order[0]] - EXTRA_MARGIN_GAP:
            break
        p = _whole_list(_pick(reader, hits[i], r, with_others), query)
        if picks and _same_fact(p, picks):
            continue
        picks.append(p)
        if len(picks) >= settings.max_answer_sentences:
            break
    further = _further(reader, query, hits, readings, order, picks)
    return picks + further, _stands_on(picks)


def _ranked(readings: list[Reading]) -> tuple[list[float], list[int]]:
    """Each passage's score (the margin less the place prior) and the
    passages' indices, best first."""
    score = [r.margin - PLACE_PRIOR * math.log1p(place) for place, r in enumerate(readings)]
    return score, sorted(range(len(readings)), key=lambda i: -score[i])


def _whole_list(p: Pick, query: str) -> Pick:
    """The pick's span widened to the whole list of countries it is part of,
    for "quels pays / which countries" (qa/enumeration.py `whole_list`)."""
    text = p.hit.chunk.text
    whole = enumeration.whole_list(query, text, p.start, p.end)
    if whole is None:
        return p
    s, e = whole
    return replace(p, span=text[s:e], start=s, end=e, sentence=sentence_around(text, s, e))


def _listed(reader, query, hits, readings, order) -> list[Pick]:
    """For "quel pays est cité juste avant l'Australie / en dernier / which
    Asian country", the item(s) of the best read passage's list of countries
    (qa/enumeration.py), with that passage's margin; [] when no list read
    has them. The reader alone quoted the country that opens another
    sentence ("En Norvège") or the list's first item."""
    position = enumeration.asked_position(query)
    if position is None:
        return _nth(reader, query, hits)
    for i in order:
        text, margin = hits[i].chunk.text, readings[i].margin
        item = enumeration.item_in(position, query, text)
        if item is not None:
            s, e = item
            sent = sentence_around(text, s, e)
            return [Pick(hits[i], sent, text[s:e], s, e, reader.confidence(margin), margin)]
    return []


def _nth(reader, query, hits) -> list[Pick]:
    """For "des deux effets …, lequel est cité en premier / which one is
    listed last", the item at that place of the list the reader reads when
    asked for the whole list (`enumeration.as_list_question`), in one of the
    three best read passages; [] when the question asks no place or no span
    there is a list. Asked for one item, the reader quoted a sentence with
    no list in it (blind41 q03)."""
    n = enumeration.asked_item(query)
    if n is None:
        return []
    readings = reader.read(
        for_reader(enumeration.as_list_question(query)), [h.chunk.text for h in hits]
    )
    for i in _ranked(readings)[1][:3]:
        r, text = readings[i], hits[i].chunk.text
        item = enumeration.nth_item(text, r.start, r.end, n) if r.found else None
        if item is not None:
            s, e = item
            sent = sentence_around(text, s, e)
            return [Pick(hits[i], sent, text[s:e], s, e, reader.confidence(r.margin), r.margin)]
    return []


def _pick(reader, hit: Hit, r: Reading, with_others: bool) -> Pick:
    others = tuple(
        Pick(
            hit,
            sentence_around(hit.chunk.text, o.start, o.end),
            o.text,
            o.start,
            o.end,
            reader.confidence(o.margin),
            o.margin,
        )
        for o in (r.others if with_others else ())
        if o.margin >= r.margin - ALTERNATIVE_GAP
    )
    sent = sentence_around(hit.chunk.text, r.start, r.end)
    return Pick(hit, sent, r.text, r.start, r.end, reader.confidence(r.margin), r.margin, others)


def _further_fit(query: str):
    """What a pick must be for the questions whose answer is often a passage or
    two below the topic's best ones, or None: the span a kind the gate
    prefers asks for ("quel est le calibre": the 152 mm passage, fourth in
    the fused list, was never among the picks for "le calibre des obus
    livrés par la Corée du Nord"), or a sentence about what a description
    question describes ("comment Kirby a-t-il qualifié les lettres")."""
    asked = answertype.asked(query)
    if asked in PREFERRED:
        return lambda p: answertype.span_fits(asked, p.span, query)
    if passagecheck.asks_qualifier(query):
        return lambda p: not passagecheck.unrelated_qualifier(query, p.sentence)
    return None


def _further(reader, query, hits, readings, order, picks) -> list[Pick]:
    """The best confident passage's pick that `_further_fit` asks for, when no
    pick is one: the margin gap keeps the picks to the best passage's
    neighbours."""
    fits = _further_fit(query)
    if fits is None or any(fits(p) for p in picks):
        return []
    for i in order:
        r = readings[i]
        if r.found and reader.confidence(r.margin) >= EXTRA_CONFIDENCE:
            p = _pick(reader, hits[i], r, False)
            if fits(p):
                return [p]
    return []


def _stands_on(picks: list[Pick]) -> float:
    """The confidence an answer stands on: its most confident pick's. One
    definition for the reader's picks, the gate's and calibrate_reader.py."""
    return max((p.confidence for p in picks), default=0.0)


@dataclass(frozen=True)
class Asks:
    """What a question asks, as the gate's checks read it: once a question."""

    kind: str  # the hard gate's kind for the sentence (`answertype.expected`)
    asked: str  # what the span must be (`answertype.asked`), unless only preferred
    preferred: str  # a kind whose spans go first (`PREFERRED`: "calibre")
    figures: frozenset[str]
    actors: frozenset[str]
    recipients: frozenset[str]
    reactors: tuple[str, ...]
    reacting: bool  # the reaction is asked by its verb (`passagecheck.asks_reacting`)
    aim: bool  # "dans quel but / to what end" (`answertype.asks_aim`)
    sequence: bool
    words_of: tuple[str, ...]
    words_nations: frozenset[str]  # "qu'a déclaré le ministre chinois…"
    complement: answertype.Complement | None
    outcome: bool
    result: bool
    about_article: bool
    negated: bool
    named: str
    speaker: str  # the person a question opens with ("Selon Stoltenberg,")
    nation: bool  # the role, body or city asked is one nation's


def asks(query: str) -> Asks:
    kind, asked = answertype.expected(query), answertype.asked(query)
    preferred = asked if asked in PREFERRED else ""
    actors, reactors = passagecheck.actors(query), tuple(passagecheck.reactors(query))
    if asked in ("count", "paid", "sum", "share") or kind == "money":
        actors |= passagecheck.givers(query)  # "le montant de l'aide norvégienne"
    return Asks(
        kind=kind,
        asked="" if preferred else asked,
        preferred=preferred,
        figures=frozenset(answertype.figures(query)),
        actors=frozenset(actors),
        recipients=frozenset(passagecheck.recipients(query) - actors),
        reactors=reactors,
        reacting=bool(reactors) and passagecheck.asks_reacting(query),
        aim=answertype.asks_aim(query),
        sequence=passagecheck.asks_sequence(query),
        words_of=tuple(passagecheck.words_asked_of(query)),
        words_nations=passagecheck.words_of_nations(query),
        complement=answertype.role_complement(query),
        outcome=passagecheck.asks_outcome(query)
        and (asked in ("count", "paid", "sum") or kind == "money"),
        result=passagecheck.asks_result(query),
        about_article=passagecheck.about_the_article(query),
        negated=passagecheck.asks_negated(query),
        named=passagecheck.named_kind(query),
        speaker=passagecheck.according_to(query),
        nation=answertype.nation_asked(asked, query),
    )


def _denial(a: Asks, p: Pick) -> str:
    """Where a denial must be: the sentence; for "qui ne voulait pas…", the
    next one too, which tells what the person named did not ("Il a déclaré
    que même s'il ne voulait pas…")."""
    text = p.hit.chunk.text if p.hit is not None else ""
    at = text.find(p.sentence)
    if a.asked not in ("person", "holder") or at < 0:
        return p.sentence
    rest = [b for b in split_sentences(text) if b[0] >= at + len(p.sentence)]
    return p.sentence + (" " + text[rest[0][0] : rest[0][1]] if rest else "")


def refusals(p: Pick, query: str, a: Asks) -> Iterator[str]:
    """The names of the gate's checks the pick fails, in the gate's order and
    lazily: `_typed` stops at the first, bench/gate_replay.py lists them all."""
    span, sentence = p.span, p.sentence

    def passage() -> str:  # read only by the checks that need it (tests pass no hit)
        return p.hit.chunk.text

    checks = (
        ("speaker", lambda: answertype.only_speakers(span, sentence, query)),
        ("source", lambda: answertype.only_source(span, query, sentence)),
        ("setting", lambda: answertype.only_setting(span, sentence, query)),
        ("representative", lambda: answertype.represents_another(query, span, sentence)),
        ("start", lambda: answertype.no_start(query, span, sentence)),
        ("choice", lambda: answertype.not_an_option(query, span)),
        ("place for a thing", lambda: answertype.place_for_thing(query, span)),
        (
            "unsigned",
            lambda: answertype.asks_author(query) and not answertype.signs(span, passage()),
        ),
        ("name", lambda: answertype.unnamed(query, span)),
        ("purpose", lambda: not a.asked and answertype.only_purpose(query, span)),
        ("aim for a why-not", lambda: passagecheck.why_not_aim(query, span)),
        ("joined to the asked", lambda: passagecheck.joined_to_asked(query, span, sentence)),
        ("another speaker", lambda: passagecheck.another_speaker(a.speaker, sentence)),
        ("acronym", lambda: passagecheck.not_expanding(query, span)),
        ("described", lambda: answertype.only_described(query, span)),
        ("figures", lambda: bool(a.figures) and not answertype.names_numbers(a.figures, passage())),
        ("another day", lambda: passagecheck.another_day(query, sentence)),
        ("reason", lambda: passagecheck.unrelated_reason(query, sentence)),
        ("aim", lambda: a.aim and not answertype.told_as_aim(span, sentence)),
        ("condition", lambda: passagecheck.unstated_condition(query, sentence)),
        ("birth", lambda: passagecheck.unstated_birth(query, sentence)),
        (
            "pledge",
            lambda: (
                a.asked in ("count", "sum", "paid", "share")
                and passagecheck.unstated_pledge(query, sentence)
            ),
        ),
        (
            "act counted",
            lambda: a.asked == "count" and passagecheck.unstated_act(query, sentence),
        ),
        ("duration", lambda: passagecheck.duration_of_another(query, span, sentence)),
        ("motive", lambda: passagecheck.unreported_choice(query, sentence)),
        ("topic", lambda: passagecheck.unstated_topic(query, sentence)),
        (
            "yes-no names",
            lambda: (
                answertype.asks_yes_no(query) and passagecheck.unnamed_in_passage(query, passage())
            ),
        ),
        ("lag", lambda: passagecheck.other_lag(query, span, sentence)),
        ("description", lambda: passagecheck.unrelated_qualifier(query, sentence)),
        (
            "figure of another day",
            lambda: (
                a.asked in ("count", "sum", "share")
                and passagecheck.figure_of_another_day(query, span, sentence)
            ),
        ),
        (
            "specific",
            lambda: a.asked in ("", "sort", "thing") and passagecheck.vague_for(query, span),
        ),
        (
            f"sentence kind {a.kind}",
            lambda: bool(a.kind) and not answertype.fits(a.kind, sentence, query),
        ),
        (
            f"span kind {a.asked}",
            lambda: (
                bool(a.asked)
                and not answertype.span_fits(a.asked, span, query, sentence)
                and not (a.asked == "year" and _dated_year(p))
            ),
        ),
        (
            "actor",
            lambda: bool(a.actors) and not passagecheck.names_actors(a.actors, passage()),
        ),
        (
            "recipient",
            lambda: (
                bool(a.recipients)
                and (
                    not passagecheck.names_actors(a.recipients, passage())
                    or passagecheck.gives_to_others(a.recipients, sentence)
                )
            ),
        ),
        ("reaction", lambda: not all(passagecheck.names_reactor(r, sentence) for r in a.reactors)),
        (
            "reacting",
            lambda: a.reacting and not passagecheck.tells_reaction(sentence),
        ),
        ("sequence", lambda: a.sequence and not passagecheck.places_in_sequence(sentence)),
        (
            "words of",
            lambda: (
                # the chunk's context names who its unnamed quotes are by
                not all(
                    passagecheck.reports_words_of(n, sentence, p.hit.chunk.indexed_text)
                    for n in a.words_of
                )
            ),
        ),
        (
            "nation's words",
            lambda: (
                bool(a.words_nations)
                and not passagecheck.nation_speaks(a.words_nations, sentence, passage())
            ),
        ),
        ("companion", lambda: passagecheck.companion_elsewhere(query, sentence)),
        ("named kind", lambda: bool(a.named) and not passagecheck.says_kind(a.named, passage())),
        (
            "intertitle",
            lambda: (
                passagecheck.bare_line(query, span, sentence)
                and not metadata_line(sentence)
                and passagecheck.own_paragraph(sentence, passage())
            ),
        ),
        (
            "role",
            lambda: a.asked == "holder" and not answertype.presents_role(query, span, passage()),
        ),
        ("nation", lambda: a.nation and answertype.names_no_nation(passage())),
        (
            "complement",
            lambda: (
                bool(a.complement)
                and not answertype.names_complement(a.complement, sentence, passage())
            ),
        ),
        ("outcome", lambda: a.outcome and passagecheck.only_proposed(sentence)),
        ("preview", lambda: a.result and passagecheck.only_announced(sentence)),
        ("negation", lambda: a.negated and not passagecheck.negates(_denial(a, p))),
        ("article line", lambda: bool(metadata_line(sentence)) and not a.about_article),
    )
    return (name for name, fails in checks if fails())


def _dated_year(p: Pick) -> bool:
    """Does the span name a year relative to its article's date ("cette
    année" in a dispatch of June 2023)? qa/dating.py."""
    return p.hit is not None and dating.year_of(p.span, p.hit.chunk.date) is not None


def _subject(p: Pick) -> Pick | None:
    """The pick with its span cut before the verb of the clause it runs into
    ("Les gouvernements étrangers et les experts ont émis l'hypothèse…" ->
    "Les gouvernements étrangers et les experts"); None when it runs into
    none."""
    folded = fold(p.span)
    verb = answertype.CLAUSE.search(folded)
    if not verb or len(folded) != len(p.span):
        return None
    span = p.span[: verb.start()].rstrip(" ,")
    if len(span) < 3:
        return None
    return replace(p, span=span, end=p.start + len(span), others=())


def _relative_year(p: Pick) -> Pick | None:
    """The pick with the relative year its sentence writes as the span, when
    its article is dated (qa/dating.py); None otherwise."""
    if p.hit is None or not p.hit.chunk.date:
        return None
    text = p.hit.chunk.text
    at = text.find(p.sentence)
    found = dating.relative_in(p.sentence) if at >= 0 else None
    if found is None:
        return None
    start, end = at + found[0], at + found[1]
    return replace(p, span=text[start:end], start=start, end=end, others=())


def _one_in_sentence(p: Pick, found: list[tuple[int, int]]) -> Pick | None:
    """The pick with the one place `found` in its sentence (start, end) as its
    span; None when there are several or none."""
    at = p.hit.chunk.text.find(p.sentence) if len(found) == 1 else -1
    if at < 0:
        return None
    start, end = at + found[0][0], at + found[0][1]
    return replace(p, span=p.hit.chunk.text[start:end], start=start, end=end, others=())


def _measured(p: Pick, kind: str, query: str) -> Pick:
    """A calibre question answered from a sentence that holds one new measure
    although the reader's span is another fact: the measure is the span
    ("155 mm", not "1 milliard de dollars" from "Une ligne de crédits de 1
    milliard de dollars … pour des munitions de 155 mm")."""
    found = [
        (m.start(), m.start() + len(m.group(0).rstrip()))
        for m in answertype.measures(p.sentence)
        if answertype.span_fits(kind, m.group(0).strip(), query)
    ]
    return _one_in_sentence(p, found) or p


def _stated(p: Pick, kind: str, query: str) -> Pick | None:
    """A day asked of a sentence that writes one, although the reader's span
    is another fact ("un mois" of "à un mois du sommet" in a sentence about
    Thursday's meeting): that day is the span. So is the month, the time, or
    the outlet the sentence cites when the question asks which outlet
    reported ("selon un reportage de CNN", not "la Russie")."""
    sentence = p.sentence
    found = (
        answertype.outlets_in(sentence) if kind == "body" else answertype.dates_in(kind, sentence)
    )
    fitting = [
        (a, b) for a, b in found if answertype.span_fits(kind, sentence[a:b], query, sentence)
    ]
    return _one_in_sentence(p, fitting)


def _from(p: Pick, at: int) -> Pick:
    """The pick with its span's first `at` characters cut."""
    return replace(p, span=p.span[at:], start=p.start + at, others=())


def _closer_reason(p: Pick, query: str) -> Pick | None:
    """For a why-question, another span the reader read in the pick's
    passage, in a sentence that shares more of the question's words than the
    pick's does ("Pourquoi a-t-on fait évoluer les variétés de choux ?": the
    sentence on the varieties, not the one beside it); None when there is
    none. +2 cited over the sets and PIAF, none lost (forty-seventh round)."""
    asked = passagecheck.content_stems(query)

    def shared(o: Pick) -> int:
        return len(asked & passagecheck.content_stems(o.sentence))

    best = max(p.others, key=shared, default=None)
    if best is None or best.sentence == p.sentence or shared(best) <= shared(p):
        return None
    return best


def _typed(picks: list[Pick], conf: float, query: str) -> tuple[list[Pick], float]:
    """A question that names the kind of fact it wants keeps only the picks
    that give one; none left means the passages are on topic without
    answering, and the answer abstains. The checks (what the span must be,
    which country, party, speaker, day or figure the passage must name…)
    are listed in the docstrings of qa/answertype.py (the span) and
    qa/passagecheck.py (the passage), each with its function; `refusals`
    names them.

    The reader alone answered such questions with an on-topic span of
    another kind ("des ouvriers" for "combien d'ouvriers", "un mois" for "à
    quelle date"). Over the 35 used sets the gate refuses 649 of the 813
    unanswerable questions and 43 of the 904 answerable ones, most of them
    wrong reads anyway; docs/answers.md gives each check's effect, round by
    round."""
    if not picks:
        return picks, conf
    a = asks(query)
    if a.preferred:  # the measure first, else one its sentence holds, else none
        fitting = [p for p in picks if answertype.span_fits(a.preferred, p.span, query)]
        measured = (_measured(p, a.preferred, query) for p in picks)
        picks = fitting or [m for m in measured if answertype.span_fits(a.preferred, m.span, query)]

    def passes(p: Pick) -> bool:
        return next(refusals(p, query, a), None) is None

    set_aside = answertype.sets_aside(query)

    def kept_for(p: Pick) -> Pick | None:
        if a.asked == "why" and (closer := _closer_reason(p, query)) and passes(closer):
            return closer
        if not set_aside and passes(p):
            return p
        if a.asked == "person" and (subject := _subject(p)) and passes(subject):
            return subject  # "qui a supposé…" -> "Les experts", not "Les experts ont émis…"
        if a.asked == "year" and (dated := _relative_year(p)) and passes(dated):
            return dated  # "1 milliard de dollars … adoptée cette année": "cette année"
        # "what does Russia hope to strengthen": "pour renforcer X" -> "X"
        if (at := answertype.purpose_object(query, p.span)) and passes(obj := _from(p, at)):
            return obj
        stated_kind = a.asked in STATED or (a.asked == "body" and answertype.asks_media(query))
        if stated_kind and (stated := _stated(p, a.asked, query)) and passes(stated):
            return stated  # "quel jour", a sentence of Thursday's meeting: "jeudi"
        # "outre X, quel…": not X; a count or a time of the wrong kind: the
        # passage's next span that passes
        if set_aside or _refused_for_kind_alone(p, query, a):
            others = p.others if set_aside else [o for o in p.others if _another(o, p)]
            spans = (p, *others)
            # the rest of a span that leads with what is set aside tells more of it
            aside = [o for o in spans if answertype.leads_with_aside(o.span, query)]
            return next(
                (
                    o
                    for o in spans
                    if passes(o) and not answertype.echoes(o.span, query) and not _rest(o, aside)
                ),
                None,
            )
        return None

    kept = [k for k in map(kept_for, picks) if k is not None]
    return kept, _stands_on(kept)


def _rest(o: Pick, picks: list[Pick]) -> bool:
    """Is `o` the rest of one of `picks`: starting inside it, ending after it?"""
    return any(o.hit is q.hit and q.start <= o.start < q.end < o.end for q in picks)


def _another(o: Pick, p: Pick) -> bool:
    """The next span `o` is another than the refused `p`, or `p` completed by
    a word or two ("un nombre" -> "un nombre important"), not `p` with a
    clause more ("une grande quantité de munitions et détruit un nombre
    important", which a vague quantity deep inside let pass)."""
    holds = 0 <= o.start <= p.start and o.end >= p.end
    return not holds or len(o.span.split()) - len(p.span.split()) <= 2


def _refused_for_kind_alone(p: Pick, query: str, a: Asks) -> bool:
    """The gate refuses the pick only because its span is not of the asked
    kind, one of `GIVES_WAY`."""
    return (
        a.asked in GIVES_WAY
        and bool(p.others)
        and list(refusals(p, query, a)) == [f"span kind {a.asked}"]
    )


def _told_clause(p: Pick) -> Pick:
    """For a question asking whether someone told: the pick's span is the
    clause telling what was not ("n'a pas précisé le mode de transport ni
    si …"), the fact the chat marks, not the reader's span inside it."""
    found = answertype.not_told(p.sentence)
    at = p.hit.chunk.text.find(p.sentence) if found else -1
    if at < 0:
        return p
    start, end = at + found[0], at + found[1]
    return replace(p, span=p.hit.chunk.text[start:end], start=start, end=end)


def compose(question, lang, picks: list[Pick], hits, query, conf) -> Answer:
    if picks and answertype.asks_if_told(question):
        picks = [_told_clause(picks[0]), *picks[1:]]
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for p in picks:
        cid = p.hit.chunk.chunk_id
        if cid not in numbers:
            numbers[cid] = len(numbers) + 1
            citations.append(
                Citation(
                    n=numbers[cid],
                    hit=p.hit,
                    sentence=p.sentence,
                    span=p.span,
                    start=p.start,
                    end=p.end,
                )
            )
        sentences.append(
            AnswerSentence(text=p.sentence, n=numbers[cid], supported=True, support=p.confidence)
        )
    if lang == "en":
        body = EN_FRAME + " ".join(f"“{s.text}” [{s.n}]" for s in sentences)
    else:
        body = " ".join(f"{s.text} [{s.n}]" for s in sentences)
    lead = picks[0] if picks else None
    # the short answer first, unless it is (nearly) the whole sentence already
    # or the question asks yes or no, or whether someone told (the sentence
    # answers it: "n'a pas précisé le mode de transport", not a fact of it)
    if (
        lead
        and lead.span
        and len(lead.span) < 0.8 * len(lead.sentence)
        and not answertype.asks_yes_no(question)
        and not answertype.asks_if_told(question)
    ):
        body = f"{dating.lead(lead.span, lead.hit.chunk.date, lang)} — {body}"
    return Answer(
        question=question,
        answer=body,
        abstained=False,
        citations=tuple(citations),
        sentences=tuple(sentences),
        hits=tuple(hits),
        language=lang,
        query=query,
        confidence=conf,
    )


def _reading_list(retriever, got, query, settings, mode, filters) -> list[Hit]:
    """The passages the answerer reads: the fused top ones, plus dense's own
    top ones. Fusion ranks the right article well but can push the passage
    that answers a paraphrase below BM25's word matches (docs/retrieval.md);
    the reader then chooses. Costs one more FAISS search."""
    n = settings.answer_passages
    hits = list(got.hits[:n])
    if (mode or settings.mode) in ("hybrid", "rerank"):
        dense = retriever.retrieve(
            query, k=n, mode="dense", filters=filters, query_vector=got.query_vector, data=got.data
        ).hits
        seen = {h.chunk.chunk_id for h in hits}
        hits += [h for h in dense if h.chunk.chunk_id not in seen]
    if (
        _further_fit(query) is not None
        or enumeration.asked_position(query)
        or enumeration.asked_item(query) is not None
    ):
        # a measure, the sentence about what a description question describes
        # (`_further`) or the list a question asks a place in (`_listed`) is
        # often a passage or two further down: read the rest of the top k too
        seen = {h.chunk.chunk_id for h in hits}
        hits += [h for h in got.hits if h.chunk.chunk_id not in seen]
    return hits


def choose_picks(query, lang, got, retriever, settings, mode=None, filters=None):
    """(the sentences the answer quotes, the confidence it stands on) for the
    retrieval `got`: reader + type gate, or the fallback scorer. The one path
    `qa ask` and bench/calibrate_reader.py both take."""
    reader = load_reader(settings.reader)
    reading = _reading_list(retriever, got, query, settings, mode, filters)
    if not reading:
        return [], 0.0
    if reader is None:
        chosen, conf = scorer.choose(query, lang, got, reading, settings)
        return [Pick(c.hit, c.text, confidence=conf) for c in chosen], conf
    picks, conf = read_passages(reader, query, reading, settings)
    return _typed(attributed(picks, query), conf, query)


def read_spans(query, got, retriever, settings, mode=None, filters=None) -> list[Pick]:
    """Every span the reader finds in the reading list of `got`, with each
    passage's next spans, best first, ungated; [] without a reader."""
    reader = load_reader(settings.reader)
    reading = _reading_list(retriever, got, query, settings, mode, filters)
    if reader is None or not reading:
        return []
    readings = reader.read(for_reader(query), [h.chunk.text for h in reading])
    spans = [
        _pick(reader, hit, x, with_others=False)
        for hit, r in zip(reading, readings)
        for x in (r, *r.others)
        if x.found
    ]
    return sorted(spans, key=lambda p: -p.margin)


def attributed(picks: list[Pick], query: str) -> list[Pick]:
    """For a question that asks who said something, each pick's span is the
    speaker of its sentence (qa/speakers.py) when the reader read another
    name: "Reznikov" inside "'Le ministre Reznikov…', a-t-il expliqué" is
    not who said it."""
    if not speakers.asks_speaker(query):
        return picks
    out = []
    for p in picks:
        who = speakers.of_sentence(p.hit.chunk.text, p.sentence)
        if who and not (p.start <= who[1] < p.end or who[1] <= p.start < who[2]):
            p = replace(p, span=who[0], start=who[1], end=who[2], others=())
        out.append(p)
    return out


def extractive_answer(
    question: str,
    retriever: Retriever,
    settings: Settings | None = None,
    filters: Filters | None = None,
    mode: str | None = None,
    k: int | None = None,
    query: str | None = None,
) -> Answer:
    settings = settings or retriever.settings
    question = check_question(question, settings)
    query = check_question(query, settings) if query else question
    lang = detect_language(question)
    k = k or settings.k

    def retrieve(q: str):
        return retriever.retrieve(q, k=max(k, settings.answer_passages), mode=mode, filters=filters)

    def read(q: str):
        got = retrieve(q)
        picks, conf = choose_picks(q, lang, got, retriever, settings, mode, filters)
        stands = bool(picks) and conf >= settings.abstain_threshold
        return got, (picks if stands else []), conf

    def spans_of(q: str) -> list[Pick]:
        return read_spans(q, retrieve(q), retriever, settings, mode, filters)[:JOIN_SPANS]

    compared = _compared(query, read)
    if compared is not None:
        got, picks, conf, asked = compared
        return compose(question, lang, picks, got.hits[:k], asked, conf)
    # a question that names someone by a description asks the description
    # first: read at once, it was answered with the description's own facts
    # (the 41 sets: two wrong answers cited, none worse; docs/answers.md)
    second = _second_hop(query, read)
    if second is not None:
        hop_got, hop_picks, hop_conf, hop_query = second
        return compose(question, lang, hop_picks, hop_got.hits[:k], hop_query, hop_conf)
    got, picks, conf = read(query)
    # a description the second hop could not ask on its own: the question is
    # read without it too, and the reading the reader is surer of answers
    # (read with it, blind50's answers came from the description's passage)
    short = descriptions.reduced(query)
    if short is not None:
        short_got, short_picks, short_conf = read(short.question)
        fits = bool(short_picks) and short.fits(short_picks[0].span, short_picks[0].hit.chunk.text)
        if fits and (not picks or (short_conf > conf and not short.scene)):
            return compose(
                question, lang, short_picks, short_got.hits[:k], short.question, short_conf
            )
    if picks:
        joined = _joined(query, picks, settings, spans_of)
        picks, conf = joined or (picks, conf)
    if not picks:
        return Answer(
            question=question,
            answer=ABSTAIN[lang],
            abstained=True,
            hits=tuple(got.hits[:k]),
            language=lang,
            query=query,
            confidence=conf,
        )
    return compose(question, lang, picks, got.hits[:k], query, conf)


@dataclass(frozen=True)
class _OptionRead:
    """One option of a comparison, read alone."""

    option: str
    asked: str
    got: object  # the retrieval, for the hits shown
    pick: Pick
    confidence: float

    def told(self) -> compare.Told:
        p = self.pick
        return compare.Told(p.span, p.sentence, p.hit.chunk.date, p.hit.chunk.doc_id)


def _compared(query: str, read):
    """For a question that compares two options ("… le plus élevé : A ou
    B ?", qa/compare.py): (retrieval, picks, confidence, query) of the winning
    option's reading, its sentence first and the other option's cited after;
    None when the question compares nothing or the readings cannot be told
    apart, and the question is read as asked."""
    c = compare.split(query)
    if c is None:
        return None
    readings = []
    for option in c.options:
        asked = c.asked(option)
        got, picks, conf = read(asked)
        if not picks:
            return None
        readings.append(_OptionRead(option, asked, got, picks[0], conf))
    first = compare.first_wins(c, readings[0].told(), readings[1].told())
    if first is None:
        return None
    win, lose = readings if first else readings[::-1]
    got, asked, conf = win.got, win.asked, min(win.confidence, lose.confidence)
    picks = [win.pick] if lose.pick.sentence == win.pick.sentence else [win.pick, lose.pick]
    if c.who:
        asked = c.holder(win.option)
        got, who, who_conf = read(asked)
        if not who:
            return None
        conf = min(conf, who_conf)
        picks = [who[0], *(p for p in picks if p.sentence != who[0].sentence)]
    return got, picks, conf, asked


def _second_hop(query: str, read):
    """For a question that names someone by a description ("… le dirigeant
    qui a obtenu de Biden une aide de 325 millions ?", qa/hops.py):
    (retrieval, picks, confidence, query) of the question asked again with
    the name the description finds, the sentence that finds it cited after
    the answer's; or None. The splits are tried in order."""
    for split in hops.splits(query):
        _, found, _ = read(split.first)
        name = hops.name_in(found[0].span) if found else None
        if name is None:
            continue
        then = split.then(name)
        got, picks, conf = read(then)
        if not picks:
            continue
        who = found[0]
        if all(p.sentence != who.sentence for p in picks):
            picks = [*picks, who]
        return got, picks, conf, then
    return None


def _joined(query: str, picks: list[Pick], settings: Settings, spans_of):
    """For a question that joins two facts ("… à la fois dans A et dans B ?",
    qa/joins.py): (picks, confidence) of a span both halves read, each
    above the abstention threshold and through the gate of its half, its
    sentence and the other half's cited; None when the answer read whole is
    one both halves read too, or when no span joins them."""
    join = joins.split(query)
    if join is None:
        return None
    halves = [(half, spans_of(half)) for half in (join.first, join.second)]
    if all(any(joins.agree(picks[0].span, s.span) for s in spans) for _, spans in halves):
        return None
    (first, spans_a), (second, spans_b) = halves
    best = None
    for a in spans_a:
        for b in spans_b:
            low = min(a.confidence, b.confidence)
            if low < settings.abstain_threshold or (best and low <= best[0]):
                continue
            if not joins.agree(a.span, b.span):
                continue
            lead, half, other = (a, first, b) if a.margin >= b.margin else (b, second, a)
            kept, _ = _typed(attributed([lead], half), lead.confidence, half)
            if kept:
                best = (low, kept[0], other)
    if best is None:
        return None
    low, lead, other = best
    return ([lead] if other.sentence == lead.sentence else [lead, other]), low
