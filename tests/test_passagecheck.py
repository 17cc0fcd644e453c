"""The passage checks: whether a passage, or its sentence, is about what the
question asks (qa/passagecheck.py). Fast, no model."""

import pytest

from qa.passagecheck import (
    actors,
    another_day,
    asks_negated,
    asks_outcome,
    asks_reacting,
    asks_result,
    asks_sequence,
    bare_line,
    companion_elsewhere,
    duration_of_another,
    givers,
    gives_to_others,
    named_kind,
    names_actors,
    names_reactor,
    nation_speaks,
    negates,
    only_announced,
    only_proposed,
    other_lag,
    own_paragraph,
    places_in_sequence,
    reactors,
    recipients,
    reports_words_of,
    says_kind,
    tells_reaction,
    unnamed_in_passage,
    unreported_choice,
    unstated_act,
    unstated_birth,
    unstated_condition,
    unstated_pledge,
    unstated_topic,
    without_outlet,
    words_asked_of,
    words_of_nations,
)


def test_who_met_or_went_with_someone_is_told_where_they_are():
    zelensky = (
        "La question sera au centre des débats à Washington, lorsque le président ukrainien "
        "Volodymyr Zelensky se rendra à la Maison Blanche lors de son voyage."
    )
    for q in (
        "Qui accompagnait Jens Stoltenberg lors de son déplacement à Washington ?",
        "Qui Jens Stoltenberg a-t-il rencontré lors de son déplacement à Washington ?",
        "Who did Stoltenberg meet in Washington?",
    ):
        assert companion_elsewhere(q, zelensky), q
        assert not companion_elsewhere(q, "Stoltenberg a rencontré Blinken mardi."), q
        assert not companion_elsewhere(q, "Il a rencontré Blinken mardi."), q  # a pronoun
    # the one met is named in the sentence; no one named, nothing to check
    q = "Quels ministres ukrainiens accompagnaient Volodymyr Zelensky lors de son passage ?"
    assert not companion_elsewhere(q, zelensky)
    assert not companion_elsewhere("Qui accompagnait le président ?", zelensky)


def test_a_nations_role_speaks_where_its_nation_is_named():
    q = "Qu’a déclaré le ministre chinois de la Défense au sujet des obus nord-coréens ?"
    nations = words_of_nations(q)
    assert "CN" in nations and "KP" not in nations  # the topic's nation is not the speaker's
    milley = "Le général de l’armée américaine Mark Milley a déclaré que la Chine observait."
    assert not nation_speaks(nations, milley, milley)  # an American speaks
    assert not nation_speaks(nations, "Kirby a dit.", "Kirby a dit.")  # no China at all
    li = "Le ministre chinois de la Défense, Li Shangfu, a déclaré que…"
    assert nation_speaks(nations, li, li)
    assert words_of_nations("What did the Japanese defence chief say about the shells?") == {"JP"}
    # a named person's words are `words_asked_of`'s; a question asking no words, nothing
    assert words_of_nations("Qu’a déclaré le général Milley à propos de la Chine ?") == set()
    assert words_of_nations("Quel ministre chinois a parlé ?") == set()


def test_a_persons_words_are_not_a_quote_of_another_nor_what_is_said_of_them():
    # the quote goes on from Kirby's sentence: his words, not Choïgou's
    passage = (
        "Kirby a déclaré que la Russie cherchait des obus. « Après la visite de "
        "Choïgou, un autre groupe s’est rendu à Pyongyang. »"
    )
    quote = "« Après la visite de Choïgou, un autre groupe s’est rendu à Pyongyang. »"
    (choigou,) = words_asked_of("Qu’a déclaré Sergueï Choïgou à son retour ?")
    assert not reports_words_of(choigou, quote, passage)
    (kirby,) = words_asked_of("Qu’a déclaré John Kirby de ce groupe ?")
    assert reports_words_of(kirby, quote, passage)
    # Kim is named in what the media reported, not as the one who speaks
    media = "Les médias d’État russes ont rapporté qu’un gouverneur avait offert à Kim des drones."
    (kim,) = words_asked_of("Qu’a dit Kim Jong Un des drones ?")
    assert not reports_words_of(kim, media, media)
    spoke = "Kim a déclaré que les drones étaient un cadeau."
    assert reports_words_of(kim, spoke, spoke)
    # named after the verb as its speaker: his words
    inverted = "Le pays « est prêt à aider », a déclaré Kim."
    assert reports_words_of(kim, inverted, inverted)


@pytest.mark.parametrize(
    "question, codes",
    [
        ("Quel montant d'aide le Danemark a-t-il annoncé pour l'Ukraine ?", {"DK"}),
        ("Combien de chars l'Allemagne a-t-elle livrés ?", {"DE"}),
        ("Combien d'obus la Corée du Nord doit-elle livrer ?", {"KP"}),
        ("How much aid did Denmark announce for Ukraine?", {"DK"}),
        ("What is the name of Japan's defence chief?", {"JP"}),
        ("Qui représente la France au sein du groupe ?", {"FR"}),
        ("Qui représente les États-Unis au sein du groupe ?", {"US"}),
        # any verb inverted after its subject; a person is no country
        ("Quelle position l'Estonie défend-elle sur les garanties ?", {"EE"}),
        ("D'où le secrétaire général de l'Alliance revenait-il ?", set()),
        # places, beneficiaries and a meeting are no actors
        ("Quand se tient le sommet en Lituanie ?", set()),
        ("Quelle aide Biden propose-t-il pour l'Ukraine ?", set()),
        ("Où se déroule la réunion du groupe ?", set()),
    ],
)
def test_actors_are_the_countries_the_question_makes_act(question, codes):
    assert actors(question) == codes


def test_the_passage_must_name_the_actor_or_a_word_made_from_it():
    q = "Quel montant d'aide le Danemark a-t-il annoncé ?"
    assert not names_actors(actors(q), "Les États-Unis ont annoncé 325 millions de dollars.")
    assert names_actors(actors(q), "Le Danemark a annoncé 1 milliard.")
    assert names_actors(actors("Did Denmark pledge jets?"), "Le Danemark a promis des avions.")
    korea = "Combien d'obus la Corée du Nord a-t-elle livrés ?"
    assert names_actors(actors(korea), "Les obus nord-coréens sont arrivés.")
    assert names_actors(actors("What did the United States send?"), "Washington a envoyé un B-52.")
    assert names_actors(actors("Où est le sommet ?"), "Rien.")  # no actor: nothing to check


