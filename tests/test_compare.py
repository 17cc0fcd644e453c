"""Questions that compare two options (qa/compare.py) and the answer the
winning option's reading gives them (`_compared` in qa/answer.py). Fast, no
model."""

import pytest

from qa.answer import Pick, _compared
from qa.compare import Told, When, earlier, figure, first_wins, split, when
from qa.types import Chunk, Hit


def test_options_after_a_colon_are_asked_alone():
    c = split(
        "Lequel des deux montants est le plus élevé : l’aide militaire proposée par "
        "Joe Biden ou la ligne de crédits adoptée par l’Otan ?"
    )
    assert (c.measure, c.most, c.who) == ("amount", True, False)
    assert [c.asked(o) for o in c.options] == [
        "Quel est le montant de l’aide militaire proposée par Joe Biden ?",
        "Quel est le montant de la ligne de crédits adoptée par l’Otan ?",
    ]


def test_options_between_entre_and_et_and_the_calibre_they_are_compared_by():
    c = split(
        "Entre les obus soviétiques que Pyongyang fournirait à Moscou et les munitions "
        "visées par la ligne de crédits, lesquelles ont le plus gros calibre ?"
    )
    assert (c.measure, c.most) == ("calibre", True)
    # "de les obus" is "des obus"
    assert c.asked(c.options[0]) == (
        "Quel est le calibre des obus soviétiques que Pyongyang fournirait à Moscou ?"
    )
    assert c.asked(c.options[1]) == (
        "Quel est le calibre des munitions visées par la ligne de crédits ?"
    )


def test_a_setting_clause_is_kept_and_a_who_question_asks_the_holder():
    c = split(
        "Dans l'article sur les obus, quel mois correspond au plus ancien de ces deux "
        "événements : l'annonce sur les drones ou la reconnaissance de Donetsk ?"
    )
    assert (c.measure, c.most, c.who) == ("time", False, False)
    assert c.asked(c.options[1]) == (
        "Dans l'article sur les obus, quand a eu lieu la reconnaissance de Donetsk ?"
    )
    who = split(
        "Which of the two officials, NATO's Secretary General or the US Chairman of the "
        "Joint Chiefs, spoke earlier in the year, and what is his name?"
    )
    assert (who.measure, who.most, who.who, who.english) == ("time", False, True, True)
    assert who.options == ("NATO's Secretary General", "the US Chairman of the Joint Chiefs")
    assert who.holder(who.options[0]) == "Who is NATO's Secretary General?"


def test_options_after_a_comma():
    c = split("Which came first, Shoigu's visit to Pyongyang or Kim's trip to Russia?")
    assert (c.measure, c.most, c.english) == ("time", False, True)
    assert c.asked(c.options[1]) == "When was Kim's trip to Russia?"


def test_a_gap_between_two_events_is_asked_as_time_passed_between_them():
    c = split(
        "Quel intervalle est le plus court : celui entre l'envoi du bombardier et le tir, "
        "ou le délai entre la visite et les conclusions ?"
    )
    assert (c.measure, c.most) == ("duration", False)
    assert c.asked(c.options[0]) == (
        "Combien de temps s'est écoulé entre l'envoi du bombardier et le tir ?"
    )


@pytest.mark.parametrize(
    "question",
    [
        "Quel pays livre des obus à la Russie ?",
        "Lequel des deux chercheurs est cité en premier ?",  # no two options
        "Quel est le montant de l'aide : militaire ou humanitaire ?",  # nothing compared
        "Pourquoi Washington ne nomme-t-il pas le ou les pays de transit ?",
    ],
)
def test_questions_that_compare_nothing(question):
    assert split(question) is None


def test_a_time_is_the_span_s_else_the_sentence_s_else_the_article_s():
    assert when("en juillet", "", "2023-08-30") == When(2023, 7)
    # a month after the article's is the year before
    assert when("en novembre", "", "2023-09") == When(2022, 11)
    assert when("30 août 2023", "", "") == When(2023, 8, 30)
    assert when("mercredi", "Kirby a dit en août que…", "") == When(None, 8)
    assert when("mercredi", "Stoltenberg a plaidé mercredi", "2023-06") == When(2023, 6)
    assert when("mercredi", "Kirby a plaidé mercredi", "") is None


def test_months_of_an_undated_article_compare_only_within_it():
    july, august = When(None, 7), When(None, 8)
    assert earlier(july, august, same_article=True) is True
    assert earlier(july, august, same_article=False) is None
    assert earlier(When(2023, 6), When(2023, 6), same_article=False) is None
    assert earlier(When(2023, 8, 30), When(2023, 9), same_article=False) is True


