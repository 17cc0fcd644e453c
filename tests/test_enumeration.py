import math

from qa.enumeration import (
    Position,
    as_list_question,
    asked_item,
    asked_position,
    item_in,
    listings,
    nth_item,
    whole_list,
)

LIST = (
    "Il pleuvait. Milley a déclaré que le groupe comprendrait des chefs de la défense "
    "de Grande-Bretagne, de Norvège, des Pays-Bas, d’Italie, de France, du Danemark, "
    "du Canada, de Belgique, d’Australie, de Nouvelle-Zélande et du Japon. La Norvège accueille."
)


def _said(question: str) -> str | None:
    at = item_in(asked_position(question), question, LIST)
    return LIST[at[0] : at[1]] if at else None


def test_a_list_is_countries_with_only_commas_and_articles_between():
    (items,) = listings(LIST)
    assert [LIST[s:e] for s, e, _ in items][:3] == ["Grande-Bretagne", "Norvège", "Pays-Bas"]
    assert items[-1][2] == "JP" and len(items) == 11
    # two countries, or countries apart in the text, are no list
    assert listings("La France et le Canada ont parlé. L'Italie aussi.") == []


def test_the_place_asked_in_a_list():
    assert asked_position("Quel pays est cité en premier dans la liste de Milley ?") == Position(
        "first"
    )
    assert asked_position("Which country is named last on Milley's list?") == Position("last")
    between = "Dans l'énumération, quel pays est cité entre la France et le Canada ?"
    assert asked_position(between) == Position("between", ("FR", "CA"))
    before = "Parmi les pays énumérés par Milley, lequel est cité juste avant l'Australie ?"
    assert asked_position(before) == Position("before", ("AU",))
    # no list asked about, or no country asked for
    assert asked_position("Quel pays a parlé avant la France ?") is None
    assert asked_position("Qui est cité en premier dans la liste ?") is None


def test_the_item_at_that_place():
    assert _said("Quel pays ouvre la liste des chefs de la défense selon Milley ?") == (
        "Grande-Bretagne"
    )
    assert _said("Dans l'énumération faite par Milley, quel pays est mentionné en dernier ?") == (
        "Japon"
    )
    assert _said("Dans l'énumération, quel pays est cité entre la France et le Canada ?") == (
        "Danemark"
    )
    assert _said("Parmi les pays énumérés, lequel est cité juste avant l'Australie ?") == "Belgique"
    assert _said("Quel pays suit immédiatement la Grande-Bretagne dans la liste ?") == "Norvège"
    # a landmark the list does not hold, or two that are not one apart
    assert _said("Parmi les pays énumérés, lequel est cité juste avant l'Espagne ?") is None
    assert _said("Dans la liste, quel pays est cité entre la France et le Japon ?") is None
    # first / last of another list: its lead-in shares no word with the question
    assert _said("Quel pays ouvre la liste des signataires du traité de 1953 ?") is None


def test_the_members_of_a_list_in_a_part_of_the_world():
    asian = "Quel pays asiatique compte un chef de la défense dans le groupe ?"
    assert asked_position(asian) == Position("region")
    assert _said(asian) == "Japon"
    assert _said("Which Indo-Pacific countries are in Milley's group of defence chiefs?") == (
        "Australie, de Nouvelle-Zélande et du Japon"
    )
    assert _said("Quels pays d'Océanie comptent un chef de la défense dans le groupe ?") == (
        "Australie, de Nouvelle-Zélande"
    )
    assert _said("Which North American country is in Milley's group of defence chiefs?") == (
        "Canada"
    )
    # the ones the question names are set aside
    besides = "Besides Australia and New Zealand, which Indo-Pacific country is in the group?"
    assert _said(besides) == "Japon"
    other = (
        "Outre la Norvège, quel autre pays nordique compte un chef de la défense dans le groupe ?"
    )
    assert _said(other) == "Danemark"
    # one asked, several there, and the question says which of them
    assert _said("Dans la liste de Milley, quel pays d'Océanie est cité en premier ?") == (
        "Australie"
    )
    assert _said("Which Oceanian country is named last in Milley's list?") == "Nouvelle-Zélande"
    # one asked, several there; several asked, others between them
    assert _said("Quel pays européen compte un chef de la défense dans le groupe ?") is None
    assert _said("Quels pays européens comptent un chef de la défense dans le groupe ?") is None
    # a question about something else than the list's lead-in
    assert _said("Which Indo-Pacific country turned down the invitation?") is None


def test_several_countries_asked_get_the_whole_list():
    at = LIST.index("Grande-Bretagne")
    one = (at, at + len("Grande-Bretagne"))
    s, e = whole_list("Quels pays comptent un chef de la défense dans le groupe ?", LIST, *one)
    assert LIST[s:e].startswith("Grande-Bretagne, de Norvège") and LIST[s:e].endswith("Japon")
    # one country asked, a count, or one set aside: the reader's span stays
    assert whole_list("Quel pays compte un chef de la défense dans le groupe ?", LIST, *one) is None
    assert whole_list("How many countries are in the group?", LIST, *one) is None
    assert whole_list("Outre la France, quels pays sont dans le groupe ?", LIST, *one) is None


