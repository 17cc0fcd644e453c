from qa.dating import lead, relative_in, year_of


def test_a_relative_year_counts_from_the_articles_date():
    assert year_of("adoptée cette année", "2023-06") == 2023
    assert year_of("À la fin de l’année dernière", "2023-08-30") == 2022
    assert year_of("l'an prochain", "2023") == 2024
    assert year_of("last year", "2023-09") == 2022
    # no relative year, or no dated article: nothing to count
    assert year_of("en mars", "2023-06") is None
    assert year_of("cette année", "") is None


def test_the_short_answer_says_how_the_year_was_made():
    assert lead("cette année", "2023-06", "fr") == "2023 (« cette année », article daté 2023-06)"
    assert lead("cette année", "2023-06", "en") == "2023 (“cette année”, article dated 2023-06)"
    assert lead("152 mm", "2023-06", "fr") == "152 mm"


def test_the_relative_year_a_sentence_writes():
    sentence = "Une ligne de crédits a été adoptée cette année pour des obus."
    s, e = relative_in(sentence)
    assert sentence[s:e] == "cette année"
    assert relative_in("Une ligne de crédits a été adoptée en juin.") is None


def test_a_year_question_quotes_the_relative_year_of_a_dated_article():
    from qa.answer import Pick, _typed, compose
    from qa.types import Chunk, Hit

    text = "Stoltenberg a parlé. Une ligne de 1 milliard a été adoptée cette année pour des obus."
    sentence = text[21:]
    dated = Hit(Chunk("d#0", "d", 0, text, 0, len(text), "h", date="2023-06"), 1.0, 1)
    credit = Pick(hit=dated, sentence=sentence, span="1 milliard", confidence=0.9)
    question = "En quelle année la ligne de crédits a-t-elle été adoptée ?"
    (got,), _ = _typed([credit], 0.9, question)
    assert got.span == "cette année" and text[got.start : got.end] == "cette année"
    answer = compose(question, "fr", [got], [dated], question, 0.9)
    assert answer.answer.startswith("2023 (« cette année », article daté 2023-06) — ")
    assert answer.span == "cette année"  # the JSON span stays the passage's words
    # an undated article gives no year: no answer
    undated = Hit(Chunk("d#0", "d", 0, text, 0, len(text), "h"), 1.0, 1)
    assert _typed([Pick(hit=undated, sentence=sentence, span="1 milliard")], 0.9, question)[0] == []
