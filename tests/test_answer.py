"""Fast unit tests of the extractive answerer's pieces (no model)."""

import pytest

from qa.answer import QuestionError, check_question
from qa.answertype import (
    asked,
    expected,
    fits,
    not_told,
    only_source,
    only_speakers,
    span_fits,
)
from qa.answertype import cue as _cue
from qa.config import Settings
from qa.lang import detect_language
from qa.passagecheck import (
    actors,
    names_actors,
)
from qa.places import countries
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
        ("Quel est le montant total des réductions réclamées ?", "money"),
        ("What was the total cost of the package?", "money"),
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


def test_the_name_of_a_thing_is_given_as_a_name():
    # not a person: no capitals needed, but the sentence names it as such
    q = "Comment s'appelle le phénomène qui permet de relire un article ?"
    assert fits("name", "Les revues suivent la procédure du « double aveugle ».", q)
    assert fits("name", "Les deux premiers s'appellent ununennium et unbinilium.", q)
    assert not fits("name", "Les forces progressent pour percer les lignes russes.", q)
    # "celui qui…" is someone: a name
    q = "Comment s'appelle celui qui doit trouver un lieu d'exil ?"
    assert fits("name", "Un Grec de Maïni, Ioannès Stephanopoulos, en est chargé.", q)
    assert not fits("name", "Un Grec respecté en est chargé.", q)


def test_typed_questions_keep_only_sentences_of_their_type():
    from qa.answer import Pick, _typed

    q = "Quel montant d'aide Joe Biden a-t-il proposé pour l'Ukraine ?"
    money = Pick(
        hit=None,
        sentence="Biden propose 13,1 milliards de dollars.",
        span="13,1 milliards de dollars",
        confidence=0.95,
    )
    other = Pick(
        hit=None,
        sentence="Biden soutient l'Ukraine depuis le début.",
        span="depuis le début",
        confidence=0.97,
    )
    assert _typed([other, money], 0.97, q) == ([money], 0.95)  # the first pick had no amount
    assert _typed([other], 0.97, q) == ([], 0.0)  # on topic, no amount: abstain
    untyped = "Que fournit l'Iran ?"
    assert _typed([other], 0.97, untyped) == ([other], 0.97)


def test_combien_de_pays_asks_for_a_count_not_money():
    # "pays" once matched the money pattern's "pa[yi]" (payé, paie)
    assert expected("Combien de pays soutiennent l'Ukraine ?") == ""
    assert expected("Combien la Russie paiera-t-elle ces obus ?") == "money"
    assert expected("What was the value of the arms package?") == "money"
    assert expected("What is the maximum range of the missile?") == "distance"
    # "le nombre" is no "nom" (PIAF: "Quel est le nombre de Grecs décédés" was refused)
    assert expected("Quel est le nombre de Grecs décédés ?") == ""
    assert expected("Quel est le nom du ministre ?") == "name"


def test_the_role_window_counts_from_the_end_of_the_role_word():
    q = "Comment s'appelle le porte-parole du Conseil de sécurité nationale américain ?"
    sent = "Le porte-parole du Conseil de sécurité nationale, John Kirby, a affirmé que"
    assert fits("name", sent, q)


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Combien d'ouvriers Pyongyang veut-il envoyer ?", "count"),
        ("How many workers did Pyongyang offer to send?", "count"),
        ("Combien de temps a duré le voyage ?", "count"),
        ("What is the population of Pyongyang?", "count"),
        ("À quelle date s'ouvre le sommet ?", "date"),
        ("On what date did Zelensky visit Washington?", "date"),
        ("Quelle est la date exacte d'ouverture du sommet ?", "date"),
        ("On what exact date will Zelensky visit?", "date"),
        ("Quel jour Zelensky sera-t-il reçu ?", "day"),
        ("On which day of the week did Kirby speak?", "day"),
        ("Dans quel mois la guerre entre-t-elle ?", "month"),
        ("En quelle année la résolution a-t-elle été votée ?", "year"),
        ("At what time of day was the missile launched?", "time"),
        ("Quand le sommet aura-t-il lieu ?", "when"),
        ("Dans quelle ville russe se sont-ils rencontrés ?", "city"),
        ("In which Russian city did they meet?", "city"),
        ("Par quel pays transitent les obus ?", "country"),
        ("Which Asian country sent its defence chief?", "country"),
        # a member of the Alliance is a country, not its secretary general
        ("Which NATO member voted against the credit line?", "country"),
        ("Quel membre de l’Otan a voté contre ?", "country"),
        ("Quel modèle de bombardier a été envoyé ?", "model"),
        ("From which air base did the bomber take off?", "port"),
        ("Dans quel bâtiment le sommet se tient-il ?", "port"),
        ("À quel stade en est la contre-offensive ?", ""),  # a stage, not a stadium
        ("Quel est le numéro de la résolution de l'ONU ?", "number"),
        ("What number of shells were sent?", ""),
        ("Quelle quantité d'armes Wagner a-t-il reçue ?", "count"),
        ("Depuis quel site le missile a-t-il été lancé ?", "city"),
        ("Quelle région russe dirige le gouverneur ?", "city"),
        ("On which sector of the front were the soldiers?", "city"),
        ("Quel gouverneur régional russe a offert des drones ?", "holder"),
        ("Which Fox News Digital reporter interviewed the experts?", "holder"),
        ("Quel journaliste signe la dépêche ?", "holder"),
        ("Quelle altitude maximale le missile a-t-il atteinte ?", "measure"),
        ("How high did the missile fly?", "measure"),
        ("Quelle est la capacité d'emport du bombardier ?", "measure"),
        ("What is the range of the missile?", "measure"),
        ("Quel est le poids de l'obus ?", "measure"),
        # the role itself is asked for, not its holder
        ("What position does General Mark Milley hold?", ""),
        ("Quel poste occupe le général Mark Milley ?", ""),
        ("Qui est l'auteur de Don Quichotte ?", "person"),
        ("Which Iranian official denied it?", "holder"),
        ("Which North Korean state news agency carried the denial?", "body"),
        ("Which Russian regions did the soldiers come from?", "city"),
        ("Jusqu'à quand la ligne de crédits reste-t-elle ouverte ?", "until"),
        ("Until when will the credit line stay open?", "until"),
        ("Qui est l'ambassadeur des États-Unis auprès de l'Otan ?", "holder"),
        # no kind: the answer may be any phrase
        ("Où l'Iran a-t-il envoyé du personnel ?", ""),
        ("Qui dirige le groupe de contact ?", "person"),
        ("Quel type d'arme Pyongyang a-t-il tiré ?", "sort"),  # any phrase but countries
        ("Comment la Maison Blanche a-t-elle appris la visite ?", "method"),
        ("Comment l'Ukraine s'y est-elle prise pour intercepter les appels ?", "method"),
        ("How did Ukraine verify that the calls were real?", "method"),
        ("Par quels moyens Washington vérifie-t-il les cargaisons ?", "method"),
        ("Comment les troupes avancent-elles sur le front ?", ""),
        ("Dans quelles zones d'Ukraine se déroulent les combats ?", "part"),
        ("In which parts of Ukraine is the fighting heaviest?", "part"),
        ("Dans quelle zone se déroulent les combats ?", "city"),
        ("À quelle fréquence les ministres se réunissent-ils ?", "frequency"),
        ("Le groupe se réunit à quel rythme ?", "frequency"),
        ("À quel rythme les forces avancent-elles au moment des réunions ?", ""),  # a pace
        # a programme of an institution is a body; weapons programmes have no name
        ("À quel programme du Wilson Center Lee est-il rattaché ?", "body"),
        ("Sur quels programmes la Russie pourrait-elle aider Pyongyang ?", ""),
        ("Pourquoi la Russie achète-t-elle des obus ?", "why"),  # only not a name alone
    ],
)
def test_asked_kind_of_span(question, kind):
    assert asked(question) == kind


@pytest.mark.parametrize(
    "kind, question, span, ok",
    [
        (
            "count",
            "Combien d'ouvriers Pyongyang veut-il envoyer ?",
            "des ouvriers du bâtiment",
            False,
        ),
        ("count", "Combien de drones a-t-il offerts ?", "cinq", True),
        # how often: a frequency, not the weekday of one meeting
        ("frequency", "À quelle fréquence les ministres se réunissent-ils ?", "jeudi", False),
        ("frequency", "À quel rythme se réunit le groupe ?", "la réunion mensuelle", True),
        ("frequency", "How often do Chinese ships sail?", "presque quotidiennement", True),
        # parts of a country: any words, but no place of another country
        ("part", "Dans quelles zones d'Ukraine combat-on ?", "Pyongyang et Téhéran", False),
        ("part", "Dans quelles zones d'Ukraine combat-on ?", "dans l'est et le sud", True),
        ("part", "In which parts of Ukraine is the fighting?", "Zaporijia", True),
        # how it was found out or done: what was done, not what was found
        (
            "method",
            "Comment l'Ukraine a-t-elle appris que les soldats se plaignaient ?",
            "avoir intercepté des appels téléphoniques",
            True,
        ),
        ("method", "How did Kyiv verify the calls?", "des lourdes pertes", False),
        ("method", "Comment s'y est-il pris ?", "en concluant un accord", True),
        ("method", "Comment s'y est-il pris ?", "pour soutenir l'effort russe", False),
        ("method", "Par quels moyens Washington vérifie-t-il ?", "obus d'artillerie", False),
        ("count", "Combien de drones ont été livrés ?", "des centaines", True),
        ("count", "Combien de temps a duré le voyage ?", "six jours", True),
        ("count", "Dans combien de temps se tient le sommet ?", "dans un mois", True),
        ("count", "De combien de points l'équipe devance-t-elle ?", "un seul point", True),
        ("count", "Combien de morts la famine a-t-elle faits ?", "une famine massive", False),
        # a measure is not a count, unless the question asks for one
        ("count", "Combien d'obus la Corée du Nord a-t-elle livrés ?", "152 mm", False),
        ("count", "À combien de kilomètres le missile est-il tombé ?", "600 km", True),
        # the number the question already gives is no answer ("un" = "1")
        (
            "count",
            "Combien d'obus la ligne d'un milliard de dollars paie-t-elle ?",
            "1 milliard",
            False,
        ),
        # a sum of money counts no countries, but answers "combien d'aide"
        ("count", "Combien de pays ont signé des contrats ?", "1 milliard de dollars", False),
        ("count", "How many shells were bought?", "1 milliard de dollars", False),
        ("count", "Combien d’aide Biden propose-t-il ?", "8,5 milliards de dollars", True),
        # "un" alone may be the article of "un autre groupe": not a count
        ("count", "Combien de responsables composaient le groupe ?", "un", False),
        ("count", "Combien de bombardiers sont partis ?", "une démonstration", False),
        # a vague duration answers "how long"; vague things counted do not
        ("count", "How long after the visit did Kirby speak?", "quelques semaines", True),
        # another unit of time than the one counted; a rank is no count
        ("count", "Combien d'heures ont duré les entretiens ?", "quelques semaines", False),
        ("count", "Combien d'heures ont duré les entretiens ?", "cinq heures", True),
        ("count", "Combien de jours a duré le voyage ?", "six jours", True),
        ("count", "How many people died in the famine?", "son 20e mois", False),
        ("count", "How many people died in the famine?", "20 000", True),
        # a year that dates is no count either; a number beside it still is
        (
            "count",
            "Combien de travailleurs reste-t-il ?",
            "tous les travailleurs d’ici 2019",
            False,
        ),
        ("count", "How many workers stayed since 2019?", "20 000 workers since 2019", True),
        ("measure", "Quelle altitude le missile a-t-il atteinte ?", "la Corée du Nord", False),
        ("measure", "Quelle altitude le missile a-t-il atteinte ?", "6 000 km", True),
        # one thing counted measures nothing
        (
            "measure",
            "Quelle est la capacité d'emport du bombardier ?",
            "au moins un bombardier à longue portée",
            False,
        ),
        ("measure", "Quelle est la capacité d'emport du bombardier ?", "31 tonnes", True),
        # another month than the question's
        ("day", "Quel jour de septembre l'article a-t-il paru ?", "30 août 2023", False),
        ("day", "Quel jour de septembre l'article a-t-il paru ?", "le 12 septembre", True),
        # "may" is a verb here, and "when" may name another month for context
        ("date", "On what date may the summit open?", "le 11 juillet", True),
        ("when", "Quand, après la visite de juillet, Kim est-il venu ?", "en septembre", True),
        ("count", "Combien de chars l'Allemagne a-t-elle livrés ?", "quelques chars", False),
        ("date", "À quelle date s'ouvre le sommet ?", "un mois", False),
        ("date", "À quelle date s'ouvre le sommet ?", "le 11 juillet", True),
        # a month is no date, a year is one
        ("date", "À quelle date la Maison Blanche l'a-t-elle affirmé ?", "En mars", False),
        ("date", "À quelle date la Maison Blanche l'a-t-elle affirmé ?", "mars 2023", True),
        ("day", "Quel jour Zelensky sera-t-il reçu ?", "la semaine prochaine", False),
        ("day", "Quel jour Zelensky sera-t-il reçu ?", "jeudi", True),
        ("day", "Quel jour, après mardi, Kirby a-t-il parlé ?", "mardi", False),
        ("month", "Dans quel mois la guerre entre-t-elle ?", "20e mois", True),
        ("year", "En quelle année la ville est-elle fondée ?", "vers 875", True),
        ("year", "En quelle année la ville est-elle fondée ?", "au début du règne", False),
        ("time", "At what time of day was the missile launched?", "quelques heures", False),
        ("time", "À quelle heure le missile a-t-il été tiré ?", "vers 7 h 30", True),
        ("when", "Quand la ville a-t-elle été saccagée ?", "au XIVe siècle", True),
        ("when", "Quand le rite est-il pratiqué ?", "lors de la fondation des villes", True),
        ("when", "Quand Choïgu s'est-il rendu à Pyongyang ?", "récent", False),
        # a clause that dates by another event, if it says more than the question
        (
            "when",
            "Quand la dette est-elle dépréciée ?",
            "quand la France redevient royaliste",
            True,
        ),
        ("when", "Quand la dette est-elle dépréciée ?", "quand la dette est dépréciée", False),
        ("when", "Quand la dette est-elle dépréciée ?", "lorsqu'un roi revient au pouvoir", True),
        ("city", "Dans quelle ville russe se sont-ils rencontrés ?", "la Corée du Nord", False),
        ("city", "Dans quelle ville se tiendra le sommet ?", "à Vilnius", True),
        ("country", "Par quel pays transitent les obus ?", "Moscou", False),
        ("country", "Par quel pays transitent les obus ?", "les États-Unis", True),
        (
            "country",
            "Vers quels pays les obus sont-ils censés aller ?",
            "pays d'Afrique du Nord",
            True,
        ),
        ("country", "Which country, besides China, trained Russian troops?", "la Chine", False),
        (
            "country",
            "Which country, besides China, trained Russian troops?",
            "la Chine et l'Iran",
            True,
        ),
        (
            "model",
            "Quel modèle de bombardier a été envoyé ?",
            "un bombardier à longue portée",
            False,
        ),
        (
            "model",
            "Quel modèle de bombardier a été envoyé ?",
            "une démonstration de force contre le Nord",
            False,
        ),
        ("model", "Quel modèle de bombardier a été envoyé ?", "un B-52", True),
        ("model", "Quel modèle de drones a-t-il reçu ?", "des drones pour l'Ukraine", False),
        (
            "port",
            "From which air base did the bomber take off?",
            "vers la péninsule coréenne",
            False,
        ),
        ("port", "From which air base did the bomber take off?", "Andersen, à Guam", True),
        ("number", "Quel est le numéro de la résolution ?", "la résolution 1718", True),
        ("number", "Quel est le numéro de la résolution ?", "L'exportation d'armes", False),
        ("calibre", "Quel calibre d'obus la Corée fournit-elle ?", "artillerie", False),
        ("calibre", "Quel calibre d'obus la Corée fournit-elle ?", "152 mm", True),
        ("calibre", "What caliber are the shells?", "obus de 152 mm", True),
        ("", "Que fournit l'Iran ?", "des drones", True),
        ("count", "Combien d'obus ?", "", False),
        # a news medium is asked: its name, not another body's
        ("body", "Quelle agence de presse a rapporté le tir ?", "la Maison Blanche", False),
        ("body", "Quelle agence de presse signe la dépêche ?", "PTI", True),
        (
            "body",
            "Which news organisations did the reporters work for?",
            "Groupe de contact",
            False,
        ),
        ("body", "Which news outlet did the experts speak to?", "Fox News Digital", True),
        ("body", "Quel média a relayé le projet ?", "un reportage de CNN", True),
        ("body", "Quel média a relayé le projet ?", "OTAN", False),  # an institution's acronym
        ("body", "Quelle organisation a relayé le projet ?", "Groupe de contact", True),
    ],
)
def test_the_span_must_be_of_the_kind_asked(kind, question, span, ok):
    assert span_fits(kind, span, question) is ok


