"""Fast unit tests of the extractive answerer's pieces (no model)."""

import pytest

from qa.answer import QuestionError, check_question
from qa.answertype import cue as _cue
from qa.answertype import expected, fits
from qa.config import Settings
from qa.lang import detect_language
from qa.scorer import too_similar as _too_similar


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


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Combien la Russie a-t-elle payé ces obus ?", "money"),
        ("How much did Russia pay for the shells?", "money"),
        ("Quelle somme Biden demande-t-il ?", "money"),
        ("What is the range of the missile?", "distance"),
        ("Comment s'appelle le porte-parole ?", "name"),
        ("Combien d'obus la Russie a-t-elle reçus ?", ""),
        ("Combien d'obus ont été envoyés vers la Russie ?", ""),
        ("Combien d'obus la Russie a-t-elle achetés ?", ""),
        ("How much ammunition did Russia buy?", ""),
        ("Qui a été invité à la réunion ?", ""),
    ],
)
def test_expected_answer_type(question, kind):
    assert expected(question) == kind


def test_typed_questions_need_a_fact_of_their_type():
    q = "Combien la Russie a-t-elle payé ces obus ?"
    assert fits("money", "Un contrat de 13,1 milliards de dollars.", q)
    assert fits("money", "Moscou a versé 200 millions $.", q)
    assert not fits("money", "La Russie a payé ces obus sans tarder en 2023.", q)
    d = "What is the range of the missile?"
    assert fits("distance", "Le missile a parcouru 600 km.", d)
    assert not fits("distance", "Le missile est tombé en mer.", d)


def test_a_name_must_stand_next_to_the_role_asked_for():
    q = "Comment s'appelle le porte-parole du Conseil de sécurité ?"
    assert fits("name", "Le porte-parole du Conseil, John Kirby, a déclaré mercredi.", q)
    # a name, but someone else's, far from the role
    far = "Selon le porte-parole, la décision revient désormais au président Vladimir Poutine."
    assert not fits("name", far, q)
    assert not fits("name", "Le porte-parole a refusé de commenter.", q)


def test_typed_questions_keep_only_sentences_of_their_type():
    from qa.answer import Pick, _typed

    q = "Quel montant d'aide Joe Biden a-t-il proposé pour l'Ukraine ?"
    money = Pick(hit=None, sentence="Biden propose 13,1 milliards de dollars.", confidence=0.95)
    other = Pick(hit=None, sentence="Biden soutient l'Ukraine depuis le début.", confidence=0.97)
    assert _typed([other, money], 0.97, q) == ([money], 0.95)  # the first pick had no amount
    assert _typed([other], 0.97, q) == ([], 0.0)  # on topic, no amount: abstain
    untyped = "Que fournit l'Iran à la Russie ?"
    assert _typed([other], 0.97, untyped) == ([other], 0.97)