def test_a_place_in_a_list_is_read_from_the_list_not_the_reader():
    """The reader quoted the country that opens another sentence ("En
    Norvège, …") for "lequel est cité juste avant l'Australie"; the list's
    own order answers, with its passage's margin, and the list a passage or
    two further down is read too."""
    from types import SimpleNamespace

    from qa.answer import _reading_list, _typed, read_passages
    from qa.config import Settings
    from qa.reader.spans import Reading
    from qa.types import Chunk, Hit

    class Reader:
        def read(self, query, texts):
            return [Reading(5.0, 0, 10, t[:10]) for t in texts]

        def confidence(self, margin):
            return 1 / (1 + math.exp(-margin))

    texts = ["En Norvège, les chefs se réunissent dimanche.", "Un autre texte.", LIST]
    hits = [
        Hit(Chunk(f"d#{i}", "d", i, t, 0, len(t), str(i)), 1.0, i + 1) for i, t in enumerate(texts)
    ]
    settings = Settings(answer_passages=2)
    q = "Parmi les pays énumérés par Milley, lequel est cité juste avant l'Australie ?"
    reading = _reading_list(None, SimpleNamespace(hits=hits), q, settings, "bm25", None)
    assert len(reading) == 3
    picks, conf = read_passages(Reader(), q, reading, settings)
    kept, _ = _typed(picks, conf, q)
    assert [p.span for p in kept] == ["Belgique"] and kept[0].margin == 5.0
    assert LIST[kept[0].start : kept[0].end] == "Belgique"
    assert "Milley a déclaré" in kept[0].sentence
    # any other question: the reader's span
    picks, _ = read_passages(Reader(), "Où se réunissent les chefs ?", reading, settings)
    assert picks[0].span == texts[0][:10]


def test_first_or_last_of_a_country_list_only_when_a_country_is_asked():
    # the obstacles' question was answered with the last country of another list
    obstacles = "Dans l'énumération des obstacles selon Stoltenberg, lequel est cité en dernier ?"
    assert asked_position(obstacles) is None
    assert asked_item(obstacles) == -1
    assert asked_item("Quel pays est cité en premier dans la liste de Milley ?") is None


def test_the_place_asked_in_a_list_of_anything():
    assert (
        asked_item("Des deux effets que Lee prête aux livraisons, lequel nomme-t-il en premier ?")
        == 0
    )
    assert asked_item("Of the two regions Pyongyang names, which one is named second?") == 1
    assert asked_item("Of the targets Lee names, which one is listed last?") == -1
    # "en premier lieu" is no place in a list; no list, no place
    assert asked_item("Qu'a-t-il fait en premier lieu, selon la liste ?") is None
    assert asked_item("Qui a parlé en premier ?") is None


def test_the_question_asks_the_whole_list():
    assert (
        as_list_question(
            "D’après la dépêche, des deux lieux que Zelensky visite, lequel est cité en premier ?"
        )
        == "D’après la dépêche, quels sont les deux lieux que Zelensky visite ?"
    )
    assert (
        as_list_question(
            "Of the targets Lee names for a bolder, more provocative Kim, which one is listed last?"
        )
        == "What are the targets Lee names for a bolder, more provocative Kim?"
    )
    assert (
        as_list_question(
            "Which of the two kinds of craft China sends is named first in the report?"
        )
        == "What are the two kinds of craft China sends in the report?"
    )
    # "quelle catégorie …": only the place is dropped, the asked noun stays
    assert (
        as_list_question("Parmi les invités, quelle catégorie est mentionnée en premier ?")
        == "Parmi les invités, quelle catégorie est mentionnée ?"
    )


def _nth(text: str, span: str, n: int) -> str | None:
    at = text.index(span)
    got = nth_item(text, at, at + len(span), n)
    return text[got[0] : got[1]] if got else None


def test_the_item_at_a_place_of_the_list_the_span_is_or_ends():
    said = "envers la Corée du Sud, les forces américaines en Corée et le Japon », a-t-il"
    whole = "la Corée du Sud, les forces américaines en Corée et le Japon"
    assert [_nth(said, whole, n) for n in (0, 1, 2, -1)] == [
        "la Corée du Sud",
        "les forces américaines en Corée",
        "le Japon",
        "le Japon",
    ]
    assert _nth(said, whole, 3) is None
    # one item read: the list it opens goes on to "et" and one more item
    effect = "un effet à la fois pratique et psychologique », a déclaré Lee."
    assert _nth(effect, "pratique", -1) == "psychologique"
    assert _nth(effect, "pratique", 0) == "pratique"
    # the last item may open with an apostrophe; a closing quote ends it
    assert _nth("vers la Corée du Sud et l'Allemagne.", "la Corée du Sud", -1) == "l'Allemagne"
    assert _nth("de défense 'des PME et des groupes', ont", "des PME", -1) == "des groupes"
    # the last item ends before the sentence's verb
    themes = "Les fournitures d'armes et la reconstitution des stocks de l'Alliance seront au coeur"
    assert (
        _nth(themes, "Les fournitures d'armes", -1) == "la reconstitution des stocks de l'Alliance"
    )
    # a span after a comma or "et" may start inside its list: no first item
    assert _nth(said, "les forces américaines en Corée et le Japon", 0) is None
    assert _nth(said, "les forces américaines en Corée et le Japon", -1) == "le Japon"
    # no list, or a clause joined by "et"
    assert _nth(said, "la Corée du Sud", 0) is None
    clause = "il faut s'attendre à des pertes et les combats sont acharnés."
    assert _nth(clause, "des pertes et les combats sont acharnés", -1) is None