@pytest.mark.parametrize(
    "question, span, sentence, ok",
    [
        # a person, in a sentence that names the role
        (
            "Quel gouverneur russe a offert des drones ?",
            "Oleg Kojemiako",
            "Le gouverneur de la région, Oleg Kojemiako, a offert cinq drones.",
            True,
        ),
        # a person, but the sentence is about another role
        (
            "Quel gouverneur russe a offert des drones ?",
            "Vladimir Poutine",
            "Vladimir Poutine a reçu Kim Jong Un.",
            False,
        ),
        # the span presents the person with a role of its own
        (
            "Quel ancien chef d'État américain a écrit à Kim ?",
            "Le président Donald Trump",
            "Le président Donald Trump avait aussi écrit à Kim.",
            True,
        ),
        # an officer of the nation asked
        (
            "Quel officier américain estime que l'aide a un large soutien ?",
            "Volodymyr Zelensky",
            "Le président ukrainien Volodymyr Zelensky se rendra à la Maison Blanche.",
            False,
        ),
        (
            "Quel officier américain estime que l'aide a un large soutien ?",
            "Mark Milley",
            "Le général américain Mark Milley a dit que l'aide avait un large soutien.",
            True,
        ),
        # the nation written after the name ("Rob Bauer des Pays-Bas")
        (
            "Quel responsable ukrainien a réclamé des missiles ?",
            "Rob Bauer",
            "L’amiral Rob Bauer des Pays-Bas, président du comité, a déclaré samedi…",
            False,
        ),
        (
            "Quel responsable ukrainien a réclamé des missiles ?",
            "Oleksii Reznikov",
            "Le responsable Oleksii Reznikov d’Ukraine a réclamé des missiles.",
            True,
        ),
        # the nation in the role's complement ("de l'armée nord-coréenne")
        (
            "Comment s'appelle le chef d'état-major général de l'armée nord-coréenne ?",
            "Mark Milley",
            "Le général de l’armée américaine Mark Milley, président des chefs, a dit…",
            False,
        ),
        # no person: an institution, a role, a country
        (
            "Who is the North Korean ambassador in Moscow?",
            "L'ambassadeur de Corée du Nord à Moscou",
            "L'ambassadeur de Corée du Nord à Moscou a rencontré les envoyés.",
            False,
        ),
        (
            "Which Iranian official denied it?",
            "la Russie",
            "Un responsable a nié que la Russie ait reçu des drones.",
            False,
        ),
        # "the name of X's minister" asks the holder, of X's nation
        (
            "What is the name of North Korea's defence minister?",
            "Sergueï Choïgu",
            "Le ministre russe de la Défense Sergueï Choïgu s'est rendu à Pyongyang.",
            False,
        ),
        (
            "What is the name of Russia's defence minister?",
            "Sergueï Choïgu",
            "Le ministre russe de la Défense Sergueï Choïgu s'est rendu à Pyongyang.",
            True,
        ),
    ],
)
def test_the_holder_of_a_role_is_a_person_next_to_the_role(question, span, sentence, ok):
    assert asked(question) == "holder"
    assert span_fits("holder", span, question, sentence) is ok


def test_the_passage_presents_the_name_with_the_role_asked():
    from qa.answertype import presents_role

    passage = (
        "Le porte-parole du Conseil de sécurité nationale, John Kirby, a détaillé les "
        "conclusions quelques semaines après que la Maison Blanche a affirmé que le ministre "
        "russe de la Défense Sergueï Choïgu, lors d’une visite, avait appelé à vendre des obus."
    )
    spokesman = "Comment s'appelle le porte-parole du ministère russe de la Défense ?"
    assert not presents_role(spokesman, "Sergueï Choïgu", passage)
    assert presents_role(spokesman, "John Kirby", passage)
    # a later mention by the surname alone is presented by the first one
    later = passage + " Kirby a ajouté que Washington surveillait les livraisons."
    assert presents_role("Quel porte-parole américain a parlé ?", "Kirby", later)
    # a counterpart holds the role of those whose counterpart they are
    counterpart = "Qui est l'homologue ukrainien que les ministres de la Défense ont reçu ?"
    zelensky = "le président ukrainien Volodymyr Zelensky se rendra à Washington"
    assert not presents_role(counterpart, "Volodymyr Zelensky", zelensky)
    assert presents_role(counterpart, "Reznikov", "Le ministre (Oleksiy) Reznikov et les chefs")
    austin = "Who is the Russian counterpart of the US defence secretary?"
    assert presents_role(austin, "Choïgu", "le ministre russe de la Défense Sergueï Choïgu")
    assert presents_role(
        "Qui est l'homologue russe de Lloyd Austin ?", "Volodymyr Zelensky", zelensky
    )
    # generic roles and spans with no name are left to the other checks
    assert presents_role("Quel responsable russe a parlé ?", "Sergueï Choïgu", passage)
    assert presents_role(spokesman, "le ministre", passage)
    # a diplomat is presented as one, or as an ambassador
    diplomat = "Quel diplomate russe a défendu Moscou au Conseil de sécurité de l'ONU ?"
    assert not presents_role(diplomat, "John Kirby", passage)
    envoy = "L'ambassadeur russe à l'ONU, Vassili Nebenzia, a rejeté les accusations."
    assert presents_role(diplomat, "Vassili Nebenzia", envoy)


def test_porte_parole_names_no_nation():
    from qa.places import any_nations

    assert any_nations("le porte-parole du Kremlin") == set()