def test_a_capital_names_its_country_through_the_cldr_time_zones():
    korea = actors("Combien d'obus la Corée du Nord a-t-elle livrés ?")
    assert names_actors(korea, "Un convoi est parti de Pyongyang mardi.")
    assert not names_actors(korea, "Moscou a démenti.")
    assert names_actors(actors("L'Iran a-t-il livré des drones ?"), "Selon Téhéran, rien.")
    assert names_actors(actors("L'Ukraine a-t-elle reçu des obus ?"), "Kyiv a reçu des obus.")


def test_a_party_named_in_a_clause_of_time_is_not_the_one_reacting():
    q = "Comment la Maison Blanche a-t-elle réagi au tir de missile ?"
    (party,) = reactors(q)
    s = "Peu avant que la Maison Blanche ne publie ses informations, la Corée du Nord a tiré."
    assert not names_reactor(party, s)
    assert names_reactor(party, "La Maison Blanche a condamné le tir, après qu'il a eu lieu.")


def test_a_party_that_something_is_done_against_is_not_the_one_reacting():
    (party,) = reactors("Comment Moscou a-t-il réagi à l'appel de Jens Stoltenberg ?")
    s = "Il plaide pour un soutien accru aux forces ukrainiennes contre la Russie."
    assert not names_reactor(party, s)
    assert names_reactor(party, "La Russie a dénoncé un soutien accru contre elle.")


def test_a_reaction_asked_by_its_verb_is_told_by_words_or_a_reaction():
    assert asks_reacting("Comment Kiev a-t-il réagi aux révélations de John Kirby ?")
    assert asks_reacting("How did Donald Trump react to the proposal?")
    assert asks_reacting("Que pense Sung-Yoon Lee du projet ?")
    # a position or a reaction named may be an act ("sa reconnaissance de Donetsk")
    assert not asks_reacting("Quelle est la position de Pyongyang sur la guerre ?")
    shipped = "La Corée du Nord expédie un « nombre important » d'obus vers la Russie et l'Ukraine."
    assert not tells_reaction(shipped)
    assert tells_reaction("Kiev a dénoncé ces livraisons.")
    assert tells_reaction("« C'est inacceptable », a déclaré le ministre ukrainien.")
    assert tells_reaction("Moscou a exprimé son optimisme quant à la coopération.")


def test_a_party_set_aside_is_not_the_one_reacting():
    (syria,) = reactors("Comment la Syrie a-t-elle accueilli la reconnaissance par Pyongyang ?")
    aside = (
        "La Corée du Nord est devenue la seule nation, à part la Russie et la Syrie, à "
        "reconnaître l'indépendance des territoires."
    )
    assert not names_reactor(syria, aside)
    assert names_reactor(syria, "La Syrie a salué la reconnaissance par Pyongyang.")


def test_the_place_where_something_happens_is_not_the_one_reacting():
    (party,) = reactors("Comment Kiev a-t-il réagi à l'offre d'ouvriers de Pyongyang ?")
    s = "Pyongyang veut envoyer des ouvriers pour reconstruire dans l'est de l'Ukraine."
    assert not names_reactor(party, s)
    assert not names_reactor(party, "Pyongyang a reconnu les territoires en Ukraine.")
    assert names_reactor(party, "L'Ukraine a dénoncé l'envoi d'ouvriers dans le Donbass.")
    (korea,) = reactors("How did North Korea react to the drills?")
    assert not names_reactor(korea, "The drills were a show of force against North Korea.")


def test_what_someone_thinks_is_told_by_them():
    q = "Que pense Sung-Yoon Lee du projet d'envoyer des ouvriers nord-coréens dans le Donbass ?"
    (lee,) = reactors(q)
    workers = "Les Nord-Coréens ont manifesté leur intérêt à envoyer des ouvriers du bâtiment."
    assert not names_reactor(lee, workers)
    assert names_reactor(lee, "Sung-Yoon Lee a déclaré que le projet servirait Pyongyang.")
    (kirby,) = reactors("What does Kirby think of the letters?")
    assert names_reactor(kirby, "Kirby a qualifié les lettres de superficielles.")
    assert reactors("Que pense-t-on du projet ?") == []


def test_the_country_given_to_is_named_by_the_passage():
    q = "Quel montant d'aide militaire les États-Unis ont-ils accordé à Taïwan ?"
    assert recipients(q) == {"TW"}
    ukraine = "Zelensky a conclu un accord avec le président Biden pour une aide de 325 millions."
    assert not names_actors(recipients(q), ukraine)
    assert names_actors(recipients(q), "Washington a accordé 80 millions de dollars à Taipei.")
    assert recipients("How many shells did South Korea send to the United States?") == {"US"}
    assert recipients("Combien d'obus la Corée du Nord a-t-elle livrés à la Russie ?") == {"RU"}
    # a place where, not one given to
    assert recipients("Combien de chefs se réunissent à Oslo ?") == set()
    # a capital names its country
    assert recipients("Combien de drones Moscou prévoit-elle de livrer à Pyongyang ?") == {"KP"}


def test_a_gift_told_the_other_way_round_answers_nothing():
    q = "Combien de drones la Corée du Nord a-t-elle fournis à la Russie ?"
    gift = "Un gouverneur régional russe avait offert à Kim cinq drones « kamikaze »."
    assert gives_to_others(recipients(q), gift)
    assert not gives_to_others(recipients(q), "Pyongyang a livré à Moscou des obus.")
    # a sentence that tells no one given to is left to the other checks
    assert not gives_to_others(recipients(q), "Les drones sont arrivés en Russie.")


