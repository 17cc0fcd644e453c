"""Questions that name someone by what they did (qa/hops.py) and the second
hop the answer takes for them (`_second_hop` in qa/answer.py). Fast, no model."""

from types import SimpleNamespace

import pytest

from qa.hops import is_name, name_in, splits


def hop(question):
    """The first split, or None."""
    found = splits(question)
    return found[0] if found else None


_DEAL = "qui, selon Fox News Digital, a obtenu de Biden une aide de 325 millions de dollars ?"


def test_a_description_closing_the_question_is_asked_first():
    split = hop(f"À quel rendez-vous doit assister aux États-Unis le dirigeant {_DEAL}")
    assert (
        split.first
        == "Qui, selon Fox News Digital, a obtenu de Biden une aide de 325 millions de dollars ?"
    )
    assert split.then("Zelensky") == (
        "À quel rendez-vous doit assister aux États-Unis le dirigeant Zelensky ?"
    )
    # accents and apostrophes as typed: "le président américain", "l’amiral"
    president = hop("Quel ministre sert le président américain qui a conclu un accord ?")
    assert president.then("Biden") == "Quel ministre sert le président américain Biden ?"
    assert hop("Où siège l’amiral qui préside le comité ?").first == "Qui préside le comité ?"
    country = hop("Quelle aide a été accordée par le pays qui dirige le groupe de Ramstein ?")
    assert country.first == "Quel pays dirige le groupe de Ramstein ?"
    english = hop("Which meeting is he attending, the leader who struck a deal with Biden?")
    assert english.first == "Who struck a deal with Biden?"
    assert english.then("Zelensky") == "Which meeting is he attending, the leader Zelensky?"


def test_a_description_with_a_preposition_asks_with_it():
    deal = hop(
        "Combien d'aide humanitaire a proposé le président avec lequel Zelensky a conclu "
        "un accord d'aide de 325 millions de dollars ?"
    )
    assert deal.first == "Avec qui Zelensky a conclu un accord d'aide de 325 millions de dollars ?"
    assert deal.then("Biden") == "Combien d'aide humanitaire a proposé le président Biden ?"
    country = hop("Quelle aide accorde le pays avec lequel la Russie négocie ?")
    assert country.first == "Avec quel pays la Russie négocie ?"
    english = hop("What did he offer, the leader with whom Zelensky struck a deal?")
    assert english.first == "With whom Zelensky struck a deal?"


def test_a_title_before_the_name_is_left_out():
    assert name_in("président Biden") == "Biden"
    assert name_in("le président Joe Biden") == "Joe Biden"
    assert name_in("Zelensky") == "Zelensky"
    assert name_in("les autorités occidentales") is None
    assert name_in("Le président Joe Biden") == "Joe Biden"  # opening the sentence
    assert name_in("Le porte-parole") is None


def test_a_description_by_what_someone_did_to_it_asks_who_did_it():
    shipper = hop(
        "Que recevrait de Moscou le pays que Kirby accuse d'expédier secrètement des obus ?"
    )
    assert shipper.first == "Quel pays Kirby accuse d'expédier secrètement des obus ?"
    assert shipper.then("Corée du Nord") == "Que recevrait de Moscou le pays Corée du Nord ?"
    english = hop("Which diplomat met the envoys of the country that received a delegation?")
    assert english.first == "Which country received a delegation?"


def test_a_description_opening_the_question_ends_where_its_verb_begins():
    country = splits(
        "Le pays qui a envoyé du personnel en Crimée pour le fonctionnement des drones "
        "a aussi, selon Fox News Digital, entraîné qui ?"
    )
    # the description's own "a envoyé" is no place to split: nothing before it
    assert [s.first for s in country] == [
        "Quel pays a envoyé du personnel en Crimée pour le fonctionnement des drones ?"
    ]
    assert country[0].then("l'Iran") == "l'Iran a aussi, selon Fox News Digital, entraîné qui ?"
    aside = splits(
        "Le pays qui, selon Fox News Digital, a entraîné des troupes russes a envoyé "
        "du personnel technique dans quelle région ?"
    )[0]
    assert aside.first == "Quel pays, selon Fox News Digital, a entraîné des troupes russes ?"
    assert aside.then("L'Iran") == "L'Iran a envoyé du personnel technique dans quelle région ?"
    # English verbs for English questions ("a" is an article there), and "is"
    # after two words is inside the description; "also said" is one place
    spokesman = splits(
        "The spokesman who says Pyongyang is covertly supplying shells to Moscow "
        "also said Putin and Kim exchanged letters after what?"
    )
    assert [s.first for s in spokesman] == [
        "Who says Pyongyang is covertly supplying shells to Moscow?"
    ]
    assert spokesman[0].then("John Kirby") == (
        "John Kirby also said Putin and Kim exchanged letters after what?"
    )
    leader = splits("The leader who received drones from a Russian governor had met whom?")
    assert [s.first for s in leader] == ["Who received drones from a Russian governor?"]
    # two places at most, in order
    two = splits("Le chef qui a dit que la Russie est isolée a ajouté quoi ?")
    assert [s.first for s in two] == [
        "Qui a dit que la Russie ?",
        "Qui a dit que la Russie est isolée ?",
    ]


