"""Fast unit tests of the extractive answerer's pieces (no model)."""

import pytest

from qa.answer import QuestionError, _cue, _too_similar, check_question, detect_language
from qa.config import Settings


@pytest.mark.parametrize(
    "question, sentence",
    [
        ("Combien d'obus ont été livrés ?", "Un million d'obus ont été livrés."),
        ("How many shells were sent?", "Un million d'obus, 152 mm."),
        ("On what day of the week did Kirby speak?", "John Kirby a déclaré mercredi que"),
        ("En quelle année la résolution a-t-elle été votée ?", "adoptée en 2017 par le Conseil"),
        ("Comment s'appelle le porte-parole ?", "Le porte-parole, John Kirby, a dit"),
        ("What is the name of the spokesman?", "Le porte-parole, John Kirby, a dit"),
    ],
)
def test_answer_type_cue(question, sentence):
    assert _cue(question, sentence) > 0


@pytest.mark.parametrize(
    "question, sentence",
    [
        ("Combien d'obus ont été livrés ?", "Des obus ont été livrés."),
        ("On what day did Kirby speak?", "John Kirby a parlé aux journalistes."),
        ("Pourquoi la Russie cherche-t-elle des obus ?", "Le 12 mars, John Kirby a parlé."),
    ],
)
def test_no_cue_without_the_answer_type(question, sentence):
    assert _cue(question, sentence) == 0


def test_language():
    assert detect_language("Quel calibre d'obus la Russie achète-t-elle ?") == "fr"
    assert detect_language("What calibre of shells is Russia buying?") == "en"


def test_near_duplicate_sentences_are_one_fact():
    a = frozenset("kirby dit coree nord fourni obus russie".split())
    b = frozenset("kirby dit coree nord fourni obus russie wagner".split())
    assert _too_similar(a, b)
    assert not _too_similar(a, frozenset("stoltenberg otan soutien ukraine".split()))


@pytest.mark.parametrize("bad", ["", "   ", "?!…", "x" * 5000])
def test_unusable_questions_get_one_line_errors(bad):
    with pytest.raises(QuestionError) as e:
        check_question(bad, Settings(max_question_chars=1000))
    assert "\n" not in str(e.value)