def test_a_party_named_only_inside_a_quote_is_not_the_one_reacting():
    (seoul,) = reactors("Comment Séoul a-t-il réagi à l'hypothèse d'une aide russe ?")
    quoted = (
        "« La Russie pourrait aider la Corée du Nord, ce qui encouragerait Kim à devenir "
        "provocateur à l'égard des États-Unis, de la Corée du Sud et du Japon », a-t-il ajouté."
    )
    assert not names_reactor(seoul, quoted)
    assert names_reactor(seoul, "« Nous condamnons ces livraisons », a réagi la Corée du Sud.")
    assert names_reactor(seoul, "Séoul a répondu que « la Corée du Sud ne cédera pas ».")


@pytest.mark.parametrize(
    "question, sentence, answers",
    [
        # someone else's words on the same subject answer no reaction question
        (
            "Comment le Kremlin a-t-il réagi aux propos de Mark Milley ?",
            "Le général Mark Milley s’est dit « sceptique » quant à cette contribution.",
            False,
        ),
        ("Comment le Kremlin a-t-il réagi ?", "Le Kremlin a rejeté ces accusations.", True),
        ("How did the Kremlin respond?", "Dmitri Peskov, porte-parole du Kremlin, a nié.", True),
        ("How did the Kremlin respond?", "Milley s'est dit sceptique.", False),
        # named only in what someone else said: the topic, not the one reacting
        (
            "Comment Pyongyang a-t-il réagi aux propos du général Milley ?",
            "Le général Milley s’est dit sceptique quant à l'aide de la Corée du Nord.",
            False,
        ),
        (
            "Comment le Kremlin a-t-il réagi ?",
            "Le porte-parole du Kremlin, Dmitri Peskov, a déclaré que c'était faux.",
            True,
        ),
        ("Comment le Kremlin a-t-il réagi ?", "« C'est faux », a déclaré le Kremlin.", True),
        ("Comment Moscou a-t-il réagi ?", "La Russie a démenti.", True),
        ("How did Russia react?", "Moscow denied it.", True),
        ("Comment Kiev a-t-il réagi ?", "Il a ajouté que les lettres étaient vides.", False),
        ("Comment Kiev a-t-il réagi ?", "L'Ukraine a dénoncé ces livraisons.", True),
        # every party the question names
        (
            "Comment Pyongyang et Moscou ont-ils réagi aux accusations américaines ?",
            "La Corée du Nord et la Russie ont précédemment nié les allégations américaines.",
            True,
        ),
        ("Quelle est la position de l’Inde sur ce rapprochement ?", "Pour les alliés, non.", False),
        ("What was China's official reaction?", "Pékin a appelé au calme.", True),
        # a body under another of its names; a person by a word of their name
        ("Comment l'Union européenne a-t-elle réagi ?", "L'UE a condamné ces livraisons.", True),
        ("Comment l'Union européenne a-t-elle réagi ?", "Pyongyang expédie des obus.", False),
        ("Quelle a été la réaction de l'OTAN ?", "L'Alliance atlantique a dénoncé…", True),
        ("Comment Zelensky a-t-il réagi ?", "Volodymyr Zelensky a salué l'annonce.", True),
        # hosting is no reaction; no reaction asked, nothing to check
        ("Dans quelle ville Poutine a-t-il accueilli Kim ?", "À Vostotchny.", True),
        ("Comment Poutine a-t-il accueilli Kim ?", "Avec une garde d'honneur.", True),
        # an idea received is one
        (
            "Comment les émissaires de Donetsk ont-ils accueilli l'idée ?",
            "Les Nord-Coréens ont manifesté leur intérêt.",
            False,
        ),
        (
            "Comment les émissaires de Donetsk ont-ils accueilli l'idée ?",
            "Les émissaires de Donetsk l'ont saluée.",
            True,
        ),
        ("Combien d'obus ont été livrés ?", "Un million.", True),
    ],
)
def test_a_reaction_is_answered_by_a_sentence_naming_who_reacts(question, sentence, answers):
    assert all(names_reactor(party, sentence) for party in reactors(question)) is answers


@pytest.mark.parametrize(
    "question, sentence, answers",
    [
        # the post held now answers no question about the one held before
        (
            "Quel poste Seth Jones occupait-il avant de rejoindre le centre ?",
            "« C'est la lie », a déclaré Seth Jones, directeur du programme de sécurité.",
            False,
        ),
        (
            "Quel poste occupait-il avant de rejoindre le centre ?",
            "Il était auparavant conseiller au Pentagone.",
            True,
        ),
        ("Qui doit succéder au général Milley ?", "Le général Milley a déclaré samedi…", False),
        ("Qui doit succéder au général Milley ?", "Le général Brown lui succédera.", True),
        ("Where was the summit held the year before Vilnius?", "Le sommet de Vilnius.", False),
        ("Where was the summit held the year before Vilnius?", "After Madrid, Vilnius.", True),
        ("Quel pays accueillera la prochaine réunion ?", "La prochaine réunion aura lieu…", True),
        ("Who will succeed Stoltenberg at NATO?", "Stoltenberg leads NATO.", False),
        # "succès" is no succession
        ("Qui succédera à l'amiral Bauer ?", "Bauer : « Chaque succès est un pas »", False),
        # a sequence told by its years
        (
            "Qui est le successeur d'Olivetti à la tête du club ?",
            "En 1923 est arrivé Olivetti et en 1926 c'est au tour de Borletti.",
            True,
        ),
        # no sequence asked (the predecessor is only named), nothing to check
        ("Quelle maladie a terrassé le prédécesseur du général ?", "Il meurt de la fièvre.", True),
        ("Qui dirige l'Otan ?", "Stoltenberg dirige l'Otan.", True),
    ],
)
def test_what_came_before_or_after_is_answered_by_a_sentence_that_says_so(
    question, sentence, answers
):
    assert (not asks_sequence(question) or places_in_sequence(sentence)) is answers


