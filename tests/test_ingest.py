"""Ingestion on the real seed articles and on small hand-made bad files."""

import json
import unicodedata

import pytest

from qa.ingest import IngestError, clean_text, iter_files, parse_date, read_file

from .conftest import SEEDS


def doc(name):
    (d,) = read_file(SEEDS / name, SEEDS)
    return d


def test_ad_markers_and_source_link_removed():
    d = doc("002_79c30380bc51d99a.txt")
    assert "[ad_" not in d.text and "Source link" not in d.text
    assert d.text.startswith("La Corée du Nord expédie secrètement")


def test_byline_and_update_stamp_become_metadata():
    d = doc("003_4b0051bde1c53c49.txt")
    assert d.author == "Aditi Ray Chowdhury"
    assert d.date == "2023-08-30"
    assert d.source == "PTI"
    assert "(Fichier photo AP)" not in d.text
    # the lines stay quotable ("who wrote it?"), as the article's last paragraphs
    assert d.text.startswith("Washington DC, États-Unis d’Amérique (USA)\n\nL’administration")
    assert d.text.endswith(
        "Publié par : Aditi Ray Chowdhury\n\nDernière mise à jour : 30 août 2023, 23h23 IST\n\n"
        "(Cette histoire n’a pas été éditée par le personnel de News18 et est publiée "
        "à partir d’un fil d’agence de presse syndiqué – PTI)"
    )


def test_repeated_paragraph_kept_once():
    d = doc("003_4b0051bde1c53c49.txt")
    assert d.text.count("est devenu dépendant de la Corée du Nord") == 1


def test_leading_date_and_agency_signoff():
    d = doc("004_46166f39458f7f75.txt")
    assert d.date == "2023-06" and d.source == "ATS"
    assert not d.text.startswith(" date") and "/ATS" not in d.text
    assert doc("001_a40ff9a2a54cd64d.txt").date == "2023-09"


def test_text_is_nfc_and_readable():
    d = doc("000_083c620a5da298f5.txt")
    assert unicodedata.is_normalized("NFC", d.text)
    assert "l’approvisionnement russe" in d.text  # typographic apostrophe kept as written
    assert d.doc_id == "000_083c620a5da298f5.txt"
    decomposed = unicodedata.normalize("NFD", "Défense de l’Otan à Bruxelles.")
    assert clean_text(decomposed)[0] == "Défense de l’Otan à Bruxelles."


@pytest.mark.parametrize(
    "text,iso",
    [
        ("30 août 2023, 23h23 IST", "2023-08-30"),
        ("1er mars 2024", "2024-03-01"),
        ("2023-09-14T10:00", "2023-09-14"),
        ("Aug 30, 2023", "2023-08-30"),
        ("hier", ""),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_latin1_and_cp1252_files_are_decoded(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("Le ministre de la Défense a annoncé l’arrivée des obus à Kiev.".encode("cp1252"))
    (d,) = read_file(p, tmp_path)
    assert "Défense" in d.text and "l’arrivée" in d.text


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("bin.txt", b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
        ("x.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_bad_files_raise_one_line(tmp_path, name, content, message):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(IngestError, match=message) as e:
        read_file(p, tmp_path)
    assert "\n" not in str(e.value)


def test_missing_path():
    with pytest.raises(IngestError, match="no such file"):
        list(iter_files([SEEDS / "nope"]))


def test_markdown_html_jsonl(tmp_path):
    (tmp_path / "a.md").write_text(
        "# Titre du jour\n\nLe **général** Milley a parlé à [Oslo](http://x).\n"
    )
    (d,) = read_file(tmp_path / "a.md", tmp_path)
    assert d.title == "Titre du jour" and d.text == "Le général Milley a parlé à Oslo."

    recs = [
        {
            "id": "a1",
            "title": "T",
            "date": "2023-09-14",
            "source": "AFP",
            "text": "Kim Jong Un a rencontré Vladimir Poutine en Russie cette semaine.",
        },
        {"id": "a2", "text": ""},
    ]
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\nnot json\n")
    (d,) = read_file(tmp_path / "b.jsonl", tmp_path)
    assert d.doc_id == "b.jsonl:a1" and d.source == "AFP" and d.date == "2023-09-14"
    assert d.title == "T"

    html = (
        "<html><head><title>Obus pour Moscou</title></head><body><nav>Accueil | Menu</nav>"
        "<article><h1>Obus pour Moscou</h1><p>"
        + "La Corée du Nord livre des obus. " * 20
        + "</p></article><footer>Mentions légales</footer></body></html>"
    )
    (tmp_path / "c.html").write_text(html)
    (d,) = read_file(tmp_path / "c.html", tmp_path)
    assert "La Corée du Nord livre des obus." in d.text and "Mentions légales" not in d.text
    assert d.title == "Obus pour Moscou"


@pytest.mark.parametrize(
    "first, title",
    [
        (
            "La Corée du Nord livre des obus à la Russie",
            "La Corée du Nord livre des obus à la Russie",
        ),
        (
            "North Korea Ships Artillery Shells To Russia",
            "North Korea Ships Artillery Shells To Russia",
        ),
        ("Washington DC, États-Unis d’Amérique (USA)", ""),  # a dateline, not a headline
        ("Le général Milley a parlé à Oslo samedi.", ""),  # a sentence: it ends with a period
    ],
)
def test_a_first_short_line_that_reads_as_a_headline_is_the_title(tmp_path, first, title):
    body = (
        "Le général Milley a déclaré samedi à Oslo que les obus ne changeraient pas la guerre. " * 3
    )
    (tmp_path / "a.txt").write_text(f"{first}\n{body}\n", encoding="utf-8")
    (d,) = read_file(tmp_path / "a.txt", tmp_path)
    assert d.title == title and d.text.startswith(first)  # the line stays in the text
