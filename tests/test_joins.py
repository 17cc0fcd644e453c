"""Questions that join two facts (qa/joins.py) and the answer a span both
halves read gives them (`_joined` in qa/answer.py). Fast, no model."""

import pytest

from qa.answer import Pick, _joined
from qa.config import Settings
from qa.joins import agree, split


def test_a_joining_question_splits_where_its_second_half_repeats_the_first():
    join = split(
        "Quel type de munitions figure à la fois dans l'aide obtenue par Kiev "
        "et dans ce que Pyongyang et Moscou échangent ?"
    )
    assert join.first == "Quel type de munitions figure dans l'aide obtenue par Kiev ?"
    assert (
        join.second == "Quel type de munitions figure dans ce que Pyongyang et Moscou échangent ?"
    )
    # no repeated word: the first "et"
    plain = split(
        "Quelle institution a rendu publics à la fois les envois d'obus "
        "et l'échange de lettres entre Poutine et Kim ?"
    )
    assert plain.first == "Quelle institution a rendu publics les envois d'obus ?"
    assert (
        plain.second
        == "Quelle institution a rendu publics l'échange de lettres entre Poutine et Kim ?"
    )
    english = split("Which weapon features both in Tehran's deliveries and in the launch?")
    assert (english.first, english.second) == (
        "Which weapon features in Tehran's deliveries?",
        "Which weapon features in the launch?",
    )


@pytest.mark.parametrize(
    "question",
    [
        "Quel pays livre des obus à la Russie ?",
        "Which two leaders do both articles quote?",  # "both" without "and"
        "À la fois quoi et qui ?",  # nothing before "à la fois"
    ],
)
def test_questions_that_join_nothing(question):
    assert split(question) is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("l’ONU", "ONU", True),  # the same words, an article apart
        ("Téhéran", "l'Iran", True),  # the same nation
        ("missiles sol-sol", "un missile balistique", True),  # a word in common
        ("Pyongyang", "la Russie", False),
        ("Corée du Nord", "le programme nord-coréen de missiles", True),
        ("la Corée du Nord", "des missiles", False),  # a nation in one only
        ("armes antichar", "obus d’artillerie", False),
    ],
)
def test_spans_agree_on_words_or_nations(a, b, same):
    assert agree(a, b) is same


def _pick(span, sentence, confidence=0.9, margin=2.0):
    return Pick(hit=None, sentence=sentence, span=span, confidence=confidence, margin=margin)


_Q = (
    "Quel type de munitions figure à la fois dans l'aide obtenue par Kiev "
    "et dans ce que Pyongyang expédie ?"
)
_AID = "L'aide comprend des armes antichar et des obus d'artillerie."
_SHIPS = "Pyongyang expédie des obus d'artillerie."


def test_the_span_both_halves_read_answers_with_both_sentences():
    antitank = _pick("armes antichar", _AID, margin=5.0)
    shells_aid = _pick("obus d'artillerie", _AID, margin=3.0)
    shells = _pick("obus d'artillerie", _SHIPS, margin=4.0)
    halves = {"dans l'aide": [antitank, shells_aid], "dans ce que": [shells]}

    def spans_of(q):
        return next(spans for key, spans in halves.items() if key in q)

    picks, conf = _joined(_Q, [antitank], Settings(), spans_of)
    assert [p.span for p in picks] == ["obus d'artillerie", "obus d'artillerie"]
    assert [p.sentence for p in picks] == [_SHIPS, _AID]  # the surer half first
    assert conf == 0.9


def test_the_answer_read_whole_stays_when_both_halves_read_it():
    shells = _pick("obus d'artillerie", _SHIPS)
    assert _joined(_Q, [shells], Settings(), lambda q: [shells]) is None


def test_no_join_below_the_abstention_threshold_or_without_a_shared_span():
    antitank = _pick("armes antichar", _AID)
    unsure = _pick("obus d'artillerie", _SHIPS, confidence=0.2)
    assert _joined(_Q, [antitank], Settings(), lambda q: [unsure]) is None
    other = _pick("des drones", "Pyongyang expédie des drones.")
    spans = {True: [antitank], False: [other]}
    assert _joined(_Q, [antitank], Settings(), lambda q: spans["aide" in q]) is None
    assert _joined("Quel type de munitions ?", [antitank], Settings(), lambda q: []) is None