def test_a_sum_voted_or_paid_is_not_the_sum_proposed():
    voted = "Quel montant le Congrès américain a-t-il finalement voté ?"
    assert asks_outcome(voted) and asks_outcome("How much has Congress approved?")
    assert asks_outcome("Quel est le montant total de l'aide déjà versée à l'Ukraine ?")
    assert not asks_outcome("Quel montant Joe Biden a-t-il proposé ?")
    # "vers" (towards) is no payment
    assert not asks_outcome("Combien d'obus ont été expédiés vers la Russie ?")
    assert only_proposed("Le président Joe Biden a proposé un programme de 13,1 milliards.")
    assert only_proposed("Kyiv réclame 1 milliard de dollars pour des missiles.")
    assert not only_proposed("Le Congrès a approuvé 6 milliards, moins que proposé.")
    assert not only_proposed("La ligne de crédits adoptée cette année compte 1 milliard.")
    assert not only_proposed("Zelensky et Biden ont conclu un accord de 325 millions.")


@pytest.mark.parametrize(
    "question, sentence, answers",
    [
        # who did not: a sentence that lists who did says nothing of it
        (
            "Quels pays membres de l'OTAN n'ont pas envoyé leur chef de la défense ?",
            "En Norvège, les chefs de la défense de l’OTAN se réuniront samedi.",
            False,
        ),
        (
            "Quels pays membres de l'OTAN n'ont pas envoyé leur chef de la défense ?",
            "Seule la Hongrie n'a envoyé personne.",
            True,
        ),
        ("Which allies did not send weapons?", "Denmark and the Netherlands sent jets.", False),
        ("Which allies didn't send weapons?", "All sent weapons except Hungary.", True),
        (
            "Quelle méthode n'est pas utilisée ?",
            "C'est l'observation qui compte, et non le calcul astronomique.",
            True,
        ),
        # not asking who did not: nothing to check; nor "not" in what was said
        (
            "Quel responsable américain a reconnu qu'on ne savait pas combien d'obus ?",
            "Le général Mark Milley a déclaré que la rencontre conduirait à des livraisons.",
            True,
        ),
        ("Which official said that he did not know?", "Milley said the talks went on.", True),
        ("Quels pays ont envoyé leur chef de la défense ?", "La Norvège l'a fait.", True),
        ("Pourquoi Kim est-il venu ?", "Il a accueilli Kim.", True),
        # why something did not happen: told where it is said not to have happened
        ("Pourquoi Kim n'a-t-il pas signé ?", "Il a accueilli Kim.", False),
        ("Pourquoi n'ont-ils signé aucun accord ?", "Rien n'a été signé, faute de temps.", True),
        ("Why does Stoltenberg say he never confirms rumours?", "Les rumeurs courent.", False),
        ("Why didn't Kim sign?", "Kim did not sign because talks stalled.", True),
        ("Pourquoi Kirby a-t-il refusé de répondre ?", "Kirby a parlé des obus.", False),
        # a "ne pas" of an infinitive is what is judged, not what did not happen
        ("Pourquoi jugent-ils dangereux de ne pas agir ?", "Ils jugent que c'est risqué.", True),
    ],
)
def test_who_did_not_is_answered_by_a_sentence_that_denies_or_excludes(question, sentence, answers):
    assert (not asks_negated(question) or negates(sentence)) is answers


MILLEY = (
    "Le général Milley a déclaré samedi que l'aide était vitale. "
    "« C'est important », a-t-il ajouté. Il a ajouté que la guerre durerait. "
    "Kirby a déclaré que l'Iran livrait des drones."
)


@pytest.mark.parametrize(
    "question, sentence, answers",
    [
        # nobody of that name in the passage
        ("What did Xi Jinping say about the summit?", "Kirby a déclaré que l'Iran…", False),
        ("Qu'a déclaré Antony Blinken à propos des obus ?", "Kirby a déclaré que…", False),
        # someone else named as the sentence's speaker
        (
            "What did General Milley say about Iran's drones?",
            "Kirby a déclaré que l'Iran livrait des drones.",
            False,
        ),
        # the person as the speaker, or a pronoun standing for them
        (
            "What did General Milley say about the aid?",
            "Le général Milley a déclaré samedi que l'aide était vitale.",
            True,
        ),
        ("What did General Milley say about the war?", "Il a ajouté que la guerre durerait.", True),
        ("What did General Milley say?", "« C'est important », a-t-il ajouté.", True),
        # a quote in single marks, attributed by an inverted verb of speech
        (
            "What does General Milley say the weapons are doing?",
            "'Les armes fournies font la différence', a-t-il insisté.",
            True,
        ),
        # the article's narration names him, but tells nothing he said
        (
            "What did General Milley say about the war?",
            "La guerre a poussé le général Milley à chercher tout soutien possible.",
            False,
        ),
        ("What did General Milley say about the war?", "« La guerre durera. »", True),
        # no one's words asked: nothing to check
        ("Quand Kirby a-t-il parlé ?", "Rien.", True),
    ],
)
def test_a_persons_words_come_from_a_passage_naming_them(question, sentence, answers):
    names = words_asked_of(question)
    assert all(reports_words_of(n, sentence, MILLEY) for n in names) is answers


@pytest.mark.parametrize(
    "question, sentence, other",
    [
        # the sentence dates its fact by another weekday or month only
        (
            "Dans quelle ville Stoltenberg a-t-il lancé mercredi son appel ?",
            "Les fournitures d'armes seront jeudi au coeur des discussions, à un mois de Vilnius.",
            True,
        ),
        ("How many calls were intercepted in August?", "17 appels en juillet.", True),
        # the question's own day among others, or no day at all: left to the rest
        ("Combien de chefs réunis samedi ?", "Après samedi, une douzaine dimanche.", False),
        ("Combien de chefs réunis samedi ?", "Une douzaine de chefs militaires.", False),
        ("Who spoke on Wednesday?", "Kirby a déclaré mercredi que…", False),
        # English "may" is no month
        ("Who may attend in July?", "Ils se réuniront en juillet.", False),
    ],
)
def test_a_sentence_about_another_day(question, sentence, other):
    assert another_day(question, sentence) is other


def test_the_agent_of_a_passive_acts():
    assert actors("À combien s'élève l'aide militaire promise par la Belgique à l'Ukraine ?") == {
        "BE"
    }
    assert actors("Quel montant a été annoncé par les États-Unis ?") == {"US"}
    assert actors("How much was pledged by Denmark?") == {"DK"}
    # "par" without a verb of giving is no agent
    assert actors("Quel pays est traversé par le Danube ?") == set()


