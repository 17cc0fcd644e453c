from qa.analyze import analyze


def shares(a: str, b: str) -> bool:
    return bool(set(analyze(a)) & set(analyze(b)))


def test_elisions_both_apostrophes():
    assert analyze("l’Ukraine") == analyze("Ukraine") == analyze("l'Ukraine")
    assert analyze("jusqu’à Moscou") == analyze("Moscou")
    assert analyze("lorsqu'il") == analyze("il") == []


def test_accents_case_and_stemming():
    assert analyze("défense") == analyze("Defense") == analyze("DÉFENSES")
    assert analyze("Choïgu") == analyze("Choigu")
    assert shares("munitions", "munition")
    assert not shares("obus", "drones")


def test_hyphenated_names_split():
    assert set(analyze("Nord-Coréens")) == set(analyze("nord coréens"))
    assert set(analyze("Kim Jong-Un")) == set(analyze("Kim Jong Un"))
    assert "sol" in analyze("missiles sol-sol")


def test_stopwords_french_and_english():
    assert analyze("de la les des the of what") == []
