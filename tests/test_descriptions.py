"""A question read without the description of what it asks about
(qa/descriptions.py). Fast, no model."""

import pytest

from qa.descriptions import reduced


@pytest.mark.parametrize(
    ("question", "without"),
    [
        # before the inverted verb
        (
            "Vers quelles régions le pays dont Milley attend des obus de 152 mm de l'ère "
            "soviétique cherche-t-il à faire croire que ses expéditions sont destinées ?",
            "Vers quelles régions le pays cherche-t-il à faire croire que ses expéditions "
            "sont destinées ?",
        ),
        (
            "Comment le porte-parole qui accuse Pyongyang de faire passer ses obus pour des "
            "envois vers le Moyen-Orient a-t-il qualifié les lettres échangées par Poutine "
            "et Kim ?",
            "Comment le porte-parole a-t-il qualifié les lettres échangées par Poutine et Kim ?",
        ),
        # closing the question
        (
            "D'après l'ATS, où se réunit le groupe de contact que la dépêche d'Oslo présente "
            "comme le principal forum international de soutien militaire à l'Ukraine ?",
            "D'après l'ATS, où se réunit le groupe de contact ?",
        ),
        (
            "How does the CSIS expert describe the country that America's top general expects "
            "to supply Soviet-era 152 mm shells to Moscow?",
            "How does the CSIS expert describe the country?",
        ),
        # a source aside inside it goes with it
        (
            "En quel mois l'administration Biden a-t-elle affirmé que l'armée russe avait reçu "
            "des drones du pays qui, selon Fox News Digital, a aussi formé les soldats russes ?",
            "En quel mois l'administration Biden a-t-elle affirmé que l'armée russe avait reçu "
            "des drones du pays ?",
        ),
        # an English one opening the question ends at its verb
        (
            "The spokesman who called the Putin–Kim letters 'rather superficial' declined to "
            "provide what about the munitions sent to back Russia's war effort?",
            "The spokesman declined to provide what about the munitions sent to back Russia's "
            "war effort?",
        ),
        # a participle of the noun asked, up to the question's verb
        (
            "Selon l'administration Biden, quel pays présenté comme l'une des principales "
            "sources d'armement de la Russie a dépêché du personnel en Crimée ?",
            "Selon l'administration Biden, quel pays a dépêché du personnel en Crimée ?",
        ),
        # an aside that holds one goes whole
        (
            "Quelle capitale, dont le pays est décrit par News18 comme isolé pour son programme "
            "nucléaire, prévoit selon CNN de livrer davantage d'armes à Moscou ?",
            "Quelle capitale prévoit selon CNN de livrer davantage d'armes à Moscou ?",
        ),
        (
            "Quel responsable de l'Alliance, contrairement à l'amiral néerlandais pour qui "
            "l'Ukraine avance chaque jour, dit ignorer si la contre-offensive constituera un "
            "tournant ?",
            "Quel responsable de l'Alliance dit ignorer si la contre-offensive constituera un "
            "tournant ?",
        ),
    ],
)
def test_a_description_is_dropped(question, without):
    assert reduced(question).question == without


@pytest.mark.parametrize(
    "question",
    [
        # a set to pick from
        "Parmi les pays dont Stoltenberg cite les annonces de livraisons d'armes, lequel n'est "
        "pas européen ?",
        "Which country heads the list of nations whose arms announcements Stoltenberg mentioned?",
        # the description names it
        "Sous quel nom la dépêche datée d'Oslo désigne-t-elle le forum que l'ATS appelle "
        "« groupe de Ramstein » ?",
        # a complement clause, a verb before "que"
        "Qu'a dit Kirby sur le fait que la Corée du Nord expédie des obus ?",
        "Quand la Russie affirme que les obus sont arrivés, qui la contredit ?",
        # two facts joined
        "Quelle expression désigne à la fois la quantité d'obus que Pyongyang expédie selon "
        "Washington et celle d'artillerie détruite selon Fox ?",
        # where the description ends cannot be told
        "Toward which waters did the country that recognised Donetsk and Luhansk in July fire "
        "a ballistic missile?",
        "Le groupe de contact que l'ATS décrit comme un forum se réunit à quel rythme ?",
        # nothing left to ask
        "Quel est le pays qui a reconnu Donetsk et Louhansk en juillet ?",
        "Selon Fox News Digital, de quel montant est l'aide que Zelensky a obtenue de Biden ?",
        # no description
        "Combien d'obus la Corée du Nord a-t-elle envoyés à la Russie ?",
    ],
)
def test_what_is_not_a_description_to_drop(question):
    assert reduced(question) is None


def test_a_scene_the_question_opens_with_is_dropped():
    q = (
        "Alors que Milley retrouve le Groupe de contact un mardi, quel jour de la semaine "
        "les ministres de la Défense devaient-ils recevoir leur homologue, selon l’ATS ?"
    )
    r = reduced(q)
    assert r.scene and r.description == "Alors que Milley retrouve le Groupe de contact un mardi"
    assert r.question.startswith("Quel jour de la semaine les ministres")
    assert not r.fits("mardi", "… mardi …")  # the scene's day is no answer
    assert reduced("While Milley doubts the aid will be decisive, how does Kirby say it?").scene
    # a clause that asks ("Avant quelle année …") is the question itself
    assert (
        reduced("Avant quelle année les pays devaient-ils renvoyer les employés, selon l'ONU ?")
        is None
    )


def test_the_answer_must_agree_with_the_description():
    summit = reduced(
        "Dans quelle ville s'est tenu le sommet de l'Otan qui a précédé celui de Vilnius ?"
    )
    # the summit that preceded Vilnius's is not Vilnius's
    assert not summit.fits("Vilnius", "avant le sommet de l'Otan à Vilnius")
    assert summit.fits("Madrid", "le sommet de l'Otan de Madrid")
    delegation = reduced(
        "Combien de personnes composaient la délégation qui accompagnait Kim Jong Un lors de "
        "son séjour en Russie ?"
    )
    # a passage that speaks of no delegation does not answer it
    assert not delegation.fits("douzaine", "une douzaine de chefs militaires se réuniront")
    assert delegation.fits("dix", "une délégation de dix personnes accompagnait Kim")
    # a country or a person is named, not called by its noun, in the passage
    country = reduced(
        "Quels travailleurs le pays dont le dirigeant a reçu des drones a-t-il proposé d'envoyer ?"
    )
    assert country.nouns == () and country.fits(
        "des ouvriers", "Les Nord-Coréens ont proposé des ouvriers"
    )