_KIRBY = (
    "John Kirby a détaillé les dernières conclusions quelques semaines seulement après "
    "que la Maison Blanche a affirmé que Choïgou avait appelé Pyongyang à vendre des munitions."
)


@pytest.mark.parametrize(
    "question, span, sentence, other",
    [
        # the lag dates Kirby's findings, not Kim's journey
        (
            "Combien de temps après l'échange de lettres Kim s'est-il rendu en Russie ?",
            "quelques semaines",
            _KIRBY,
            True,
        ),
        (
            "Combien de temps après la Maison Blanche Kirby a-t-il détaillé ses conclusions ?",
            "quelques semaines",
            _KIRBY,
            False,
        ),
        # the event before the lag may be told by a pronoun: not compared
        (
            "Combien de temps s'est écoulé entre le dernier titre de l'Inter et celui de 2006 ?",
            "quinze ans",
            "En 2006, le titre est obtenu par l'Inter quinze ans après le précédent.",
            False,
        ),
        # a date next to "après" is no lag; another language is not compared
        (
            "En quelle année le club a-t-il repris son nom ?",
            "octobre 1945",
            "En octobre 1945, après la chute du régime, le club retrouve son nom.",
            False,
        ),
        (
            "How long after the letters did Kim travel to Russia?",
            "quelques semaines",
            _KIRBY,
            False,
        ),
        # a deadline is no lag between two past events, whatever words it shares
        (
            "Dans quel délai John Kirby s'attend-il à un accord sur les munitions ?",
            "quelques semaines",
            _KIRBY,
            True,
        ),
    ],
)
def test_a_lag_answers_only_a_question_about_the_event_it_dates(question, span, sentence, other):
    assert other_lag(question, span, sentence) is other


@pytest.mark.parametrize(
    "question, sentence, refused",
    [
        # a motive asked, the purpose of something else quoted
        (
            "Pourquoi la Maison Blanche a-t-elle choisi de rendre public l'échange de lettres ?",
            "La Russie cherche à obtenir des munitions pour le conflit en Ukraine.",
            True,
        ),
        (
            "Why did the Biden administration decide to go public about the drones?",
            "L'Iran a livré des drones pour les utiliser sur le champ de bataille.",
            True,
        ),
        (
            "Pourquoi la Corée du Nord a-t-elle attendu juillet pour reconnaître Donetsk ?",
            "La Syrie a reconnu la soi-disant indépendance des territoires.",
            True,
        ),
        # the sentence speaks of the choice, in either language's words
        (
            "Pourquoi le domaine de Holmenkollen a-t-il été choisi ?",
            "Le domaine de Holmenkollen a été retenu pour sa capacité.",
            False,
        ),
        (
            "Pourquoi Kirby a-t-il refusé de détailler ses sources ?",
            "Kirby a refusé de détailler comment les renseignements ont été recueillis.",
            False,
        ),
        (
            "Why did Kim decide to travel to Russia?",
            "Kim a pris la décision de se rendre en Russie pour discuter d'armes.",
            False,
        ),
        # no choice asked, or no why
        (
            "Pourquoi Stoltenberg plaide-t-il pour un soutien accru ?",
            "Les stocks sont de plus en plus bas.",
            False,
        ),
        ("Qui a choisi Vilnius ?", "Le sommet aura lieu à Vilnius.", False),
    ],
)
def test_a_motive_is_quoted_from_a_sentence_about_the_choice(question, sentence, refused):
    assert unreported_choice(question, sentence) is refused


def test_a_meetings_result_is_not_read_from_its_preview():
    asked = [
        "Quelles décisions les ministres de l'Otan ont-ils adoptées à l'issue de leur réunion ?",
        "Quelles conclusions les chefs ont-ils tirées de leur réunion de dimanche en Norvège ?",
        "What did the defence chiefs agree at the end of the meeting?",
    ]
    assert all(asks_result(q) for q in asked)
    # a decision with no meeting, a meeting with no decision
    assert not asks_result("Quelles sanctions Washington a-t-il adoptées ?")
    assert not asks_result("Où se tient la réunion des chefs de la défense ?")
    assert not asks_result("Quel plan l'Otan doit-elle adopter au sommet de Vilnius ?")
    assert only_announced("Les stocks de munitions seront jeudi au coeur des discussions.")
    assert only_announced("Les chefs donneront suite à leur réunion de samedi dimanche.")
    assert not only_announced("Les ministres ont adopté jeudi un plan de munitions.")
    assert not only_announced("Les chefs ont décidé d'augmenter l'aide et se reverront bientôt.")
    assert not only_announced("Les chefs se sont réunis samedi à Holmenkollen.")