@pytest.mark.parametrize(
    "question, kind, span, sentence, ok",
    [
        # a named body, which a country is not
        ("Quelle agence de presse a rendu compte du sommet ?", "body", "Russie", "", False),
        ("Which news agency reported the summit?", "body", "l'agence KCNA", "", True),
        # "which Indo-Pacific country": a country, not the host named in the question
        (
            "Which Indo-Pacific country turned down the invitation to the meeting in Norway?",
            "country",
            "Norvège",
            "",
            False,
        ),
        (
            "Which Indo-Pacific country turned down the invitation to the meeting in Norway?",
            "country",
            "le Japon",
            "",
            True,
        ),
        # "pour quelle durée": how long, which an ordinal is not
        (
            "Pour quelle durée Pyongyang détacherait-il ses ouvriers ?",
            "count",
            "20e mois",
            "",
            False,
        ),
        (
            "Pour quelle durée Pyongyang détacherait-il ses ouvriers ?",
            "count",
            "trois ans",
            "",
            True,
        ),
        # an acronym of a kind of firm names none
        ("Quelle entreprise de défense a été invitée ?", "body", "PME", "", False),
        ("Quel organisme de l'Otan gère la ligne de crédits ?", "body", "PME", "", False),
        ("Quel organisme de l'Otan gère la ligne de crédits ?", "body", "la NSPA", "", True),
        # a unit of an organisation: named, or by the kind asked
        ("À quelle unité russe appartenaient les soldats ?", "body", "téléphoniques", "", False),
        ("Which Russian units are the shells destined for?", "body", "la Corée du Nord", "", False),
        ("Quel commandement conduit ces activités ?", "body", "navires", "", False),
        (
            "De quel programme du CSIS Seth Jones est-il directeur ?",
            "body",
            "programme de sécurité internationale",
            "",
            True,
        ),
        ("Quel commandement conduit ces activités ?", "body", "le Commandement Est", "", True),
        # a sum the sentence names, not any sum
        (
            "À combien s’élève le budget annuel de la défense ukrainienne ?",
            "sum",
            "325 millions de dollars",
            "Biden a annoncé une aide de 325 millions de dollars.",
            False,
        ),
        (
            "Quel est le coût total du programme ?",
            "sum",
            "2 milliards de dollars",
            "Le programme coûtera 2 milliards de dollars.",
            True,
        ),
        # "quelle somme / quel budget" asks a sum the question does not give
        # already, in figures or in words ("d'un milliard": blind25)
        (
            "Quelle somme la Norvège apporte-t-elle à la ligne de crédits d'un milliard ?",
            "sum",
            "1 milliard de dollars",
            "Une ligne de crédits de 1 milliard de dollars a été adoptée.",
            False,
        ),
        (
            "Quelle somme la Norvège apporte-t-elle à la ligne de crédits ?",
            "sum",
            "50 millions de dollars",
            "La Norvège apporte 50 millions de dollars à la ligne de crédits.",
            True,
        ),
        (
            "Quel budget la Russie consacre-t-elle à sa défense ?",
            "sum",
            "obus d'artillerie supplémentaires",
            "La Russie cherche des obus d'artillerie supplémentaires.",
            False,
        ),
        ("What amount did Denmark pledge?", "sum", "200 millions d'euros", "", True),
        # the holder of a role in a possessive: "Norway's defence minister"
        (
            "Who is Norway's defence minister?",
            "holder",
            "Milley",
            "Milley et les autres chefs de la défense se réuniront à Oslo.",
            False,
        ),
        # the nation that qualifies the role or the city
        (
            "Quelle responsable nord-coréenne a démenti les ventes d'armes ?",
            "holder",
            "le président russe Vladimir Poutine",
            "Le président russe Vladimir Poutine a reçu Kim Jong Un.",
            False,
        ),
        (
            "Which North Korean official denied the sales?",
            "holder",
            "Kim Yo Jong",
            "La responsable nord-coréenne Kim Yo Jong a démenti.",
            True,
        ),
        # a part of a whole is a figure the question does not give
        (
            "Quelle part des 325 millions de dollars va aux obus ?",
            "share",
            "des armes antichar",
            "",
            False,
        ),
        (
            "Quelle part des 325 millions de dollars va aux obus ?",
            "share",
            "325 millions",
            "",
            False,
        ),
        ("What share of the package goes to shells?", "share", "un tiers", "", True),
        # a sum is a share only of a whole the question gives as a sum
        (
            "Quelle part du budget fédéral représente l'aide ?",
            "share",
            "13,1 milliards de dollars",
            "",
            False,
        ),
        (
            "Quelle part des 325 millions de dollars va aux obus ?",
            "share",
            "100 millions de dollars",
            "",
            True,
        ),
        # an amount in words is no part of anything
        ("What share of the purchases were rockets?", "share", "des millions", "", False),
        ("Quelle part des achats étaient des roquettes ?", "share", "la moitié", "", True),
        ("Quelle proportion de l'Occident s'est retirée ?", "share", "une grande partie", "", True),
        ("How much of Russia is suffering?", "share", "tout entière", "", True),
        # a sum listed beside the whole ("… et de 8,5 milliards") is no part of it
        (
            "Quelle part des 13,1 milliards de dollars servirait aux stocks ?",
            "share",
            "8,5 milliards de dollars",
            "Biden a proposé 13,1 milliards de dollars en aide militaire et de 8,5 milliards "
            "de dollars en aide humanitaire.",
            False,
        ),
        (
            "Quelle part des 13,1 milliards de dollars servirait aux stocks ?",
            "share",
            "5 milliards",
            "Sur les 13,1 milliards de dollars, 5 milliards serviraient aux stocks.",
            True,
        ),
        # "152 mm" holds a number of three digits, and dates nothing
        ("At what moment did Milley say so?", "when", "152 mm de l'ère soviétique", "", False),
        ("At what moment did Milley say so?", "when", "à son arrivée en Norvège", "", True),
        ("Quand la guerre a-t-elle commencé ?", "when", "en 1950", "", True),
        # a group named by the span is no one
        (
            "Qui représentait la Lituanie à la réunion ?",
            "person",
            "Ramstein",
            "Les industriels rencontreront les ministres après la réunion du groupe Ramstein.",
            False,
        ),
        (
            "Qui a présidé la réunion ?",
            "person",
            "Lloyd Austin",
            "Lloyd Austin a présidé la réunion du groupe de contact.",
            True,
        ),
        # a measure is no part of anything
        (
            "Quelle part de sa production d'obus la Corée du Nord réserve-t-elle à la Russie ?",
            "share",
            "152 mm",
            "Pyongyang fournira des obus de 152 mm.",
            False,
        ),
        # a percentage is told as one, or as a part; a sum of money is none
        (
            "Quel pourcentage des républicains du Congrès s'oppose à l'aide ?",
            "share",
            "8,5 milliards de dollars",
            "Biden a proposé 8,5 milliards de dollars en aide humanitaire.",
            False,
        ),
        ("What percentage of Republicans oppose the aid?", "share", "40 %", "", True),
        ("Quel pourcentage des républicains s'y oppose ?", "share", "la moitié", "", True),
        # how long something lasted is no time left before an event
        (
            "Combien de temps a duré la rencontre entre les industriels et les ministres ?",
            "count",
            "un mois",
            "A un mois du sommet de Vilnius, plusieurs sujets divisent l'Alliance.",
            False,
        ),
        (
            "Combien de temps a duré la rencontre entre les industriels et les ministres ?",
            "count",
            "deux heures",
            "La rencontre a duré deux heures.",
            True,
        ),
        # an elected official, a counterpart of a nation: roles
        (
            "Quel élu républicain mène l'opposition à l'aide ?",
            "holder",
            "Volodymyr Zelensky",
            "Le président ukrainien Volodymyr Zelensky se rendra au Capitole.",
            False,
        ),
        (
            "Who is the Russian counterpart of Lloyd Austin?",
            "holder",
            "Kim Jong Un",
            "Le président russe Vladimir Poutine et le dirigeant nord-coréen Kim Jong Un ont "
            "échangé des lettres.",
            False,
        ),
        (
            "Qui est l'homologue russe de Lloyd Austin ?",
            "holder",
            "Sergueï Choïgu",
            "Le ministre russe de la Défense Sergueï Choïgu a rencontré Kim.",
            True,
        ),
        # how many times: counted as times, or as the thing the question names
        (
            "Combien de fois par an les chefs de la défense se réunissent-ils ?",
            "count",
            "douzaine",
            "Une réunion d'une douzaine de dirigeants militaires aura lieu dimanche.",
            False,
        ),
        (
            "Combien de fois Poutine et Kim se sont-ils parlé au téléphone ?",
            "count",
            "17 appels",
            "L'Ukraine a intercepté des appels de troupes russes – 17 appels, selon Reuters.",
            False,
        ),
        (
            "Combien de fois les ministres se sont-ils réunis ?",
            "count",
            "deux",
            "Les ministres se sont réunis deux fois cette année.",
            True,
        ),
        (
            "Combien de fois l'Inter a-t-il remporté la Ligue des champions ?",
            "count",
            "trois",
            "L'Inter compte à son palmarès trois Ligues des champions.",
            True,
        ),
        (
            "Quel est le prix unitaire d'un obus ?",
            "sum",
            "1 milliard",
            "Un crédit de 1 milliard.",
            False,
        ),
        ("On what calendar date did the ministers meet?", "date", "un mois", "", False),
        ("Quand la ligne de crédits a-t-elle été adoptée ?", "when", "cette année", "", True),
        # a thing, which countries alone are not
        (
            "Quels types d'armes le Danemark fournit-il ?",
            "sort",
            "les Etats-Unis, le Danemark",
            "",
            False,
        ),
        ("What kind of weapons does Denmark send?", "sort", "des armes antichar", "", True),
        # someone, which a clause is not
        (
            "Who led the second group of officials?",
            "person",
            "Maison Blanche a affirmé avoir déterminé que le ministre",
            "",
            False,
        ),
        ("Who led the second group of officials?", "person", "le ministre Choïgu", "", True),
        # the question's own figure is no count, read as whole numbers
        ("Combien de ces 300 obus ont explosé ?", "count", "300 obus", "", False),
        ("Combien de ces 300 obus ont explosé ?", "count", "30 obus", "", True),
        # a duration has a unit of time
        (
            "Pendant combien de temps l'Iran a-t-il formé ces troupes ?",
            "count",
            "17 appels",
            "",
            False,
        ),
        (
            "Pendant combien de temps l'Iran a-t-il formé ces troupes ?",
            "count",
            "deux ans",
            "",
            True,
        ),
        (
            "De combien de temps Jani devance-t-il Pla ?",
            "count",
            "702 millièmes de seconde",
            "",
            True,
        ),
        # more named bodies and bases
        ("Dans quelle université enseigne-t-il ?", "body", "la Corée du Sud", "", False),
        (
            "Which Ukrainian intelligence service intercepted the calls?",
            "body",
            "L'Ukraine",
            "",
            False,
        ),
        ("From which US air base did Milley fly?", "port", "En Norvège", "", False),
        # a building, a factory, a firm: not the city it is in
        ("Dans quel hôtel d'Oslo sont-ils réunis ?", "port", "Oslo", "", False),
        ("Dans quelle usine sont fabriqués les obus ?", "port", "Moscou", "", False),
        ("Dans quel hôpital se réveille Jim ?", "port", "St Thomas de Londres", "", True),
        ("Which company makes the drones?", "body", "Pyongyang et Téhéran", "", False),
        # a body of the nation the question names, three words after it at most
        (
            "Quelle agence de renseignement américaine a repéré les expéditions ?",
            "body",
            "le ministère russe de la Défense",
            "",
            False,
        ),
        (
            "Quelle agence de renseignement américaine a repéré les expéditions ?",
            "body",
            "la CIA",
            "",
            True,
        ),
        # who commands is someone, not the countries where
        (
            "Who commands the US forces stationed in Korea?",
            "person",
            "Corée et le Japon",
            "",
            False,
        ),
        ("Who commands the US forces stationed in Korea?", "person", "Paul LaCamera", "", True),
        ("Dans quelle ville russe se trouve l'usine ?", "city", "Téhéran", "", False),
        ("Dans quelle ville russe se trouve l'usine ?", "city", "Vladivostok", "", True),
        # the nation may qualify a complement of the place asked
        ("Dans quelle ville de l'Extrême-Orient russe ?", "city", "Pyongyang", "", False),
        ("Dans quelle ville d’Extrême-Orient russe ?", "city", "Pyongyang", "", False),
        ("Dans quelle ville de l'Extrême-Orient russe ?", "city", "Vladivostok", "", True),
        # a name that only looks like a nation ("Bhutto", Bhutan) is none
        (
            "Qui était le Premier ministre pakistanais en 1995 ?",
            "holder",
            "Benazir Bhutto",
            "Le Premier ministre Benazir Bhutto gouvernait alors.",
            True,
        ),
    ],
)
def test_bodies_sums_and_nations(question, kind, span, sentence, ok):
    assert asked(question) == kind
    assert span_fits(kind, span, question, sentence) is ok


def test_countries_are_named_in_french_or_english():
    assert countries("la Corée du Nord et la Russie") == {"KP", "RU"}
    assert countries("North Korea") == {"KP"}
    assert countries("les États-Unis") == {"US"}
    assert countries("Moscou") == set()
    # a meeting is not the island, in either language's name
    assert countries("La réunion des ministres de l'Otan") == set()
    assert countries("after the reunion in Oslo") == set()
    assert countries("Il est né à La Réunion, pas en France") == {"RE", "FR"}


def test_a_demonym_that_names_one_nation_is_sure():
    from qa.places import sure_demonym_nations

    assert sure_demonym_nations("du ministère japonais de la Défense") == {"JP"}
    # the side said beside it picks one Korea
    assert sure_demonym_nations("le ministère sud-coréen") == {"KR"}
    # "américaine" may be the US or American Samoa, "coréen" either Korea
    assert sure_demonym_nations("la chaîne américaine") == set()
    assert sure_demonym_nations("le ministère coréen") == set()


def test_the_role_s_complement_must_be_named():
    from qa.answertype import names_complement, role_complement

    kirby = "Le porte-parole du Conseil de sécurité nationale, John Kirby, a déclaré mercredi."
    c = role_complement("Qui est le porte-parole du Pentagone qui a commenté les livraisons ?")
    assert not names_complement(c, kirby, kirby)
    c = role_complement("Comment s’appelle le porte-parole du Conseil de sécurité nationale ?")
    assert names_complement(c, kirby, kirby)
    c = role_complement("Comment s’appelle le secrétaire général adjoint de l’Otan ?")
    jens = "Le secrétaire général de l'Otan, Jens Stoltenberg, a plaidé mercredi."
    assert not names_complement(c, jens, jens)
    c = role_complement("Qui est le président de la Corée du Sud, pays visé ?")
    trump = "Le président Donald Trump avait écrit à Kim, dirigeant de la Corée du Nord."
    assert not names_complement(c, trump, trump)
    # the nation an adjective of the complement names: Kirby is no Japanese spokesman
    c = role_complement("Quel porte-parole du ministère japonais de la Défense a parlé ?")
    assert not names_complement(c, kirby, kirby)
    ito = "Le porte-parole du ministère japonais de la Défense, Kenji Ito, a déclaré."
    assert names_complement(c, ito, ito)
    # a complement that names only a nation is one too
    c = role_complement("Comment s’appelle le porte-parole de la diplomatie ukrainienne ?")
    assert c is not None and c.countries == {"UA"}
    assert not names_complement(c, kirby, kirby)
    # the sentence's own complement of the role names another body: Kirby
    # is no Ukrainian army spokesman, though the sentence speaks of Ukraine
    c = role_complement("Comment s’appelle le porte-parole de l’armée ukrainienne ?")
    ukraine = "Le porte-parole du Conseil de sécurité nationale, John Kirby, parle de l’Ukraine."
    assert not names_complement(c, ukraine, ukraine)
    ihnat = "Le porte-parole de l’armée ukrainienne, Iouri Ihnat, a déclaré."
    assert names_complement(c, ihnat, ihnat)
    # a person of the complement may be named in the passage only
    c = role_complement("Qui est le directeur de la nouvelle équipe de Jean Stablinski ?")
    passage = "Jean Stablinski rejoint Saint-Raphaël. Il y retrouve Raoul Rémy, son directeur."
    assert names_complement(c, "Il y retrouve Raoul Rémy, son directeur.", passage)
    assert role_complement("Quel chef d'État étranger doit passer par la Maison Blanche ?") is None
    assert role_complement("Quel ministre ukrainien doit informer l'Otan ?") is None
    # "devait" begins with "de" and is no complement
    q = "Quel ministre ukrainien devait exposer ses besoins aux ministres de l'Alliance ?"
    assert role_complement(q) is None
    assert role_complement("Which US official described the letters as superficial?") is None


def test_a_kind_asked_in_another_clause_is_not_the_question_s():
    q = "Which official declined to estimate how much ammunition North Korea was sending?"
    assert asked(q) == "holder"
    assert asked("Qui a refusé de dire combien d'obus ont été livrés ?") == "person"
    assert asked("Combien d'obus ont été livrés ?") == "count"


def test_what_a_sum_is_for_and_who_leads():
    biden = "Le président Joe Biden a proposé 13,1 milliards de dollars en aide militaire."
    q = "Quel montant Joe Biden a-t-il proposé pour la reconstruction de l'Ukraine ?"
    assert not span_fits("sum", "13,1 milliards de dollars", q, biden)
    rebuild = "Biden a proposé 5 milliards de dollars pour la reconstruction."
    assert span_fits("sum", "5 milliards de dollars", q, rebuild)
    q = "Qui occupait la présidence du Comité militaire avant l’amiral Rob Bauer ?"
    assert not span_fits("person", "des Pays-Bas", q)
    assert span_fits("person", "le général Stuart Peach", q)
    q = "Qui dirige le Centre d’études stratégiques ?"
    assert not span_fits("person", "directeur du programme de sécurité", q)


def test_an_event_that_dates_answers_since_when():
    q = "Since when has the rules-based international order been in place?"
    assert span_fits("when", "Seconde Guerre mondiale", q)
    assert not span_fits("when", "l'ordre international", q)


def test_a_language_a_figure_and_a_reason():
    q = "Dans quelle langue ont été rédigées les lettres ?"
    assert asked(q) == "language"
    assert span_fits("language", "en russe", q)
    assert not span_fits("language", "nord-coréen Kim Jong Un ont échangé des lettres", q)
    q = "À quel niveau chiffré Stoltenberg veut-il porter les objectifs ?"
    assert not span_fits(asked(q), "rehausser", q)
    assert span_fits(asked(q), "2 %", q)
    q = "Pourquoi l’Allemagne a-t-elle été retenue pour la réunion ?"
    assert not span_fits(asked(q), "Milley", q)
    assert span_fits(asked(q), "pour sa base de Ramstein", q)


def test_a_description_a_sort_and_the_questions_own_person():
    q = "Comment le patron de l’Otan décrit-il l’intensité des affrontements ?"
    assert not span_fits(asked(q), "Rob Bauer", q)
    assert span_fits(asked(q), "les combats sont acharnés", q)
    q = "Quel type de roquettes la Russie achetait-elle à la Corée du Nord ?"
    assert not span_fits(asked(q), "des millions", q)
    assert span_fits(asked(q), "des roquettes Grad", q)
    q = "What types of defence-industry firms were invited to meet NATO ministers?"
    assert span_fits(asked(q), "PME", q)  # an acronym is a word however short
    assert not span_fits(asked(q), "la Russie", q)
    q = "According to Stoltenberg, who is conducting a large-scale counteroffensive?"
    assert not span_fits(asked(q), "Jens Stoltenberg", q)
    assert span_fits(asked(q), "Les forces ukrainiennes", q)
    assert span_fits(asked(q), "Sung-Yoon Lee", "Who said Kim would be emboldened?")
    q = "Selon Élysée, qui a lancé la contre-offensive ?"
    assert not span_fits(asked(q), "Édouard Élysée", q)  # accented capitals are names too
    q = "According to Shoigu, who is leading the talks?"
    assert not span_fits(asked(q), "Sergueï Choïgu", q)  # the surname in another spelling


def test_bodies_act_and_nato_countries():
    q = "Quel montant d’aide humanitaire l’Union européenne a-t-elle promis à l’Ukraine ?"
    assert not names_actors(actors(q), "Le président Joe Biden a proposé 8,5 milliards.")
    assert names_actors(actors(q), "L'UE a promis 50 milliards d'euros à Kiev.")
    q = "Quel pays de l'Otan a livré le plus de munitions à l'Ukraine ?"
    assert not span_fits("country", "Corée du Nord", q)
    assert span_fits("country", "le Danemark", q)