@pytest.mark.parametrize(
    "question",
    [
        # the description is the question: the one-hop answer asks it
        "Qui est le porte-parole du Pentagone qui a commenté les livraisons ?",
        "What is the name of the envoy from Luhansk who met the ambassador?",
        # a description in the middle has no clear end; things are not described people
        "What did the country that Kirby names fire toward its eastern waters?",
        "Quel est le montant des obus qui ont été livrés ?",
        "Quel rôle joue Kirby ?",
    ],
)
def test_questions_that_take_one_hop(question):
    assert hop(question) is None


@pytest.mark.parametrize(
    "span, name",
    [
        ("Zelensky", True),
        ("Rob Bauer", True),
        ("Corée du Nord", True),
        ("Etats-Unis", True),
        ("les autorités occidentales", False),
        ("L’ambassadeur de Corée du Nord", False),
        ("chefs", False),
    ],
)
def test_only_a_name_stands_for_a_description(span, name):
    assert is_name(span) is name


def _pick(span, sentence):
    return SimpleNamespace(span=span, sentence=sentence)


def test_the_second_hop_asks_again_with_the_name_and_cites_who_it_is():
    from qa.answer import _second_hop

    asked = []
    who = _pick("Zelensky", "Zelensky a conclu un accord de 325 millions.")
    where = _pick("l'Assemblée générale de l'ONU", "Zelensky assistera à l'Assemblée générale.")

    def read(q):
        asked.append(q)
        return "got", ([who] if q.startswith("Qui") else [where]), 0.9

    got, picks, conf, then = _second_hop(f"À quel rendez-vous ira le dirigeant {_DEAL}", read)
    assert asked == [
        "Qui, selon Fox News Digital, a obtenu de Biden une aide de 325 millions de dollars ?",
        "À quel rendez-vous ira le dirigeant Zelensky ?",
    ]
    assert (got, picks, conf, then) == ("got", [where, who], 0.9, asked[1])


def test_no_second_hop_without_a_name_or_an_answer():
    from qa.answer import _second_hop

    question = f"À quel rendez-vous ira le dirigeant {_DEAL}"
    officials = _pick("les responsables", "Les responsables ont obtenu une aide.")
    assert _second_hop(question, lambda q: ("got", [officials], 0.9)) is None
    found = _pick("Zelensky", "Zelensky a conclu un accord.")
    nothing_then = lambda q: ("got", [found] if q.startswith("Qui") else [], 0.1)  # noqa: E731
    assert _second_hop(question, nothing_then) is None
    assert _second_hop("Quel rôle joue Kirby ?", lambda q: ("got", [found], 0.9)) is None


def test_the_next_split_is_tried_when_one_finds_no_name():
    from qa.answer import _second_hop

    question = "Le chef qui a dit que la Russie est isolée a ajouté quoi ?"
    asked = []
    who = _pick("Kirby", "Kirby a dit que la Russie est isolée.")
    what = _pick("des sanctions", "Kirby a ajouté des sanctions.")

    def read(q):
        asked.append(q)
        if q == "Qui a dit que la Russie est isolée ?":
            return "got", [who], 0.9
        return "got", ([what] if q.startswith("Kirby") else []), 0.9

    _, picks, _, then = _second_hop(question, read)
    assert asked == [
        "Qui a dit que la Russie ?",
        "Qui a dit que la Russie est isolée ?",
        "Kirby a ajouté quoi ?",
    ]
    assert (picks, then) == ([what, who], "Kirby a ajouté quoi ?")