@pytest.mark.parametrize(
    "question, passage, unnamed",
    [
        # "l'ONU" does not answer "quel ministère": the passage names no ministry
        (
            "Quel ministère nord-coréen supervise les exportations d'armes vers la Russie ?",
            "L'exportation d'armes du Nord vers la Russie serait une violation des "
            "résolutions de l'ONU.",
            True,
        ),
        (
            "Quel ministère russe achète des obus à la Corée du Nord ?",
            "Le ministère russe de la Défense était en train d'acheter des millions d'obus.",
            False,
        ),
        ("Which Russian shipyard could help build submarines?", "La Russie pourrait aider.", True),
        ("Par quel canal diplomatique Washington a-t-il averti Pyongyang ?", "Washington.", True),
        ("Quel parti détenait la majorité ?", "Le parti républicain détenait la majorité.", False),
        # a kind answered by a name alone is not checked
        ("Quelle organisation a été approvisionnée ?", "le groupe Wagner", False),
        ("Sur quels programmes la Russie pourrait-elle aider ?", "satellites", False),
        ("Quelle partie de l'Ukraine ?", "l'est", False),
        # English words that ask a side or a broadcaster as often
        ("Which party broke the ceasefire first?", "La Russie a tiré.", False),
        ("Which channel reported Tehran's plans?", "selon CNN", False),
        ("Which political party holds the House?", "Les républicains.", True),
        # a carrier or a submarine is named with its word ("le porte-avions USS …")
        ("Quel porte-avions américain a pris part à la démonstration ?", "un bombardier", True),
        ("Which aircraft carrier sailed?", "Le porte-avions Ronald Reagan est arrivé.", False),
        ("Quel sous-marin a été lancé ?", "Le sous-marin Hero Kim Kun Ok a été lancé.", False),
        # a theme given, not a topic
        ("Quel thème officiel l'Otan a-t-elle donné au sommet ?", "Stoltenberg a plaidé.", True),
        ("What slogan did the summit adopt?", "Le slogan du sommet est « Unis ».", False),
        ("Quel autre thème dominera les discussions ?", "Les munitions.", False),
        # an agreement is named with its word
        (
            "Quel accord de coopération militaire la Corée du Nord et l'Iran ont-ils conclu ?",
            "La Corée du Nord a cherché à resserrer ses relations avec la Russie.",
            True,
        ),
        ("Which deal did Moscow seek?", "Moscou cherchait un accord sur des munitions.", False),
        # an island, a site: named with their word
        ("Which island does China claim?", "Poutine s'est tourné vers l'Asie Mineure.", True),
        ("Quelle île la Chine revendique-t-elle ?", "l'île autonome de Taïwan", False),
        (
            "Quelles installations militaires Kim a-t-il visitées ?",
            "La Corée du Nord recevrait des vivres en échange de munitions.",
            True,
        ),
        ("Which factory did Kim visit?", "Kim a visité le cosmodrome Vostotchny.", False),
        # a school: a role is no academy
        (
            "De quelle académie militaire Milley est-il diplômé ?",
            "Mark Milley, président des chefs d’état-major interarmées, a déclaré…",
            True,
        ),
        ("Which university did he attend?", "Il a étudié à l'université de Princeton.", False),
        # a building: a ski resort is no airport
        (
            "At which airport did Milley land in Norway?",
            "Les chefs se réuniront au domaine skiable de Holmenkollen.",
            True,
        ),
        (
            "À quel aéroport Kim est-il arrivé ?",
            "Kim est arrivé à l'aéroport de Vladivostok.",
            False,
        ),
        ("Quel était le thème officiel de la session ?", "Zelensky se rendra au Capitole.", True),
        ("À quel stade en est la contre-offensive ?", "Elle avance lentement.", False),
    ],
)
def test_a_kind_named_with_its_word_needs_a_passage_that_says_it(question, passage, unnamed):
    words = named_kind(question)
    assert (bool(words) and not says_kind(words, passage)) is unnamed


def test_a_whole_intertitle_is_no_answer():
    passage = (
        "Les forces russes résistent, a-t-il expliqué.\n\n'Les combats sont acharnés'\n\n"
        "Le sujet sera discuté durant une réunion du groupe de Ramstein."
    )
    heading = "'Les combats sont acharnés'"
    assert bare_line("Quels thèmes le groupe doit-il aborder ?", heading, heading)
    assert own_paragraph(heading, passage)
    # a part of it may be the fact asked; a question may ask the article's titles
    assert not bare_line("Quel adjectif décrit les combats ?", "acharnés", heading)
    assert not bare_line("Quel intertitre suit la déclaration ?", heading, heading)
    # a sentence that closes with a full stop, or one of a paragraph, is no intertitle
    said = "Les forces russes résistent, a-t-il expliqué."
    assert not bare_line("Que font les forces russes ?", said, said)
    assert not own_paragraph("Le sujet sera discuté", passage)


def test_a_condition_is_answered_by_a_sentence_that_states_one():
    q = "À quelles conditions Pyongyang subordonne-t-il l'envoi d'ouvriers du bâtiment ?"
    told = "L'ambassadeur a rencontré des émissaires des territoires séparatistes."
    assert unstated_condition(q, told)
    assert not unstated_condition(q, "Il enverra des ouvriers si la pandémie prend fin.")
    assert not unstated_condition(q, "Des ouvriers partiront, à condition d'être payés.")
    assert unstated_condition("Under what conditions would Kyiv get missiles?", told)
    assert not unstated_condition("Quand Pyongyang enverra-t-il des ouvriers ?", told)


def test_a_birth_is_answered_by_a_sentence_that_says_one():
    spoke = "Jens Stoltenberg s'exprimait à Vilnius avant le sommet."
    assert unstated_birth("In which city was Jens Stoltenberg born?", spoke)
    assert unstated_birth("Où Jens Stoltenberg est-il né ?", spoke)
    assert unstated_birth("En quelle année le général Milley est-il né ?", spoke)
    assert not unstated_birth("Où est né Stoltenberg ?", "Stoltenberg est né à Oslo en 1959.")
    assert not unstated_birth("Where was he born?", "Born in Oslo, he studied economics.")
    # "ne" of a denial, and a thing "given birth to", ask no one's birth
    assert not unstated_birth("Pourquoi Stoltenberg ne confirme-t-il pas les rumeurs ?", spoke)
    assert not unstated_birth("Quel conflit a donné naissance à cet ordre ?", spoke)


def test_a_pledge_is_answered_by_a_sentence_that_tells_one():
    q = "Combien de drones d'attaque l'Iran s'est-il engagé à livrer à la Russie ?"
    delivered = "L'armée russe avait pris livraison de centaines de drones iraniens."
    assert unstated_pledge(q, delivered)
    assert not unstated_pledge(q, "L'Iran a promis de livrer 200 drones d'ici la fin de l'année.")
    assert not unstated_pledge(q, "Téhéran compte livrer des centaines de drones.")
    assert unstated_pledge("How many F-16 jets has Denmark pledged to Ukraine?", delivered)
    # deployed troops and a committee are no promise
    assert not unstated_pledge(
        "Combien de soldats sont engagés dans la contre-offensive ?", delivered
    )
    assert not unstated_pledge("How many members sit on NATO's Military Committee?", delivered)