def test_who_said_quoted_words_and_officials_who_spoke():
    s = "« Si vous allez en Corée du Nord, vous touchez la lie », a déclaré Seth Jones, directeur."
    assert not only_speakers(
        "Seth Jones", s, "Quel expert qualifie la Corée du Nord de « pays désespéré » ?"
    )
    assert only_speakers("Seth Jones", s, "Quel programme dirige l'expert ?")
    kirby = (
        "“Un autre groupe de responsables russes s’est rendu à Pyongyang pour des accords entre"
        " la RPDC et la Russie”, a affirmé Kirby, utilisant l’acronyme."
    )
    q = "Quel responsable américain a employé l’acronyme RPDC pour désigner la Corée du Nord ?"
    assert span_fits("holder", "Kirby", q, kirby)  # the quote before him does not present him
    q = "Quel responsable militaire américain a estimé que l’Ukraine avait besoin d’armes ?"
    assert span_fits("holder", "Milley", q, "Milley a déclaré qu’il existe un besoin d’armes.")
    s = "Kirby a détaillé les conclusions quelques semaines seulement après la visite de Choïgu."
    assert not span_fits("count", "quelques semaines", "Combien de temps a duré la visite ?", s)
    q = "Combien de temps après la visite Kirby a-t-il parlé ?"
    assert span_fits("count", "quelques semaines", q, s)
    s = "Leur dernière réunion avant le sommet de l'Alliance dans un mois à Vilnius."
    assert not span_fits(
        "count", "un mois", "Combien de temps la contre-offensive va-t-elle durer ?", s
    )
    assert span_fits("count", "un mois", "Dans combien de temps se tient le sommet ?", s)
    q = "Combien des deux dirigeants ont signé un accord formel ?"
    assert span_fits(
        "count", "aucun", q, "bien qu’aucun des deux dirigeants n’ait signé d’accord formel"
    )


def test_a_word_names_a_country_only_as_its_name_or_demonym():
    q = "Quel pays est cité par son armée comme source du tir de missile nord-coréen ?"
    assert span_fits("country", "la Corée du Sud", q)  # "nord-coréen" is no South Korea
    assert not span_fits("country", "la Corée du Nord", q)
    assert span_fits("country", "Arménie", q)  # "armée" is no Armenia
    assert span_fits("country", "Grande-Bretagne", "Which countries meet in Norway?")
    # the capitals a question names are its countries, unless it asks where a place is
    q = "Which country acted as a go-between in the talks between Moscow and Pyongyang?"
    assert not span_fits("country", "la Russie", q)
    assert span_fits("country", "la Chine", q)
    assert span_fits("country", "la Lituanie", "Dans quel pays se trouve Vilnius ?")
    assert span_fits("country", "la Lituanie", "Quel pays accueille le sommet de Vilnius ?")
    # a demonym answers as its country's name would, unless the span names a place
    q = "L'armée de quel pays a conquis l'Algérie village par village ?"
    assert span_fits("country", "L'armée française", q)
    assert not span_fits("country", "Moyen-Orient ou d'Afrique du Nord", "Quel pays ?")
    assert not names_actors({"KR"}, "Le dirigeant nord-coréen est arrivé.")
    assert names_actors({"KR"}, "L'armée sud-coréenne a tiré.")
    assert names_actors({"TR"}, "Un drone turc, selon la presse turque.")
    assert names_actors({"PL"}, "Le ministre polonais a parlé.")
    assert not names_actors({"AT"}, "Une autre lettre au Congrès, sur l'indépendance.")


KIRBY = (
    "« Un autre groupe de responsables russes s’est rendu à Pyongyang pour des discussions "
    "sur d’éventuels accords d’armement », a déclaré Kirby."
)

DETAIL = (
    "Le porte-parole du Conseil de sécurité nationale, John Kirby, a détaillé les dernières "
    "conclusions quelques semaines seulement après la visite de Choïgu à Pyongyang."
)
AFFIRM = (
    "“Un autre groupe de responsables russes s’est rendu à Pyongyang”, a affirmé Kirby, "
    "utilisant l’acronyme de la République populaire démocratique de Corée."
)


@pytest.mark.parametrize(
    "span, sentence, question, speaker_only",
    [
        ("Kirby", KIRBY, "Qui dirigeait le groupe de responsables russes ?", True),
        ("Kirby", KIRBY, "Who led the group of Russian officials?", True),
        ("Milley", "Milley a déclaré que le groupe comprendrait des chefs.", "Qui a gagné ?", True),
        ("Kirby", "Cela a été confirmé, said Kirby.", "Who led the group?", True),
        # the source in an apposition ("Le porte-parole, John Kirby, a détaillé…"),
        # its first name too: a detail of the sentence, no answer to "who led"
        ("John Kirby", DETAIL, "Qui dirigeait le groupe de responsables russes ?", True),
        # but asked what the apposition says of him, he is the answer
        ("John Kirby", DETAIL, "Qui est le porte-parole du Conseil de sécurité ?", False),
        # a quote's end is no apposition: "…», a affirmé Kirby, utilisant…"
        ("Kirby", AFFIRM, "Qui dirigeait le groupe de responsables russes ?", True),
        # the question asks who said it
        ("Kirby", KIRBY, "Selon qui un groupe s'est-il rendu à Pyongyang ?", False),
        ("Kirby", KIRBY, "Qui a déclaré qu'un groupe s'était rendu à Pyongyang ?", False),
        ("Kirby", KIRBY, "D’après qui un groupe s'est-il rendu à Pyongyang ?", False),
        (
            "La Maison Blanche",
            "La Maison Blanche a révélé les nouveaux renseignements près de deux mois après.",
            "In the article, who revealed the new intelligence two months later?",
            False,
        ),
        # the speaker is presented with the question's words: an answer
        (
            "Seth Jones",
            "« C'est la lie », a déclaré Seth Jones, directeur du programme de sécurité.",
            "Qui dirige le programme de sécurité ?",
            False,
        ),
        # "dit groupe de Ramstein" is a name, "a déclaré à Fox News" an addressee
        ("Ramstein", "Le groupe, dit groupe de Ramstein, se réunit.", "Quel nom ?", False),
        ("Fox News", "Lee a déclaré à Fox News que le partenariat…", "Quelle agence ?", False),
        # a country speaks for itself; its name is no source to refuse
        ("Ukraine", "L'Ukraine a affirmé avoir intercepté.", "Qui a intercepté ?", False),
    ],
)
def test_the_speaker_of_the_sentence_is_no_answer(span, sentence, question, speaker_only):
    assert only_speakers(span, sentence, question) is speaker_only


@pytest.mark.parametrize(
    "span, question, source_only",
    [
        # who told it answers neither why nor how anyone reacted
        ("d’après l’armée sud-coréenne", "Why did North Korea fire a missile?", True),
        ("selon Séoul", "Comment la Corée du Sud a-t-elle réagi au tir ?", True),
        # unless the question asks the source
        ("d’après l’armée sud-coréenne", "Selon qui le missile a-t-il été tiré ?", False),
        ("according to Yonhap", "Which outlet reported the launch?", False),
        ("selon Kirby", "Qui a déclaré que la Corée du Nord livrait des obus ?", False),
        # a span that only holds a source's name somewhere else is not one
        ("des lettres selon la Maison Blanche", "Qu'ont échangé Poutine et Kim ?", False),
    ],
)
def test_an_attribution_is_no_answer_unless_a_source_is_asked(span, question, source_only):
    assert only_source(span, question) is source_only


def test_a_source_named_after_d_apres_in_the_sentence_is_an_attribution_too():
    sent = "La Corée du Nord a lancé un missile balistique, d’après l’armée sud-coréenne."
    span = "l’armée sud-coréenne"
    assert only_source(span, "Le missile fonctionnait-il au combustible solide ?", sent)
    assert not only_source(span, "According to News18, whose military reported the launch?", sent)
    assert not only_source(span, "Qui a tiré un missile ?", "L’armée sud-coréenne a tiré.")


def test_the_country_that_sets_the_scene_answers_only_where():
    from qa.answertype import only_setting

    sent = "En Norvège, les chefs de la défense de l’OTAN se réuniront dimanche."
    assert only_setting("Norvège", sent, "Quel pays ouvre la liste de Milley ?")
    assert not only_setting("Norvège", sent, "Dans quel pays les chefs se réunissent-ils ?")
    assert not only_setting("Norvège", sent, "Quel pays accueille la réunion ?")
    assert only_setting("En Norvège", sent, "Quel pays ouvre la liste de Milley ?")
    assert not only_setting("Norvège", sent, "Où les chefs se réunissent-ils ?")
    # "ou" (or) is no "où" (where)
    assert only_setting("Norvège", sent, "Quel pays, la France ou la Norvège, ouvre la liste ?")
    # a country the sentence names elsewhere, or a date that opens it, is not a setting
    assert not only_setting("France", "En Norvège, la France viendra.", "Quel pays viendra ?")
    assert not only_setting("juillet", "En juillet, Kim a écrit.", "Quel mois ?")


def test_a_measure_is_no_reason():
    q = "Pourquoi Pyongyang fournirait-il des obus de l'ère soviétique ?"
    assert not span_fits("why", "152 mm", q)
    assert span_fits("why", "pour sa guerre en Ukraine", q)
    # a list of things given is what, not why; a list of causes may be a reason
    things = "des armes antichar, des équipements de défense, des obus et d’autres équipements"
    assert not span_fits("why", things, q)
    assert span_fits("why", "la pénurie de munitions, de chars et d’avions", q)
    # a sum is how much, not why
    assert not span_fits("why", "1 milliard de dollars", q)
    assert not span_fits("why", "près de 2 millions de dollars", q)


def test_what_was_not_told_is_the_clause_that_says_so():
    sent = "La Maison Blanche n’a pas précisé le mode de transport ni si Washington agirait."
    start, end = not_told(sent)
    assert sent[start:end] == "n’a pas précisé le mode de transport ni si Washington agirait"
    refused = "Kirby a refusé de détailler comment ils avaient recueilli ces renseignements."
    assert refused[slice(*not_told(refused))].startswith("a refusé de détailler comment")
    assert not_told("La Maison Blanche a précisé que les obus passent par le rail.") is None


def test_who_leads_something_is_someone_the_sentence_says_leads():
    q = "Qui préside le comité des sanctions du Conseil de sécurité ?"
    kirby = "Le porte-parole du Conseil de sécurité nationale, John Kirby, a affirmé que…"
    assert asked(q) == "person"
    assert not span_fits("person", "John Kirby", q, kirby)
    bauer = "L’amiral Rob Bauer, président du Comité militaire de l’OTAN, a déclaré…"
    assert span_fits("person", "Rob Bauer", "Qui préside le Comité militaire ?", bauer)


def test_a_pick_that_only_names_the_speaker_is_dropped():
    from qa.answer import Pick, _typed

    q = "Qui dirigeait le groupe de responsables russes ?"
    source = Pick(hit=None, sentence=KIRBY, span="Kirby", confidence=0.99)
    assert _typed([source], 0.99, q) == ([], 0.0)


def test_typed_questions_keep_only_spans_of_the_kind_asked():
    from qa.answer import Pick, _typed

    q = "Combien d'ouvriers Pyongyang veut-il envoyer ?"
    vague = Pick(
        hit=None,
        sentence="Pyongyang veut envoyer des ouvriers.",
        span="des ouvriers",
        confidence=0.97,
    )
    counted = Pick(
        hit=None,
        sentence="Pyongyang enverrait 5 000 ouvriers.",
        span="5 000 ouvriers",
        confidence=0.91,
    )
    assert _typed([vague, counted], 0.97, q) == ([counted], 0.91)
    assert _typed([vague], 0.97, q) == ([], 0.0)  # on topic, no number: abstain
    # the sentence holds a number, but the reader's answer is not one
    near = Pick(
        hit=None, sentence="Les 17 ouvriers sont partis.", span="Les ouvriers", confidence=0.9
    )
    assert _typed([near], 0.9, q) == ([], 0.0)


def test_a_span_that_repeats_what_the_question_sets_aside_gives_way_to_the_next():
    from qa.answer import Pick, _typed

    q = "Apart from North Korea and Russia, which country recognized Donetsk?"
    sentence = "La Corée du Nord est la seule nation, à part la Russie et la Syrie, à le faire."
    syria = Pick(hit=None, sentence=sentence, span="la Syrie", confidence=0.8)
    korea = Pick(hit=None, sentence=sentence, span="La Corée du Nord", confidence=0.99)
    best = Pick(
        hit=None, sentence=sentence, span="La Corée du Nord", confidence=0.99, others=(syria,)
    )
    assert _typed([best], 0.99, q) == ([syria], 0.8)  # its confidence, not the best's
    assert _typed([korea], 0.99, q) == ([], 0.0)  # no next span: abstain
    # a question that sets nothing aside keeps to the best span
    plain = "Which country recognized Donetsk?"
    russia = Pick(hit=None, sentence=sentence, span="la Russie", confidence=0.9, others=(syria,))
    assert _typed([russia], 0.9, plain) == ([russia], 0.9)


def test_the_rest_of_what_is_set_aside_is_no_other_answer():
    from dataclasses import replace

    from qa.answer import Pick, _typed

    q = "Hormis les garanties, quels autres sujets divisent l'Alliance ?"
    told = "Plusieurs sujets divisent l'Alliance, notamment les garanties de sécurité à accorder."
    at = told.index("les garanties")
    aside = Pick(hit=None, sentence=told, span="les garanties de sécurité", start=at, end=at + 25)
    rest = replace(aside, span="de sécurité à accorder", start=at + 14, end=len(told) - 1)
    assert _typed([replace(aside, confidence=0.9, others=(rest,))], 0.9, q) == ([], 0.0)
    # a next item of a list that starts with what is set aside is another answer
    listed = "Plusieurs pays, la Corée du Sud et le Japon, sont visés."
    q = "Besides South Korea, which country is targeted?"
    korea = Pick(hit=None, sentence=listed, span="la Corée du Sud", start=16, end=31)
    japan = replace(korea, span="Corée du Sud et le Japon", start=19, end=43, confidence=0.7)
    assert _typed([replace(korea, confidence=0.9, others=(japan,))], 0.9, q) == ([japan], 0.7)


