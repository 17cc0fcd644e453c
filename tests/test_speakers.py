"""Who says a sentence (qa/speakers.py), and the answer's span for questions
that ask it (qa/answer.py `attributed`)."""

import pytest

from qa.answer import Pick, attributed
from qa.speakers import asks_speaker, speaker
from qa.types import Chunk, Hit

PASSAGE = (
    "Jens Stoltenberg a plaidé mercredi pour un soutien accru. 'Les combats sont acharnés', "
    "a déclaré Jens Stoltenberg. 'Le ministre (Oleksiy) Reznikov et les commandants vont informer "
    "des besoins urgents', a-t-il expliqué, de retour de Washington. Le porte-parole du Conseil "
    "de sécurité nationale, John Kirby, a déclaré mercredi que la Corée du Nord livrait des obus. "
    "« Si vous allez en Corée du Nord, vous touchez la lie », a déclaré Seth Jones, directeur au "
    "Centre d’études. « La Corée du Nord est un pays désespéré. »\n\n"
    "OSLO — La Corée du Nord pourrait accroître ses livraisons, a déclaré le plus haut officier "
    "militaire américain."
)


@pytest.mark.parametrize(
    "sentence, name",
    [
        ("'Les combats sont acharnés', a déclaré Jens Stoltenberg.", "Jens Stoltenberg"),
        # a pronoun: the speaker of the sentence before
        ("a-t-il expliqué, de retour de Washington.", "Jens Stoltenberg"),
        # the name in apposition, not the body in the role ("du Conseil")
        ("nationale, John Kirby, a déclaré mercredi que la Corée du Nord livrait", "John Kirby"),
        ("« Si vous allez en Corée du Nord, vous touchez la lie »", "Seth Jones"),
        # a quote that goes on from the one before
        ("« La Corée du Nord est un pays désespéré. »", "Seth Jones"),
        # the speaker is no name: nothing, not "OSLO"
        ("OSLO — La Corée du Nord pourrait accroître ses livraisons, a déclaré le plus", None),
    ],
)
def test_the_speaker_of_a_sentence(sentence, name):
    at = PASSAGE.index(sentence)
    # the whole sentence around the excerpt, as the answerer quotes it
    from qa.chunk import split_sentences

    (start, end), *_ = [(s, e) for s, e in split_sentences(PASSAGE) if s <= at < e]
    found = speaker(PASSAGE, start, end)
    assert (found and found[0]) == name


def test_a_surname_is_given_in_full_when_the_passage_gave_it_before():
    text = "Seth Jones est chercheur. « Il y a deux options », a déclaré Jones."
    at = text.index("«")
    assert speaker(text, at, len(text))[0] == "Seth Jones"


@pytest.mark.parametrize(
    "question, asks",
    [
        ("Quel expert qualifie la Corée du Nord de « pays désespéré » ?", True),
        ("Qui a déclaré que les combats étaient acharnés ?", True),
        ("Which official said the shells would not change the war?", True),
        ("Who warned that NATO stocks were running low?", True),
        ("Qui dirige le Groupe de contact ?", False),
        # who revealed or made public is who told it
        ("Quelle institution américaine a révélé les nouveaux renseignements ?", True),
        ("Which agency made public the letters between Putin and Kim?", True),
        ("Quel ministre ukrainien doit informer l'Otan ?", False),
        ("Qu'a déclaré Kirby sur les obus ?", False),
        # who reported it, asked of an outlet
        ("Selon News18, quelle armée a signalé le tir de missile balistique ?", True),
        ("Quel média rapporte que l'Ukraine a intercepté des appels ?", False),
        # words that only begin like a verb of speech ("stat-ut", "confi-rmée")
        ("Quel est le statut du royaume ibadite ?", False),
        ("Quelle hypothèse est confirmée par Michel Cadot ?", False),
    ],
)
def test_questions_that_ask_who_said_it(question, asks):
    assert asks_speaker(question) == asks


def test_the_span_becomes_the_speaker_for_who_said_questions():
    sentence = (
        "'Le ministre (Oleksiy) Reznikov et les commandants vont informer des besoins urgents', "
        "a-t-il expliqué, de retour de Washington."
    )
    chunk = Chunk("d#0", "d", 0, PASSAGE, 0, len(PASSAGE), "h")
    hit = Hit(chunk=chunk, score=1.0, rank=1)
    start = PASSAGE.index("Oleksiy) Reznikov")
    pick = Pick(hit, sentence, "Oleksiy) Reznikov", start, start + 17, 0.9, 3.0)
    q = "Qui a expliqué que le ministre ukrainien informerait les Alliés des besoins urgents ?"
    (p,) = attributed([pick], q)
    assert p.span == "Jens Stoltenberg" and PASSAGE[p.start : p.end] == "Jens Stoltenberg"
    # another question keeps the reader's span
    (p,) = attributed([pick], "Quel ministre doit informer les Alliés des besoins urgents ?")
    assert p.span == "Oleksiy) Reznikov"