def test_a_count_of_what_was_fired_or_downed_is_told_by_a_sentence_that_tells_it():
    q = "Combien de drones kamikazes l'armée russe a-t-elle tirés sur l'Ukraine en août ?"
    delivered = "L'armée russe avait pris livraison de centaines de drones iraniens en août."
    assert unstated_act(q, delivered)
    assert not unstated_act(q, "L'armée russe a tiré 40 drones sur Kiev en août.")
    assert not unstated_act(q, "La Russie a lancé des centaines de drones sur l'Ukraine.")
    assert unstated_act("How many drones did Russia fire at Kyiv?", delivered)
    assert unstated_act("How many drones has Russia launched against Ukrainian cities?", delivered)
    # shot down
    q = "Combien de drones la défense ukrainienne a-t-elle abattus ?"
    assert unstated_act(q, delivered)
    assert not unstated_act(q, "L'Ukraine a abattu 30 drones iraniens.")
    # a count of what was delivered, and a launched counteroffensive, are no such act
    assert not unstated_act("Combien de drones l'armée russe a-t-elle reçus ?", delivered)
    assert not unstated_act(
        "Combien de soldats sont engagés dans la contre-offensive lancée en juin ?", delivered
    )
    # support drawn from a country is nothing fired
    assert not unstated_act("De combien de pays Poutine tire-t-il son soutien ?", delivered)


def test_a_duration_is_how_long_the_noun_it_follows_lasted():
    trip = "Kim n'a signé aucun accord à la fin du voyage de six jours."
    talk = "Combien de temps Poutine et Kim se sont-ils entretenus en tête-à-tête ?"
    assert duration_of_another(talk, "six jours", trip)
    # the question asks about that noun, or about a visit
    assert not duration_of_another("Combien de temps a duré le voyage de Kim ?", "six jours", trip)
    assert not duration_of_another("How long did Kim's visit to Russia last?", "six jours", trip)
    # a duration that follows no noun, and a question that asks no duration
    assert not duration_of_another(talk, "deux heures", "Ils ont parlé deux heures.")
    assert not duration_of_another("Combien d'obus ?", "six jours", trip)


def test_the_end_of_a_quote_cut_at_a_full_stop_is_its_speakers():
    # the splitter cut the quote at its full stop; the chunk's context names
    # who its unnamed quotes are by
    sentence = (
        "Elle vient de commencer et nous ne savons pas si elle constituera un tournant, "
        "mais les Ukrainiens progressent', a souligné le secrétaire général de l'Otan."
    )
    passage = f"Jens Stoltenberg\n'Les forces ukrainiennes mènent une contre-offensive. {sentence}"
    (stoltenberg,) = words_asked_of("What does Stoltenberg say is still unknown?")
    assert reports_words_of(stoltenberg, sentence, passage)
    # not a speaker the passage never names
    (kirby,) = words_asked_of("Qu'a déclaré Kirby ?")
    assert not reports_words_of(kirby, sentence, passage)


def test_a_stance_is_quoted_from_a_sentence_naming_what_it_is_on():
    q = "Quelle est la position de Pyongyang sur une éventuelle adhésion de l'Ukraine à l'Otan ?"
    # Ukraine and NATO are there, the membership is not
    assert unstated_topic(
        q,
        "La Corée du Nord pourrait accroître l'approvisionnement russe pour la guerre en Ukraine.",
    )
    assert not unstated_topic(q, "Pyongyang s'oppose à toute adhésion de l'Ukraine à l'Otan.")
    # the word a stance is described with asks no stance
    assert not unstated_topic(
        "Quel mot Milley emploie-t-il pour décrire son opinion sur la capacité de l'aide ?",
        "« Est-ce que cela va changer énormément la donne ? Je doute », a-t-il dit.",
    )
    # a position held is a post
    assert not unstated_topic(
        "What position does Seth Jones hold?", "Seth Jones est vice-président."
    )
    # what someone said on something: the sentence says that something
    said = "Qu'a déclaré le chef d'état-major britannique sur l'aide militaire de Pyongyang ?"
    assert unstated_topic(said, "Le chef d'état-major a déclaré que les combats sont acharnés.")
    assert not unstated_topic(said, "Il a déclaré que l'aide de Pyongyang ne changera rien.")
    # "du / des / de la" after a name introduces the topic too
    of = "Qu'a dit le général Milley du tir de missile balistique vers les eaux orientales ?"
    assert unstated_topic(of, "Le général Mark Milley s'est dit « sceptique » sur l'aide.")
    assert not unstated_topic(of, "Milley a jugé le tir de missile sans portée.")
    # but "du" inside whom it asks of names no topic
    assert not unstated_topic(
        "Qu'a dit le porte-parole du Conseil sur les lettres ?", "Kirby a dit que les lettres…"
    )


def test_a_yes_no_question_is_quoted_from_a_passage_naming_what_it_names():
    q = "La Corée du Nord a-t-elle également reconnu l'annexion de la Crimée par Moscou ?"
    recognised = (
        "En juillet, la Corée du Nord est devenue la seule nation, à part la Russie et la Syrie, "
        "à reconnaître l'indépendance des territoires – Donetsk et Lougansk."
    )
    assert unnamed_in_passage(q, recognised)
    assert not unnamed_in_passage(q, recognised + " Pyongyang a aussi reconnu la Crimée russe.")
    # a source is not what the question asks about; a capital stands for its country
    assert not unnamed_in_passage(
        "D'après la dépêche d'Oslo, Moscou a-t-il reconnu les accusations de la Corée du Sud ?",
        "La Russie a rejeté les accusations sud-coréennes.",
    )
    # English questions name things in another language than the passages
    assert not unnamed_in_passage("Did North Korea recognise Crimea?", recognised)
    # a pair of countries told as "les deux nations"
    pair = (
        "Selon Sung-Yoon Lee, le partenariat entre Moscou et Pyongyang va-t-il rapidement "
        "changer la donne pour la Russie ?"
    )
    lee = (
        "Sung-Yoon Lee a déclaré que le partenariat ne produirait peut-être pas de résultats "
        "immédiats pour la Russie, mais renforcerait la position des deux nations."
    )
    assert not unnamed_in_passage(pair, lee)
    assert unnamed_in_passage(pair, lee.replace("des deux nations", "de Moscou"))
    # the houses of Congress sit in the Capitol
    congress = "Lors de son passage aux États-Unis, Zelensky doit-il aussi se rendre au Congrès ?"
    visit = (
        "Zelensky se rendra à la Maison Blanche et au Capitole lors de son passage aux États-Unis."
    )
    assert not unnamed_in_passage(congress, visit)
    assert unnamed_in_passage(congress, visit.replace(" et au Capitole", ""))