@pytest.mark.parametrize(
    "question, span, described",
    [
        ("Le pays qui a envoyé du personnel en Crimée a aussi entraîné qui ?", "l’Iran", True),
        (
            "What did the country that Kirby says is hiding its shipments fire?",
            "Corée du Nord",
            True,
        ),
        (
            "Le pays qui a envoyé du personnel en Crimée a aussi entraîné qui ?",
            "les troupes",
            False,
        ),
        # asked which country is described: the country answers
        ("Quel est le pays qui a envoyé du personnel en Crimée ?", "l’Iran", False),
        ("Which country that borders Ukraine stopped its deliveries?", "Pologne", False),
    ],
)
def test_the_country_a_question_describes_is_not_what_it_asks(question, span, described):
    from qa.answertype import asked, only_described

    assert only_described(question, span) is described
    assert asked("What did the country that Kirby names fire?") != "country"
    assert asked("What European country sent shells?") == "country"


@pytest.mark.parametrize(
    "question, span, purpose",
    [
        ("Qu'a offert Kim Jong Un à Vladimir Poutine ?", "pour discuter d'un accord", True),
        ("What did the administration do in response?", "pour fournir un soutien", True),
        ("Qu'a offert Kim Jong Un à Vladimir Poutine ?", "un fusil", False),
        # a reason reproached, what is called for, a why-question: not a purpose for what
        ("Qu'est-ce qu'on leur reprochait ?", "pour avoir postulé un mode linéaire", False),
        ("Qu'exigent les Républicains ?", "pour de larges réductions des dépenses", False),
        ("Pourquoi Kim est-il venu ?", "pour discuter d'un accord", False),
        ("Qu'a-t-il obtenu ?", "afin d'enquêter sur un magasin", True),
        ("Qu'a-t-il obtenu ?", "pour notre sécurité", False),
        ("Qu'a-t-il obtenu ?", "pourparlers", False),
    ],
)
def test_a_purpose_does_not_answer_what(question, span, purpose):
    from qa.answertype import only_purpose

    assert only_purpose(question, span) is purpose


def test_the_object_of_an_intended_act_is_read_after_the_purpose_s_verb():
    from qa.answer import Pick, _typed
    from qa.answertype import purpose_object
    from qa.types import Chunk, Hit

    span = "pour renforcer sa base industrielle de défense"
    q = "What does Kirby say Russia hopes to strengthen by buying shells?"
    assert span[purpose_object(q, span) :] == "sa base industrielle de défense"
    assert span[purpose_object("Que cherche à renforcer Moscou ?", span) :].startswith("sa base")
    # no intended act asked: the purpose stays refused, whole
    assert purpose_object("Qu'a offert Kim Jong Un à Poutine ?", span) == 0
    assert purpose_object("Pourquoi Moscou cherche-t-il à acheter des obus ?", span) == 0
    sentence = f"Kirby a affirmé que la Russie recherchait des obus {span}."
    hit = Hit(Chunk("d#0", "d", 0, sentence, 0, len(sentence), "h"), 1.0, 1)
    at = sentence.find(span)
    pick = Pick(hit, sentence, span, at, at + len(span), 0.9, 3.0)
    (got,), _ = _typed([pick], 0.9, q)
    assert (
        got.span == "sa base industrielle de défense" and sentence[got.start : got.end] == got.span
    )


@pytest.mark.parametrize(
    "span, question, echo",
    [
        ("la Corée du Nord", "Apart from North Korea, which country…?", True),
        ("la Syrie", "Apart from North Korea, which country…?", False),
        ("des drones", "Besides supplying drones, what else has Iran done?", True),
        ("entraîné des soldats", "Besides supplying drones, what else has Iran done?", False),
        ("ni", "Hormis le mode de transport, qu'a-t-elle tu ?", False),
    ],
)
def test_echoes(span, question, echo):
    from qa.answertype import echoes, sets_aside

    assert sets_aside(question)
    assert echoes(span, question) is echo


def test_the_reader_keeps_the_next_best_spans_of_a_passage():
    from qa.answer import ALTERNATIVE_GAP, read_passages
    from qa.config import Settings
    from qa.reader.spans import Reading
    from qa.types import Chunk, Hit

    text = "Pyongyang enverrait 5 000 ouvriers en Russie."

    class Reader:
        def read(self, question, texts):
            near = Reading(4.0, 20, 34, text[20:34])
            far = Reading(5.0 - ALTERNATIVE_GAP - 1, 38, 44, text[38:44])
            return [Reading(5.0, 0, 9, text[:9], (near, far))]

        def confidence(self, margin):
            return margin / 10

    hit = Hit(Chunk("d#0", "d", 0, text, 0, len(text), "h"), 1.0, 1)
    picks, conf = read_passages(Reader(), "Outre Pyongyang, combien ?", [hit], Settings())
    assert [p.span for p in picks] == ["Pyongyang"] and conf == 0.5
    # the far one is too far below the best to stand in for it
    assert [(o.span, o.confidence) for o in picks[0].others] == [("5 000 ouvriers", 0.4)]
    # a question that neither sets anything aside nor asks a kind that gives
    # way (`GIVES_WAY`) never reads them: none are built
    picks, _ = read_passages(Reader(), "Combien ?", [hit], Settings())
    assert [o.span for o in picks[0].others] == ["5 000 ouvriers"]
    picks, _ = read_passages(Reader(), "Qui enverrait des ouvriers ?", [hit], Settings())
    assert picks[0].others == ()


def test_a_count_or_time_refused_for_its_kind_alone_gives_way_to_the_next_span():
    from dataclasses import replace

    from qa.answer import Pick, _typed

    q = "Combien de formes différentes le gouvernement utilise-t-il ?"
    sentence = "En forme longue, le gouvernement utilise un nom différent dans ses trois langues."
    three = Pick(hit=None, sentence=sentence, span="trois", confidence=0.6)
    longue = Pick(hit=None, sentence=sentence, span="longue", confidence=0.9, others=(three,))
    assert _typed([longue], 0.9, q) == ([three], 0.6)
    # no next span of the kind: abstain, as before
    alone = Pick(hit=None, sentence=sentence, span="longue", confidence=0.9)
    assert _typed([alone], 0.9, q) == ([], 0.0)
    when = "Quand, par rapport à mars, la Maison Blanche a-t-elle signalé les armes ?"
    told = "En mars, elle avait signalé un accord ; à la fin de l'année dernière, des armes."
    end = Pick(hit=None, sentence=told, span="à la fin de l'année dernière", confidence=0.5)
    march = Pick(hit=None, sentence=told, span="En mars", confidence=0.8, others=(end,))
    assert _typed([march], 0.8, when) == ([end], 0.5)
    # the refused span with a clause more is no other span; completed by a word, it is
    qty = "Quelle quantité de munitions l'armée consomme-t-elle chaque mois ?"
    war = "La guerre a consommé une grande quantité de munitions et détruit un nombre important."
    big = Pick(hit=None, sentence=war, span="une grande quantité", start=21, end=40)
    longer = Pick(
        hit=None,
        sentence=war,
        span=war[21:-1],  # "… et détruit un nombre important"
        start=21,
        end=len(war) - 1,
        confidence=0.4,
    )
    assert _typed([replace(big, confidence=0.8, others=(longer,))], 0.8, qty) == ([], 0.0)
    number = Pick(hit=None, sentence=war, span="un nombre", start=65, end=74, confidence=0.8)
    important = replace(number, span="un nombre important", end=84, confidence=0.6)
    got = _typed([replace(number, others=(important,))], 0.8, qty)
    assert got == ([important], 0.6)
    # another kind keeps its refusal: a next country answered more unanswerable
    # questions than it saved
    country = "Quel pays a reconnu la région ?"
    north = "La Syrie a reconnu la région, a dit la Corée du Nord."
    syria = Pick(hit=None, sentence=north, span="La Syrie", confidence=0.5)
    region = Pick(hit=None, sentence=north, span="la région", confidence=0.8, others=(syria,))
    assert _typed([region], 0.8, country) == ([], 0.0)


def test_a_passage_that_does_not_name_the_acting_country_is_dropped():
    from qa.answer import Pick, _typed
    from qa.types import Chunk, Hit

    def pick(text, conf):
        hit = Hit(Chunk("d#0", "d", 0, text, 0, len(text), "h"), 1.0, 1)
        return Pick(hit=hit, sentence=text, span=text.split(":")[-1], confidence=conf)

    q = "Quelle aide militaire le Danemark a-t-il annoncée ?"
    other = pick("Les États-Unis ont annoncé une aide: 325 millions de dollars", 0.99)
    own = pick("Le Danemark a annoncé une aide: des obus", 0.8)
    assert _typed([other, own], 0.99, q) == ([own], 0.8)
    assert _typed([other], 0.99, q) == ([], 0.0)


def test_quoted_passage_weighs_the_reading_list_place():
    """A near-tie in margin goes to the passage retrieval ranked higher; a clear
    margin still wins from further down; confidence is the best margin's."""
    import math

    from qa.answer import PLACE_PRIOR, read_passages
    from qa.config import Settings
    from qa.reader.spans import Reading
    from qa.types import Chunk, Hit

    class Reader:
        def __init__(self, margins):
            self.margins = margins

        def read(self, query, texts):
            return [Reading(m, 0, 5, t[:5]) for m, t in zip(self.margins, texts)]

        def confidence(self, margin):
            return 1 / (1 + math.exp(-margin))

    texts = ["Alpha un fait. Suite.", "Bravo deux faits. Suite.", "Gamma trois faits. Suite."]
    hits = [
        Hit(Chunk(f"d#{i}", "d", i, t, 0, len(t), str(i)), 1.0, i + 1) for i, t in enumerate(texts)
    ]
    gap = PLACE_PRIOR * math.log1p(2)  # what place 2 gives up against place 0
    picks, conf = read_passages(Reader([3.0, 0.0, 3.0 + gap - 0.1]), "q ?", hits, Settings())
    assert picks[0].hit.rank == 1 and conf == Reader([]).confidence(3.0 + gap - 0.1)
    picks, _ = read_passages(Reader([3.0, 0.0, 3.0 + gap + 0.1]), "q ?", hits, Settings())
    assert picks[0].hit.rank == 3


def test_a_count_must_count_what_the_question_counts():
    q = "Combien de membres du personnel iranien ont été envoyés en Crimée ?"
    drones = "L'armée russe avait pris livraison de centaines de drones iraniens."
    assert not span_fits("count", "centaines", q, drones)
    assert span_fits("count", "une trentaine", q, "Une trentaine de membres sont partis.")
    shells = "Quelle quantité d'obus l'Iran a-t-il livrée ?"
    assert not span_fits("count", "centaines", shells, drones)
    assert span_fits("count", "des centaines", shells, "Des centaines d'obus livrés.")
    # "personnes" counts anyone: visitors, members
    people = "Combien de personnes ont fondé le club ?"
    assert span_fits("count", "quarante-quatre", people, "Fondé par quarante-quatre membres.")
    # a sum's number without its currency counts nothing; a count in millions does
    years = "Sur combien d'années l'enveloppe doit-elle être dépensée ?"
    package = "Il propose 13,1 milliards de dollars, dont 8,5 milliards de dollars d'aide."
    assert not span_fits("count", "8,5", years, package)
    assert span_fits("count", "deux", years, "Une enveloppe à dépenser sur deux ans.")
    millions = "Le pays a livré 2 millions d'obus."
    papers = "Combien d'articles doivent-ils publier ?"
    assert span_fits("count", "un ou plusieurs", papers, "Publier un ou plusieurs articles.")
    assert not span_fits("count", "un", papers, "Publier un article.")
    assert span_fits("count", "2 millions", "Combien d'obus le pays a-t-il livrés ?", millions)


def test_the_passage_must_hold_the_figures_the_question_states():
    from qa.answertype import figures, names_numbers

    q = figures("Quel montant l'Otan a-t-elle consacré à l'achat de munitions de 152 mm ?")
    assert not names_numbers(q, "Une ligne de crédits de 1 milliard pour des munitions de 155 mm.")
    assert names_numbers(q, "Des obus de 152 mm ont été livrés.")
    assert not names_numbers(figures("Quelle aide en 2022 ?"), "Le programme de 2023.")
    # short figures and figures inside names are paraphrased or named otherwise
    assert figures("Qui a acquis l'Inter en 55 ?") == set()
    assert figures("Qui a fabriqué la GAZ-69 ?") == figures("Who is credited by News18?") == set()
    # thousands spaced or not are one figure
    assert figures("Pourquoi 1 200 soldats ?") == {"1200"}
    assert names_numbers(figures("Pourquoi 1200 soldats ?"), "Les 1\u202f200 soldats sont partis.")
    # a question comparing or joining two facts states the other passage's figure
    assert figures("Quel calibre, différent des obus de 152 mm, vise la ligne ?") == set()
    assert figures("Which is larger: the package or the credit line for 155 mm shells?") == set()
    assert figures("Qui a à la fois proposé l'aide et conclu un accord de 325 millions ?") == set()
    assert figures("Outre les obus de 152 mm, quelles armes Pyongyang livre-t-il ?") == set()
    # a clause telling who is meant states another fact; a thing's clause does not
    described = (
        "Quelle aide propose le président qui, selon News18, a conclu un accord de 325 millions ?"
    )
    assert figures(described) == set()
    assert figures("Where are the factories that make the 152 mm shells?") == {"152"}


def test_a_vague_quantity_answers_quelle_quantite_but_not_combien():
    sent = "La Corée du Nord expédie secrètement un « nombre important » d’obus vers la Russie."
    span = "un « nombre important"
    assert span_fits("count", span, "Quelle quantité d'obus Pyongyang expédie-t-il ?", sent)
    assert not span_fits("count", span, "Combien d'obus Pyongyang expédie-t-il ?", sent)


def test_a_leader_needs_a_name_and_an_official_a_title():
    assert span_fits(
        "holder", "Biden", "Quel dirigeant américain a réitéré cet engagement ?", "Biden a réitéré."
    )
    assert not span_fits("holder", "Biden", "Which US official reiterated it?", "Biden reiterated.")


def test_a_calibre_question_prefers_a_measure_and_abstains_without_one():
    from qa.answer import Pick, _typed

    q = "Quel calibre d'obus pourraient-ils fournir ?"
    vague = Pick(hit=None, sentence="Des obus d'artillerie.", span="artillerie", confidence=0.95)
    measure = Pick(hit=None, sentence="Des obus de 152 mm.", span="152 mm", confidence=0.9)
    assert _typed([vague, measure], 0.95, q)[0] == [measure]
    # "quel est le calibre des obus livrés à Wagner" was answered "une livraison d'armes"
    assert _typed([vague], 0.95, q) == ([], 0.0)