@pytest.mark.parametrize(
    ("measure", "span", "value"),
    [
        ("amount", "13,1 milliards de dollars", 13.1e9),
        ("amount", "325 millions de dollars", 325e6),
        ("calibre", "152 mm", 152),
        ("duration", "près de deux mois", 2 * 720),
        ("duration", "quelques heures", 3),
        ("duration", "six jours", 6 * 24),
        ("amount", "une idée", None),
    ],
)
def test_figures_are_read_with_their_scale(measure, span, value):
    assert figure(measure, span) == value


def _told(span, date="", doc="a.txt", sentence=""):
    return Told(span=span, sentence=sentence, date=date, doc_id=doc)


def test_the_larger_or_the_earlier_option_wins_as_asked():
    larger = split("Which is larger: the aid package, or NATO's credit line?")
    assert first_wins(larger, _told("325 millions de dollars"), _told("1 milliard")) is False
    smaller = split("Quelle somme est la plus faible : l'aide humanitaire, ou l'aide obtenue ?")
    assert first_wins(smaller, _told("8,5 milliards"), _told("325 millions")) is False
    older = split("Quel événement est le plus ancien : l'annonce ou la reconnaissance ?")
    assert first_wins(older, _told("en août"), _told("En juillet")) is False
    # two undated articles' weekdays: no order
    assert first_wins(older, _told("mercredi"), _told("samedi", doc="b.txt")) is None
    assert first_wins(larger, _told("1 milliard"), _told("1 milliard")) is None


def _hit(doc, date):
    chunk = Chunk(
        chunk_id=f"{doc}#0", doc_id=doc, ordinal=0, text="", start=0, end=0, hash="", date=date
    )
    return Hit(chunk=chunk, score=1.0, rank=1)


def _pick(span, sentence, doc="a.txt", date="", confidence=0.9):
    return Pick(hit=_hit(doc, date), sentence=sentence, span=span, confidence=confidence)


_Q = "Lequel est le plus élevé : l'aide humanitaire ou la ligne de crédits ?"
_AID = "Biden a proposé 8,5 milliards de dollars d'aide humanitaire."
_LINE = "Une ligne de crédits de 1 milliard de dollars a été adoptée."


def test_the_winning_option_leads_and_the_other_is_cited_after_it():
    readings = {
        "humanitaire": _pick("8,5 milliards de dollars", _AID, confidence=0.8),
        "crédits": _pick("1 milliard de dollars", _LINE, doc="b.txt", confidence=0.7),
    }

    def read(q):
        p = next(p for key, p in readings.items() if key in q)
        return q, [p], p.confidence

    got, picks, conf, asked = _compared(_Q, read)
    assert [p.sentence for p in picks] == [_AID, _LINE]
    assert asked == "Quel est le montant de l'aide humanitaire ?"
    assert conf == 0.7  # the answer stands on both readings


def test_no_comparison_when_an_option_is_not_read_or_the_figures_tie():
    aid = _pick("8,5 milliards de dollars", _AID)
    assert _compared(_Q, lambda q: (q, [aid] if "humanitaire" in q else [], 0.2)) is None
    assert _compared(_Q, lambda q: (q, [aid], 0.9)) is None  # the same figure
    assert _compared("Quel pays livre des obus ?", lambda q: (q, [aid], 0.9)) is None


def test_a_who_question_leads_with_the_holder_of_the_earlier_option():
    q = "Which official spoke earlier: NATO's secretary general, or the spokesman?"
    stoltenberg = "Le secrétaire général de l'Otan, Jens Stoltenberg, a plaidé mercredi."
    kirby = "Le porte-parole John Kirby a déclaré en août que…"
    readings = {
        "When was NATO": _pick("mercredi", stoltenberg, date="2023-06"),
        "When was the spokesman": _pick("en août", kirby, doc="b.txt", date="2023-08-30"),
        "Who is NATO": _pick("Jens Stoltenberg", stoltenberg, date="2023-06"),
    }

    def read(q):
        p = next(p for key, p in readings.items() if q.startswith(key))
        return q, [p], p.confidence

    _, picks, _, asked = _compared(q, read)
    assert asked == "Who is NATO's secretary general?"
    assert [p.span for p in picks] == ["Jens Stoltenberg", "en août"]