def test_the_giver_of_aid_named_beside_it_is_an_actor_of_its_amount():
    assert givers("Quel a été le montant de la dernière aide militaire norvégienne ?") == {"NO"}
    assert givers("Quel est le montant de l'aide militaire de la Norvège à l'Ukraine ?") == {"NO"}
    assert givers("How much Norwegian military aid went to Ukraine?") == {"NO"}
    assert givers("How much aid from Japan reached Kyiv?") == {"JP"}
    assert givers("Quelle aide nord-coréenne la Russie reçoit-elle ?") == {"KP"}
    # "américaine" is the United States or its Samoa: no actor rather than a wrong one
    assert givers("Quel est le montant de l'aide américaine ?") == set()
    assert givers("Quel montant l'aide à l'Ukraine atteint-elle ?") == set()


def test_the_reader_reads_a_question_without_the_outlet_it_is_asked_of():
    from qa.answer import for_reader

    assert without_outlet("Selon la dépêche d’Oslo, qui a averti les Alliés ?") == (
        "qui a averti les Alliés ?"
    )
    assert without_outlet("Quel pays, selon Fox News Digital, a entraîné des troupes ?") == (
        "Quel pays a entraîné des troupes ?"
    )
    q = (
        "How many calls did Kyiv intercept, according to the Fox News Digital piece that "
        "mentions the $325 million deal?"
    )
    assert without_outlet(q) == "How many calls did Kyiv intercept ?"
    # a person or a body is named by the passage; a question may ask the outlet
    for q in (
        "Dans quel but l'Iran a-t-il envoyé du personnel, selon l'administration Biden ?",
        "Selon Milley, que cherche la Russie ?",
        "Selon quelle agence l'Ukraine a-t-elle intercepté des appels ?",
        "D'après quel média Téhéran livrerait-il des missiles ?",
        "Selon qui la Corée du Nord est-elle désespérée ?",
    ):
        assert without_outlet(q) == q
    assert for_reader("D'après News18, quel jour de la semaine Kim est-il arrivé ?") == (
        "quel jour Kim est-il arrivé ?"
    )


def test_an_aim_tells_no_reason_for_what_did_not_happen():
    from qa.passagecheck import why_not_aim

    q = "Pourquoi Poutine et Kim Jong Un n'ont-ils signé aucun accord formel ?"
    assert why_not_aim(q, "pour discuter d'un éventuel accord d'armement")
    assert not why_not_aim(q, "les négociations n'étaient pas achevées")
    # a refusal is an act, which an aim may explain
    assert not why_not_aim(
        "Pourquoi Kirby a-t-il refusé de détailler ses sources ?", "pour protéger les sources"
    )
    assert not why_not_aim("Pourquoi Milley s'est-il rendu à Oslo ?", "pour discuter de l'aide")


def test_what_a_why_question_s_subject_is_joined_to_is_no_cause():
    from qa.passagecheck import joined_to_asked

    q = "Pourquoi les soldats russes manquaient-ils de fournitures essentielles ?"
    sentence = (
        "Les troupes russes de première ligne se plaignaient des lourdes pertes et du "
        "manque de fournitures essentielles depuis juillet."
    )
    assert joined_to_asked(q, "lourdes pertes", sentence)
    cause = "Les troupes manquaient de fournitures parce que les routes étaient coupées."
    assert not joined_to_asked(q, "les routes étaient coupées", cause)
    assert not joined_to_asked("Quelles pertes ?", "lourdes pertes", sentence)


def test_an_acronym_stands_for_words_with_its_initials():
    from qa.passagecheck import not_expanding

    q = "Que signifie le sigle PTI, l’agence dont News18 reprend la dépêche ?"
    assert not_expanding(q, "un fil d’agence de presse syndiqué")
    rpdc = "Que signifie l’acronyme RPDC employé par Kirby ?"
    assert not not_expanding(rpdc, "République populaire démocratique de Corée")
    ist = "What does the abbreviation IST in the News18 article stand for?"
    assert not not_expanding(ist, "Indian Standard Time")
    assert not_expanding(ist, "23h23")
    assert not not_expanding("Que signifie ce retard pour Kiev ?", "des pertes")
    assert not not_expanding("What does NATO plan for Vilnius?", "un sommet")
    assert not_expanding("What does NATO mean?", "un sommet")


def test_a_question_opened_by_someone_s_name_asks_their_words():
    from qa.passagecheck import according_to, another_speaker

    q = "Selon Stoltenberg, les forces de Kiev gagnent-elles du terrain ?"
    assert according_to(q) == "stoltenberg"
    assert according_to("D’après le général Milley, quel pays livre des obus ?") == "milley"
    # an outlet, a city, a country or a body is no speaker
    for q2 in (
        "Selon News18, quelle armée a signalé le tir ?",
        "Selon Washington, vers quelles régions vont les obus ?",
        "According to the White House, what did Kim send?",
        "Selon l’ATS, où se réunit le groupe ?",
    ):
        assert according_to(q2) == ""
    bauer = (
        "L’amiral Rob Bauer des Pays-Bas, président du Comité militaire de l’OTAN, a déclaré "
        "samedi que l’Ukraine avance."
    )
    assert another_speaker("stoltenberg", bauer)
    said = "Jens Stoltenberg a déclaré que les Ukrainiens progressent."
    assert not another_speaker("stoltenberg", said)
    # a quote whose speaker comes after its verb may be theirs
    assert not another_speaker("kirby", "Les dirigeants ont échangé des lettres, a-t-il indiqué.")
    quote = "Elle vient de commencer, mais les Ukrainiens progressent', a souligné le secrétaire."
    assert not another_speaker("stoltenberg", quote)