def test_a_calibre_is_read_from_the_sentence_when_the_span_is_another_fact():
    from qa.answer import Pick, _typed
    from qa.types import Chunk, Hit

    text = (
        "Stoltenberg a parlé. "
        "Une ligne de crédits de 1 milliard a été adoptée pour des obus de 155 mm."
    )
    sentence = text[21:]
    hit = Hit(Chunk("d#0", "d", 0, text, 0, len(text), "h"), 1.0, 1)
    credit = Pick(hit=hit, sentence=sentence, span="1 milliard", confidence=0.9)
    (got,), _ = _typed([credit], 0.9, "Quel calibre vise la ligne de crédits ?")
    assert got.span == "155 mm" and text[got.start : got.end] == "155 mm"
    # a measure the question already states is none: no calibre, no answer
    assert _typed([credit], 0.9, "Quel calibre, autre que 155 mm, vise la ligne ?") == ([], 0.0)


def test_a_day_or_an_outlet_is_read_from_the_sentence_when_the_span_is_another_fact():
    from qa.answer import Pick, _typed
    from qa.types import Chunk, Hit

    def pick(sentence: str, span: str) -> Pick:
        text = "Stoltenberg a parlé. " + sentence
        hit = Hit(Chunk("d#0", "d", 0, text, 0, len(text), "h"), 1.0, 1)
        return Pick(hit=hit, sentence=sentence, span=span, confidence=0.9)

    meeting = pick("À un mois du sommet, les ministres se réunissent jeudi à Bruxelles.", "un mois")
    (got,), _ = _typed([meeting], 0.9, "Quel jour de la semaine les ministres se réunissent-ils ?")
    assert got.span == "jeudi" and got.hit.chunk.text[got.start : got.end] == "jeudi"
    # two days in the sentence: which one is not for the gate to guess
    both = pick(
        "Ils se réunissent jeudi, puis vendredi à Bruxelles, à un mois du sommet.", "un mois"
    )
    assert _typed([both], 0.9, "Quel jour les ministres se réunissent-ils ?") == ([], 0.0)
    cnn = pick(
        "Téhéran prévoit de fournir des armes à la Russie, selon un reportage de CNN.", "la Russie"
    )
    (got,), _ = _typed([cnn], 0.9, "Quelle chaîne a rapporté que Téhéran fournira des armes ?")
    assert got.span == "CNN"
    # a country is not a channel, and a sentence citing none answers nothing
    plain = pick("Téhéran prévoit de fournir des armes à la Russie.", "la Russie")
    assert _typed([plain], 0.9, "Quelle chaîne a rapporté que Téhéran fournira des armes ?") == (
        [],
        0.0,
    )


def test_a_why_question_takes_the_reader_s_span_in_the_sentence_closer_to_it():
    from qa.answer import Pick, _typed
    from qa.types import Chunk, Hit

    text = (
        "L'envoi d'armes du Nord violerait l'embargo des Nations unies. "
        "L'envoi de travailleurs violerait une résolution sur les travailleurs étrangers."
    )
    hit = Hit(Chunk("d#0", "d", 0, text, 0, len(text), "h"), 1.0, 1)
    first, second = text.split(". ")

    def pick(sentence: str, span: str, margin: float, others=()) -> Pick:
        at = text.find(span)
        return Pick(hit, sentence, span, at, at + len(span), 0.9, margin, others)

    workers = pick(second, "violerait une résolution", 2.0)
    arms = pick(first + ".", "violerait l'embargo", 3.0, (workers,))
    q = "Pourquoi l'envoi de travailleurs serait-il illégal ?"
    (got,), _ = _typed([arms], 0.9, q)
    assert got.span == "violerait une résolution" and text[got.start : got.end] == got.span
    # a question sharing as many words with both keeps the reader's best
    (got,), _ = _typed([arms], 0.9, "Pourquoi un tel envoi serait-il illégal ?")
    assert got.span == "violerait l'embargo"


def test_allies_and_governments_are_countries_and_a_kind_of_firm_is_no_one():
    from qa.answertype import asked

    allies = "Quels Alliés ont, selon Stoltenberg, les stocks de munitions les plus bas ?"
    assert asked(allies) == asked("Quels gouvernements étrangers l'ont supposé ?") == "country"
    assert asked("Which governments objected?") == "country"
    assert asked("What government post did Shoigu hold?") != "country"
    assert not span_fits("country", "Jens Stoltenberg", allies)
    assert span_fits("country", "la Pologne", allies)
    who = "Qui a invité les représentants de l'industrie de défense ?"
    assert not span_fits("person", "PME", who)
    assert span_fits("person", "Jens Stoltenberg", who)


def test_a_figure_belongs_to_the_weekday_next_to_it():
    from qa.answer import Pick, _typed
    from qa.passagecheck import figure_of_another_day
    from qa.types import Chunk, Hit

    sent = (
        "En Norvège, les chefs de la défense de l'OTAN donneront suite à leur réunion de "
        "samedi avec une réunion plus restreinte dimanche d'une douzaine de chefs."
    )
    saturday = "Combien de chefs de la défense ont participé à la réunion de samedi ?"
    sunday = "Combien de chefs de la défense ont participé à la réunion de dimanche ?"
    assert figure_of_another_day(saturday, "une douzaine", sent)
    assert not figure_of_another_day(sunday, "une douzaine", sent)
    # one weekday in the sentence: left to `another_day`
    assert not figure_of_another_day(saturday, "une douzaine", "Une douzaine samedi.")
    hit = Hit(Chunk("d#0", "d", 0, sent, 0, len(sent), "h"), 1.0, 1)
    pick = Pick(hit=hit, sentence=sent, span="une douzaine", confidence=0.9)
    assert _typed([pick], 0.9, saturday) == ([], 0.0)
    assert _typed([pick], 0.9, sunday) == ([pick], 0.9)


def test_a_specific_thing_is_a_name_or_a_figure():
    from qa.passagecheck import vague_for

    q = "Quels équipements précis le général Milley juge-t-il les plus urgents ?"
    assert vague_for(q, "des tirs d'artillerie")
    assert not vague_for(q, "des HIMARS") and not vague_for(q, "des obus de 155 mm")
    assert not vague_for("Quels équipements Milley juge-t-il urgents ?", "des tirs d'artillerie")
    assert vague_for("Which specific weapons did he list?", "missiles à plus longue portée")


def test_a_reason_shares_a_word_of_its_why_question():
    from qa.answer import Pick, _typed
    from qa.passagecheck import unrelated_reason
    from qa.types import Chunk, Hit

    q = "Pourquoi le domaine de Holmenkollen a-t-il été choisi pour accueillir les chefs ?"
    other = "Kim fournirait des munitions en échange de technologies avancées."
    assert unrelated_reason(q, other)
    assert not unrelated_reason(q, "Le domaine de Holmenkollen a été retenu pour sa capacité.")
    # only a why-question, and only within one language
    assert not unrelated_reason("Qui accueille les chefs ?", other)
    assert not unrelated_reason("Why was Holmenkollen chosen for the meeting?", other)
    hit = Hit(Chunk("d#0", "d", 0, other, 0, len(other), "h"), 1.0, 1)
    pick = Pick(hit=hit, sentence=other, span="en échange de technologies", confidence=0.9)
    assert _typed([pick], 0.9, q) == ([], 0.0)


def test_an_indo_pacific_country_is_in_asia_australia_or_the_pacific():
    q = "Which Indo-Pacific countries are on Milley's list for the Sunday meeting?"
    assert not span_fits("country", "Norvège", q)
    assert span_fits("country", "du Japon", q) and span_fits("country", "Nouvelle-Zélande", q)
    assert span_fits("country", "Corée du Sud", "Quel pays indo-pacifique a refusé ?")


def test_a_calibre_question_reads_further_for_a_measure():
    """The measure can sit a passage or two below the topic's best ones (the
    seeds' 152 mm was fourth for "le calibre des obus livrés par la Corée du
    Nord"): a calibre question reads the rest of the top k, and the best
    confident measure joins the picks however far behind the best margin."""
    import math
    from types import SimpleNamespace

    from qa.answer import _reading_list, _typed, read_passages
    from qa.config import Settings
    from qa.reader.spans import Reading
    from qa.types import Chunk, Hit

    class Reader:
        def read(self, query, texts):
            # the measure's passage reads far behind the others
            return [
                Reading(3.0, 8, 14, t[8:14]) if "152" in t else Reading(6.0, 4, 14, t[4:14])
                for t in texts
            ]

        def confidence(self, margin):
            return 1 / (1 + math.exp(-margin))

    texts = [
        "Des obus artillerie livrés.",
        "Un autre texte, sans mesure.",
        "Calibre 152 mm, dit Milley.",
    ]
    hits = [
        Hit(Chunk(f"d#{i}", "d", i, t, 0, len(t), str(i)), 1.0, i + 1) for i, t in enumerate(texts)
    ]
    settings = Settings(answer_passages=2)
    got = SimpleNamespace(hits=hits)
    q = "Quel est le calibre des obus livrés par la Corée du Nord ?"
    assert len(_reading_list(None, got, q, settings, "bm25", None)) == 3
    assert len(_reading_list(None, got, "Qui livre des obus ?", settings, "bm25", None)) == 2
    picks, conf = read_passages(Reader(), q, hits, settings)
    kept, _ = _typed(picks, conf, q)
    assert [p.span for p in kept] == ["152 mm"]
    picks, _ = read_passages(Reader(), "Qui livre des obus ?", hits, settings)
    assert "152 mm" not in [p.span for p in picks]


@pytest.mark.parametrize(
    ("question", "qualified"),
    [
        ("Comment Kirby a-t-il qualifié les lettres échangées ?", "les lettres echangees ?"),
        ("Comment Stoltenberg décrit-il les forces statiques ?", "les forces statiques ?"),
        ("Quel adjectif Fox News accole-t-il au partenariat ?", "au partenariat ?"),
        ("Quel qualificatif l'article applique-t-il aux efforts russes ?", "aux efforts russes ?"),
        ("Comment sont désignés les supporters de l'AC Milan ?", "les supporters de l'ac milan ?"),
        ("How does Stoltenberg describe the stocks?", "the stocks?"),
        ("How are US lawmakers described regarding aid?", "us lawmakers"),
        # a reaction to words that judge, a who-question: no description asked
        ("Comment le Kremlin a-t-il réagi aux propos de Milley jugeant l'aide peu décisive ?", ""),
        ("How did Beijing respond to Washington describing China as a challenge?", ""),
        ("Quel analyste juge que l'appui produit un effet pratique ?", ""),
    ],
)
def test_a_description_question_names_what_it_describes(question, qualified):
    from qa.passagecheck import _qualified

    assert _qualified(question) == qualified


def test_a_description_is_read_from_a_sentence_about_what_is_described():
    """The reader quoted what Russia sought ("obus d'artillerie
    supplémentaires") for how Kirby described the letters; the sentence that
    speaks of the letters was the fourth passage. A description question
    reads the rest of the top k, and a pick whose sentence shares no word
    with what is described gives way to the best confident one that does."""
    import math
    from types import SimpleNamespace

    from qa.answer import _reading_list, _typed, read_passages
    from qa.config import Settings
    from qa.passagecheck import unrelated_qualifier
    from qa.reader.spans import Reading
    from qa.types import Chunk, Hit

    q = "Comment Kirby a-t-il qualifié les lettres échangées entre Poutine et Kim ?"
    sought = "Kirby a dit que la Russie cherchait des obus supplémentaires."
    letters = "Il a ajouté que les lettres étaient plutôt superficielles."
    assert unrelated_qualifier(q, sought) and not unrelated_qualifier(q, letters)
    assert not unrelated_qualifier("Qui a écrit les lettres ?", sought)

    class Reader:
        def read(self, query, texts):
            def at(t, span, margin):
                return Reading(margin, t.find(span), t.find(span) + len(span), span)

            return [
                at(t, "plutôt superficielles", 3.0) if "lettres" in t else at(t, "des obus", 5.0)
                for t in texts
            ]

        def confidence(self, margin):
            return 1 / (1 + math.exp(-margin))

    texts = [sought, "Un autre texte, sur la Russie et les obus.", letters]
    hits = [
        Hit(Chunk(f"d#{i}", "d", i, t, 0, len(t), str(i)), 1.0, i + 1) for i, t in enumerate(texts)
    ]
    settings = Settings(answer_passages=2)
    assert len(_reading_list(None, SimpleNamespace(hits=hits), q, settings, "bm25", None)) == 3
    picks, conf = read_passages(Reader(), q, hits, settings)
    kept, _ = _typed(picks, conf, q)
    assert [p.span for p in kept] == ["plutôt superficielles"]


def test_the_byline_answers_only_questions_about_the_article():
    """The article's own lines close its text (qa/ingest.py); a name or a
    date in them is no answer to a question about something else."""
    from qa.answer import Pick, _typed
    from qa.types import Chunk, Hit

    def pick(line, span):
        hit = Hit(Chunk("d#9", "d", 9, line, 0, len(line), "h"), 1.0, 1)
        return Pick(hit=hit, sentence=line, span=span, confidence=0.9)

    byline = pick("Publié par : Aditi Ray Chowdhury", "Aditi Ray Chowdhury")
    stamp = pick("Dernière mise à jour : 30 août 2023, 23h23 IST", "30 août 2023")
    assert _typed([byline], 0.9, "Qui a signé l'article de News18 ?") == ([byline], 0.9)
    assert _typed([stamp], 0.9, "When was the News18 piece last updated?") == ([stamp], 0.9)
    assert _typed([byline], 0.9, "Who won the 2023 Rugby World Cup?") == ([], 0.0)
    assert _typed([stamp], 0.9, "What was Russia's inflation rate in August 2023?") == ([], 0.0)


@pytest.mark.parametrize(
    ("question", "kind", "span", "sentence", "ok"),
    [
        # how something travels: a way of travelling, not a purpose nor a country
        ("Par quel moyen de transport est-il venu ?", "means", "la Corée du Nord", "", False),
        ("Par quel moyen de transport est-il venu ?", "means", "en train blindé", "", True),
        ("Par quel moyen de transport relie-t-on ces quartiers ?", "means", "le RER E", "", True),
        (
            "Comment les obus sont-ils acheminés vers la Russie : par train ou par bateau ?",
            "means",
            "La Maison Blanche",
            "",
            False,
        ),
        (
            "Par quel moyen les lettres ont-elles été transmises ?",
            "means",
            "pour obtenir",
            "",
            False,
        ),
        ("Par quel moyen le journal est-il acheminé ?", "means", "par hibou", "", True),
        # asked with an active verb: a way, not a place
        ("How would Moscow ship the food to Pyongyang?", "means", "au Nord", "", False),
        ("How would Moscow ship the food to Pyongyang?", "means", "by rail", "", True),
        # a sum paid: money, not a count of drones
        ("How much money did Iran receive for the drones?", "paid", "centaines", "", False),
        (
            "How much money did Iran receive for the drones?",
            "paid",
            "1 milliard de dollars",
            "",
            True,
        ),
        # a weekday is no date
        ("À quelle date précise a-t-il atterri ?", "date", "dimanche", "", False),
        # nor is a month alone a date, precise or not
        ("À quelle date précise a-t-il atterri ?", "date", "août", "", False),
        ("À quelle date a-t-il atterri ?", "date", "août", "", False),
        ("À quelle date a-t-il atterri ?", "date", "août 2023", "", True),
        ("On what exact date did he land?", "date", "August 30", "", True),
        ("À quelle date exacte a-t-il atterri ?", "date", "le 30 août", "", True),
        (
            "À quelles dates exactes se tiendra le sommet ?",
            "date",
            "les 11 et 12 juillet",
            "",
            True,
        ),
        # "qui" is not answered by the question's own name
        (
            "Qui présidait le comité avant l'amiral Rob Bauer ?",
            "person",
            "L'amiral Rob Bauer",
            "",
            False,
        ),
        ("Qui présidait le comité avant l'amiral Rob Bauer ?", "person", "Stuart Peach", "", True),
        # a holder presented with another title
        (
            "Which US senator is leading the push?",
            "holder",
            "Le président Joe Biden",
            "Le président Joe Biden a demandé au Sénat 13 milliards.",
            False,
        ),
        (
            "Quel ministre a inauguré le tunnel ?",
            "holder",
            "Bruno Le Maire",
            "Le ministre Bruno Le Maire a inauguré le tunnel.",
            True,
        ),
        # the nation of the words presenting the span ("le ministre russe … Choïgu")
        (
            "Comment s'appelle le ministre sud-coréen de la Défense ?",
            "holder",
            "Choïgu",
            "Il a reçu le ministre russe de la Défense Sergueï Choïgu.",
            False,
        ),
        (
            "Comment s'appelle le ministre sud-coréen de la Défense ?",
            "holder",
            "Lee Jong-sup",
            "Le ministre sud-coréen de la Défense Lee Jong-sup l'a dit.",
            True,
        ),
        # "quel est le nom du ministre …" asks the holder too
        (
            "Quel est le nom du ministre nord-coréen de la Défense ?",
            "holder",
            "Sergueï Choïgu",
            "Il a reçu le ministre russe de la Défense Sergueï Choïgu.",
            False,
        ),
        (
            "Quel est le nom de l'ambassadeur de Corée du Nord à Moscou ?",
            "holder",
            "Sin Hong Chol",
            "L'ambassadeur de Corée du Nord à Moscou, Sin Hong Chol, les a reçus.",
            True,
        ),
        # one country, not only a region
        ("Par quel pays transitent les obus ?", "country", "pays d'Afrique du Nord", "", False),
        ("Par quel pays transitent les obus ?", "country", "la Biélorussie", "", True),
        ("Vers quels pays sont-ils envoyés ?", "country", "pays d'Afrique du Nord", "", True),
        # a region, by its name or its adjective, if the question does not name it
        (
            "Besides Western ones, leaders from which region attend the Sunday session?",
            "city",
            "indo-pacifiques",
            "",
            True,
        ),
        (
            "Outre les pays occidentaux, de quelle région viennent les invités ?",
            "city",
            "occidentaux",
            "",
            False,
        ),
        # the person the question names, by another spelling, is no one new
        (
            "Which Russian officials sat beside Putin at the summit?",
            "holder",
            "Vladimir Poutine",
            "",
            False,
        ),
        (
            "Which Russian officials sat beside Putin at the summit?",
            "holder",
            "Sergueï Choïgou",
            "Le ministre russe de la Défense Sergueï Choïgou était assis près de Poutine.",
            True,
        ),
        # an English count names the thing counted, in French or English
        ("How many satellites did it launch?", "count", "17", "Il a intercepté 17 appels.", False),
        (
            "How many satellites did it launch?",
            "count",
            "17",
            "17 satellites ont été lancés.",
            True,
        ),
    ],
)
def test_means_money_dates_and_titles(question, kind, span, sentence, ok):
    assert asked(question) == kind
    assert span_fits(kind, span, question, sentence) is ok


def test_the_day_someone_spoke_and_the_tense_of_when():
    sent = "Jens Stoltenberg a plaidé mercredi pour rehausser les objectifs."
    assert not span_fits("when", "mercredi", "Quand son mandat doit-il s'achever ?", sent)
    assert span_fits(
        "when", "mercredi", "Quand Stoltenberg a-t-il plaidé pour les objectifs ?", sent
    )
    told = "La Maison Blanche a affirmé mercredi disposer de lettres."
    assert span_fits(
        "day", "mercredi", "Quel jour la Maison Blanche a-t-elle fait état des lettres ?", told
    )
    # the month it was said, the day a source reported it
    august = "L'administration Biden a déclaré en août que l'armée russe avait reçu des drones."
    assert not span_fits("when", "août", "When did Russia first use Iranian drones?", august)
    assert span_fits("when", "août", "Quand l'administration Biden l'a-t-elle déclaré ?", august)
    cnn = "Téhéran prévoit de fournir des missiles à la Russie, selon un reportage de CNN mercredi."
    late = "Quand l'Iran prévoit-il de livrer les missiles évoqués dans le reportage de CNN ?"
    assert not span_fits("when", "mercredi", late, cnn)
    assert span_fits("day", "mercredi", "Quel jour CNN a-t-il rapporté ce projet ?", cnn)
    # a question about the past is not answered by "next week", nor the future by "last week"
    assert not span_fits("when", "la semaine prochaine", "When did Zelensky last visit Washington?")
    assert span_fits(
        "when", "la semaine prochaine", "Quand la question doit-elle dominer les débats ?"
    )
    assert not span_fits(
        "when", "la semaine dernière", "Quand la question doit-elle dominer les débats ?"
    )
    # the verb before the time: what will be is not what was, nor the reverse
    will = "De là, Milley assistera mardi à la réunion du Groupe de contact."
    remote = "À quand remonte la dernière rencontre entre Milley et le commandant ukrainien ?"
    assert asked(remote) == "when"
    assert not span_fits("when", "mardi", remote, will)
    assert span_fits("when", "mardi", "Quand Milley doit-il assister à la réunion ?", will)
    adopted = "Une ligne de crédits a été adoptée cette année pour des munitions."
    arrive = "Quand les munitions doivent-elles arriver en Ukraine ?"
    assert not span_fits("when", "cette année", arrive, adopted)
    assert span_fits("when", "cette année", "Quand la ligne a-t-elle été adoptée ?", adopted)


def test_one_holder_is_not_a_group():
    q = "Quel chef d'état-major sud-coréen participe à la réunion de dimanche ?"
    sent = "En Norvège, les chefs de la défense de l'OTAN se réuniront dimanche."
    assert asked(q) == "holder"
    assert not span_fits("holder", "les chefs de la défense de l'OTAN", q, sent)
    many = "Quels chefs d'état-major participent à la réunion de dimanche ?"
    assert span_fits("holder", "les chefs de la défense de l'OTAN", many, sent)


def test_a_holder_is_someone_not_an_institution_nor_a_place():
    q = "Which US official described the letters exchanged between Putin and Kim?"
    sent = "La Maison Blanche a affirmé mercredi que Poutine et Kim ont échangé des lettres."
    assert asked(q) == "holder"
    assert not span_fits("holder", "Maison Blanche", q, sent)
    assert not span_fits("holder", "Moscou", q, "Un responsable à Moscou a parlé.")
    kirby = "Le porte-parole John Kirby a affirmé que les lettres étaient superficielles."
    assert span_fits("holder", "John Kirby", q, kirby)
    # "quelle alliance réunit ses chefs" asks an alliance, not a chief
    assert asked("Quelle alliance réunit ses chefs de la défense près d'Oslo ?") != "holder"


@pytest.mark.parametrize(
    "question, span, refused",
    [
        ("Quel est le nom de la mer où est retombé le missile ?", "eaux orientales", True),
        ("Quel est le nom de la mer où est retombé le missile ?", "la mer du Japon", False),
        ("Comment s'appelle le porte-parole du Kremlin ?", "le porte-parole", True),
        ("Comment s'appelle le porte-parole du Kremlin ?", "Dmitri Peskov", False),
        ("What is the name of the city where NATO met?", "the capital", True),
        ("Sous quel nom de code s'est déroulée la démonstration ?", "une démonstration", True),
        # things that common nouns name: "l'élément 119", "un nom commun" (PIAF)
        ("Quel est le nom de l'élément 119 ?", "ununennium", False),
        ("Quel nom commun Médine n'aime-t-il pas ?", "le chien", False),
        ("Où est retombé le missile ?", "eaux orientales", False),
    ],
)
def test_a_name_asked_is_answered_by_a_name(question, span, refused):
    from qa.answertype import unnamed

    assert unnamed(question, span) is refused


def test_a_clause_or_a_part_is_not_the_kind_asked():
    # "when asked whether…" opens a clause; the question asks how
    assert asked("When asked whether the shells matter, how did Milley describe it?") != "when"
    assert asked("When did Milley land in Norway?") == "when"
    # "how much of X" asks a part of X, not a count
    assert asked("How much of the $325 million package is for air defence?") == "share"


def test_until_when_is_answered_by_an_end():
    q = "Jusqu'à quand la ligne de crédits reste-t-elle ouverte ?"
    assert not span_fits("until", "cette année", q, "La ligne adoptée cette année est ouverte.")
    assert span_fits("until", "2025", q, "La ligne reste ouverte jusqu’en 2025.")
    assert span_fits(
        "until", "la fin de l’année", q, "Elle reste ouverte jusqu’à la fin de l’année."
    )


def test_a_place_the_sentence_puts_in_another_country_is_not_the_region_asked():
    q = "Which Russian regions did the soldiers come from?"
    assert not span_fits("city", "Donbass", q, "Ils venaient de la région du Donbass en Ukraine.")
    assert span_fits("city", "Belgorod", q, "Ils venaient de la région de Belgorod en Russie.")
    assert span_fits("city", "Belgorod", q, "Ils venaient de Belgorod.")


def test_parts_exact_counts_years_and_demonyms():
    # a part is less than the whole
    part = "Quelle part des 8,5 milliards de dollars irait aux infrastructures ?"
    assert asked(part) == "share"
    assert not span_fits("share", "13,1 milliards de dollars", part)
    assert span_fits("share", "2 milliards de dollars", part)
    # a figure asked exactly is not a vague quantity
    exact = "Combien d'heures exactement se sont écoulées entre les deux tirs ?"
    assert not span_fits("count", "quelques heures", exact)
    assert span_fits("count", "trois heures", exact)
    # a date is no number of years
    years = "Depuis combien d'années écrit-elle pour News18 ?"
    assert not span_fits("count", "30 août 2023", years)
    assert span_fits("count", "douze ans", years)
    # "North Korean weapons" already names North Korea
    via = "Through which country did Wagner receive North Korean weapons?"
    assert not span_fits("country", "Corée du Nord", via)
    assert span_fits("country", "la Chine", via)
    # a country of the part of the world asked, by its time zones or, for the
    # Middle East, its states
    north_africa = "Quel pays d'Afrique du Nord sert de fausse destination aux obus ?"
    assert not span_fits("country", "Russie", north_africa)
    assert span_fits("country", "la Libye", north_africa)
    either = "Quel pays précis du Moyen-Orient ou d'Afrique du Nord ?"
    assert not span_fits("country", "Russie", either)
    assert span_fits("country", "l'Iran", either) and span_fits("country", "Égypte", either)
    assert not span_fits("country", "Etats-Unis", "Which European country pledged first?")
    assert span_fits("country", "les États-Unis et le Danemark", "Quel pays européen a promis ?")


def test_what_is_set_aside_and_a_later_who():
    from qa.answertype import echoes, sets_aside

    q = "En dehors de la nourriture, que Pyongyang obtiendrait-il de Moscou ?"
    assert sets_aside(q)
    assert echoes("la nourriture et d'autres produits", q)  # leads with what is set aside
    assert not echoes("une technologie d'armement avancée", q)
    late = "Selon l'article, qui a démenti que Téhéran ait fourni des drones ?"
    assert asked(late) == "person"
    assert not span_fits("person", "l'administration a révélé des informations", late)
    assert asked("Pourquoi Milley, qui a atterri à Oslo, est-il sceptique ?") == "why"


def test_generic_officials_areas_and_initials():
    q = "Quel haut responsable de l'OTAN a assuré samedi que les troupes reculent ?"
    sent = "L'amiral Rob Bauer, président du Comité militaire de l'OTAN, a déclaré samedi…"
    assert span_fits("holder", "Rob Bauer", q, sent)  # an official presented by any title
    # "toward what area" asks for a place, not a measure
    assert asked("Toward what area did the United States send a bomber?") != "measure"
    assert asked("Selon la dépêche, quelle puissance revendique Taïwan ?") != "measure"
    assert asked("What is the area of the island?") == "measure"
    # "US officials" are American: not the Ukrainian president
    us = "Which US officials did Stoltenberg meet in Washington?"
    assert not span_fits(
        "holder", "Volodymyr Zelensky", us, "le président ukrainien Volodymyr Zelensky"
    )
    assert span_fits(
        "holder", "Lloyd Austin", us, "le secrétaire américain à la Défense Lloyd Austin"
    )


def test_the_reader_reads_quel_jour_without_de_la_semaine():
    from qa.answer import for_reader

    assert (
        for_reader("Quel jour de la semaine Kirby a-t-il parlé ?")
        == "Quel jour Kirby a-t-il parlé ?"
    )
    assert (
        for_reader("On which day of the week did Kirby speak?") == "On which day did Kirby speak?"
    )
    assert (
        for_reader("Combien de semaines a duré la visite ?")
        == "Combien de semaines a duré la visite ?"
    )


def test_a_representative_is_of_the_nation_asked():
    from qa.answertype import represents_another

    sent = "Le président ukrainien Volodymyr Zelensky s'est rendu à la réunion."
    q = "Qui représente les Pays-Bas au sein du groupe restreint réuni dimanche ?"
    assert represents_another(q, "Volodymyr Zelensky", sent)
    assert not represents_another("Who will lead Ukraine's delegation?", "Volodymyr Zelensky", sent)
    # a name presented with no nation, or another kind of question, is left alone
    assert not represents_another(q, "Rob Bauer", "Rob Bauer a déclaré samedi que…")
    assert not represents_another("Qui a reçu les Pays-Bas ?", "Volodymyr Zelensky", sent)


def test_since_when_is_answered_by_a_start():
    from qa.answertype import no_start

    q = "Depuis quand l'ambassadeur est-il en poste ?"
    assert no_start(q, "En juillet", "En juillet, la Corée du Nord a reconnu les territoires.")
    assert not no_start(q, "juillet", "Les appels se plaignaient des pertes depuis juillet.")
    assert not no_start("Since when?", "1986", "À partir de 1986, les modèles ont été exportés.")
    assert not no_start("Quand ?", "En juillet", "En juillet, la Corée du Nord a reconnu…")


def test_a_thing_is_no_alliance_ministry_or_place():
    q = "Quel système de défense antiaérienne conçu en Norvège a été livré à l'Ukraine ?"
    assert asked(q) == "thing"
    assert not span_fits("thing", "OTAN", q)
    assert not span_fits("thing", "Défense", "Quels armements ont été présentés à Choïgou ?")
    assert not span_fits("thing", "Oslo", q)
    assert span_fits("thing", "NASAMS", q)
    assert span_fits("thing", "des missiles sol-sol à courte portée", "Which weapons?")


def test_a_choice_between_named_options_is_answered_by_one_of_them():
    from qa.answertype import not_an_option

    q = "Lequel des deux pays, la Chine ou l'Iran, a le plus aidé Poutine ?"
    assert not_an_option(q, "Asie et d'Asie Mineure")
    assert not not_an_option(q, "la Chine")
    assert not not_an_option(q, "Téhéran")  # the capital names the country
    q = "Lequel des deux dirigeants, Poutine ou Kim, a écrit le premier ?"
    assert not not_an_option(q, "Kim Jong Un")
    assert not not_an_option("Lequel des deux experts parle de famine ?", "Biden")  # no options


def test_who_did_not_may_be_told_in_the_next_sentence():
    from qa.answer import Pick, _typed
    from qa.types import Chunk, Hit

    text = (
        "Le général Milley était sceptique. "
        "Il ne voulait pas trop minimiser l'assistance. "
        "Les experts ont parlé."
    )
    chunk = Chunk("d#0", "d", 0, text, 0, len(text), "h")
    hit = Hit(chunk=chunk, score=1.0, rank=1)
    sentence = "Le général Milley était sceptique."
    pick = Pick(hit=hit, sentence=sentence, span="Milley", confidence=0.9)
    assert _typed([pick], 0.9, "Qui ne voulait pas trop minimiser l'assistance ?")[0] == [pick]
    # which ones did not: the sentence itself must say it
    countries = "Quels pays n'ont pas envoyé d'armes ?"
    listed = Pick(hit=hit, sentence=sentence, span="Milley", confidence=0.9)
    assert _typed([listed], 0.9, countries) == ([], 0.0)


def test_the_time_between_two_events_is_told_as_one():
    q = "Combien de jours se sont écoulés entre la fin du sommet et les réunions d'Oslo ?"
    trip = "Kim a achevé un voyage de six jours en Russie."
    assert not span_fits("count", "six jours", q, trip)
    told = "Kirby a parlé quelques jours seulement après que la Maison Blanche a accusé Moscou."
    assert span_fits("count", "quelques jours", q, told)
    # how long something lasted is another question
    assert span_fits("count", "six jours", "Combien de jours a duré le voyage ?", trip)


def test_a_who_question_quotes_the_subject_not_the_clause_it_runs_into():
    from qa.answer import Pick, _typed
    from qa.types import Chunk, Hit

    text = (
        "Les gouvernements étrangers et les experts ont émis l’hypothèse que Kim fournirait "
        "des munitions à la Russie."
    )
    hit = Hit(Chunk("d#0", "d", 0, text, 0, len(text), "h"), 1.0, 1)
    span = text[: text.index(" que Kim")]
    read = Pick(hit=hit, sentence=text, span=span, start=0, end=len(span), confidence=0.9)
    (got,), _ = _typed([read], 0.9, "Qui a supposé que Kim livrerait des munitions à Moscou ?")
    assert got.span == "Les gouvernements étrangers et les experts"
    assert text[got.start : got.end] == got.span
    # a span with no clause is kept as the reader read it
    at = text.index("Kim")
    kim = Pick(hit=hit, sentence=text, span="Kim", start=at, end=at + 3, confidence=0.9)
    (kept,), _ = _typed([kim], 0.9, "Qui a livré des munitions ?")
    assert kept.span == "Kim"


@pytest.mark.parametrize(
    ("question", "yes_no"),
    [
        ("Milley pense-t-il que l'appui de Pyongyang à Moscou sera déterminant ?", True),
        ("Est-ce que la Russie achète des obus à la Corée du Nord ?", True),
        ("Does the $325 million package include longer-range missiles?", True),
        ("Selon l'Otan, les Alliés peuvent-ils continuer au même rythme ?", True),
        # a fact or a choice is asked, whatever the word order
        ("Quel pays a-t-il livré des obus ?", False),
        ("Devant qui le général Milley a-t-il exprimé son scepticisme ?", False),
        ("Sur quoi Kirby s'appuie-t-il pour l'affirmer ?", False),
        ("Kirby a-t-il expliqué comment les responsables ont obtenu ces renseignements ?", False),
        ("Le missile fonctionnait-il au combustible solide ou liquide ?", False),
        ("Does the group meet before or after the ministers?", False),
        ("Qui a supposé que Kim livrerait des munitions ?", False),
        ("Who is the spokesman?", False),
    ],
)
def test_a_question_asked_yes_or_no(question, yes_no):
    from qa.answertype import asks_yes_no

    assert asks_yes_no(question) is yes_no


def test_a_yes_no_answer_leads_with_the_sentence_not_a_fact_of_it():
    from qa.answer import Pick, compose
    from qa.types import Chunk, Hit

    text = "Milley a dit que Pyongyang fournirait des obus de 152 mm, mais pas de façon décisive."
    hit = Hit(Chunk("d#0", "d", 0, text, 0, len(text), "h"), 1.0, 1)
    at = text.index("152 mm")
    pick = Pick(hit=hit, sentence=text, span="152 mm", start=at, end=at + 6, confidence=0.9)
    asked = "Milley pense-t-il que l'appui de Pyongyang sera décisif ?"
    answer = compose(asked, "fr", [pick], [hit], asked, 0.9)
    assert answer.answer == f"{text} [1]"
    assert answer.span == "152 mm"  # the JSON keeps the reader's span and its offsets
    calibre = "Quel calibre d'obus Pyongyang fournirait-il ?"
    assert compose(calibre, "fr", [pick], [hit], calibre, 0.9).answer.startswith("152 mm — ")


def test_an_aim_is_told_as_one_and_a_cause_is_not():
    from qa.answertype import asks_aim, told_as_aim

    q = "Dans quel but l'Iran a-t-il envoyé du personnel en Crimée ?"
    assert asks_aim(q) and asks_aim("To what end are Putin and Zelensky seeking support?")
    assert not asks_aim("Pourquoi l'Iran a-t-il envoyé du personnel en Crimée ?")
    isolated = (
        "La Corée du Nord et l'Iran sont isolés en raison de leurs programmes nucléaires et de "
        "leur bilan en matière de droits de l'homme."
    )
    assert not told_as_aim("leurs programmes nucléaires", isolated)
    sent = "L'Iran a envoyé du personnel en Crimée pour fournir un soutien technique aux drones."
    assert told_as_aim("fournir un soutien technique aux drones", sent)
    assert told_as_aim("pour fournir un soutien technique aux drones", sent)
    trump = (
        "Trump a échangé des lettres avec Kim dans une tentative infructueuse d'encourager le "
        "dirigeant nord-coréen à abandonner son programme d'armes nucléaires."
    )
    assert told_as_aim("abandonner son programme d'armes nucléaires", trump)
    # English "to" only right before the span; "but" is no aim there
    sent = "Moscow is seeking more shells to boost its defence industrial base."
    assert told_as_aim("boost its defence industrial base", sent)
    sent = "Both are isolated, but mostly because of their nuclear programmes."
    assert not told_as_aim("their nuclear programmes", sent)


def test_a_figure_naming_the_article_or_the_one_described_is_not_the_passages():
    from qa.answertype import figures

    assert figures("Combien de drones, selon l'article qui évoque les 325 millions ?") == set()
    assert not figures(
        "How many calls did Kyiv intercept, according to the Fox News Digital piece that "
        "mentions the $325 million deal?"
    )
    assert not figures(
        "Combien d'aide humanitaire a proposé le président avec lequel Zelensky a conclu un "
        "accord d'aide de 325 millions de dollars ?"
    )
    assert figures("Que comprend l'aide de 325 millions de dollars ?") == {"325"}


def test_a_place_alone_does_not_name_a_thing_asked():
    from qa.answertype import place_for_thing

    infra = "Quelles infrastructures les ouvriers nord-coréens aideraient-ils à reconstruire ?"
    assert place_for_thing(infra, "la Russie")
    assert place_for_thing("Quelles options de riposte Washington étudiait-il ?", "Pyongyang")
    assert not place_for_thing(infra, "des routes")
    # places, actors and events held somewhere are named by a place
    assert not place_for_thing("Quel pays a livré des obus ?", "la Corée du Nord")
    assert not place_for_thing("Quel sommet doit se tenir en juillet ?", "Vilnius")
    assert not place_for_thing("Which Middle Eastern state recognised Donetsk?", "la Syrie")
    assert not place_for_thing("Quels sont les pays limitrophes de la Grèce ?", "la Turquie")
    # a preposition may open the question
    depot = "At which Russian depot are the North Korean shells stored once they arrive?"
    assert place_for_thing(depot, "la Corée du Nord")
    assert place_for_thing("À quel stade en est la contre-offensive ?", "la Russie")
    assert not place_for_thing("Dans quelle ville le sommet a-t-il lieu ?", "Vilnius")


def test_a_moment_and_a_share_are_asked_in_more_words():
    assert asked("At what moment did Milley share his view?") == "when"
    assert asked("À quel moment Milley l'a-t-il dit ?") == "when"
    assert asked("At what point of the talks did he leave?") != "when"
    assert asked("Quelle est la part des drones iraniens dans les frappes ?") == "share"
    assert asked("What is the share of drones in the strikes?") == "share"


def test_a_value_is_money_only_of_something():
    assert expected("Quelle est la valeur de l'aide militaire apportée par la Chine ?") == "money"
    assert expected("Quelle valeur totale ont les armes livrées ?") == "money"
    q = "Quelle valeur Biden cite-t-il entre la souveraineté et la liberté ?"
    assert expected(q) != "money"


def test_whom_someone_works_for_is_not_who_acted():
    sentence = (
        "Sung-Yoon Lee, chercheur au Woodrow Wilson International Center for Scholars, "
        "a déclaré à Fox News Digital que le partenariat durerait."
    )
    q = "Who commands US Forces Korea, which Lee says Kim could provoke?"
    assert not span_fits("person", "Woodrow Wilson International Center for Scholars", q, sentence)
    assert span_fits("person", "Sung-Yoon Lee", "Qui a parlé à Fox News Digital ?", sentence)
    house = "La Maison Blanche a affirmé mercredi disposer de nouveaux renseignements."
    assert span_fits("person", "La Maison Blanche", "Who said it had new intelligence?", house)


def test_a_nation_asked_of_a_passage_that_names_none():
    from qa.answertype import names_no_nation, nation_asked

    q = "Quelle agence de presse officielle nord-coréenne a relayé le démenti ?"
    assert nation_asked("body", q)
    assert not nation_asked("body", "Quelle agence a relayé le démenti ?")
    assert nation_asked("holder", "Which US general said it?")
    assert names_no_nation("(Cette histoire est publiée à partir d’un fil d’agence – PTI)")
    assert not names_no_nation("L'agence KCNA de Pyongyang a relayé le démenti.")
    # a passage naming some nation may leave the one asked implicit
    assert not names_no_nation("Le général Mark Milley s'est dit sceptique quant à la Russie.")
    assert not names_no_nation("La Maison Blanche a dit.")


def test_who_wrote_the_article_is_in_its_byline():
    from qa.answertype import asks_author, signs

    assert asks_author("Qui est l'auteur de l'article révélant que Pyongyang expédie des obus ?")
    assert not signs("John Kirby", "Le porte-parole John Kirby a déclaré mercredi…")
    assert signs("Jane Doe", "Par Jane Doe. Le porte-parole John Kirby a déclaré…")
    # an author of something else is not asked here
    assert not asks_author("Qui est l'auteur du logo du club ?")


@pytest.mark.parametrize(
    "question",
    [
        "La Maison Blanche a-t-elle précisé par quel mode de transport les obus sont acheminés ?",
        "Kirby a-t-il expliqué comment les responsables avaient obtenu ces renseignements ?",
        "Did the White House say how the North Korean shells are being transported to Russia?",
    ],
)
def test_whether_someone_told_asks_no_kind_of_span(question):
    # "n'a pas précisé le mode de transport" answers: the embedded question's
    # kind (a means, a method) is not what the span must be
    assert asked(question) == "" and expected(question) == ""


def test_the_embedded_question_of_a_fact_asked_keeps_its_kind():
    assert asked("Par quel mode de transport les obus sont-ils acheminés ?") != ""
    assert asked("Comment les obus sont-ils acheminés vers la Russie ?") != ""
    # a fact asked before the verb of telling
    assert asked("Quand la Maison Blanche a-t-elle précisé comment les obus voyagent ?") != ""
