"""The optional cross-encoder stage, with a real (tiny, untrained) CrossEncoder
built and saved inside the test: no download, the real loading code path."""

import pytest

from qa.indexer import build_index
from qa.retrieve import _RERANKERS, Retriever

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory):
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    d = tmp_path_factory.mktemp("tiny-ce")
    words = "[PAD] [UNK] [CLS] [SEP] obus kim russie ukraine otan milley oslo drones".split()
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="[PAD]",
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        model_max_length=128,
    )
    fast.save_pretrained(d)
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=len(words),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=1,
        max_position_embeddings=128,
    )
    BertForSequenceClassification(cfg).save_pretrained(d)
    return str(d)


def test_rerank_mode_reorders_fused_candidates(settings, seed_copy, tiny_cross_encoder):
    from sentence_transformers import CrossEncoder

    build_index([seed_copy], settings)
    s = settings.replace(reranker=tiny_cross_encoder, rerank_top=10)
    r = Retriever(s)
    q = "obus russie kim"
    fused = r.search(q, k=10, mode="hybrid")
    reranked = r.search(q, k=10, mode="rerank")
    assert tiny_cross_encoder in _RERANKERS  # loaded once, kept for the next query
    # same candidates, ordered by the cross-encoder's own scores
    assert {h.chunk.chunk_id for h in reranked} == {h.chunk.chunk_id for h in fused}
    ce = CrossEncoder(tiny_cross_encoder, device="cpu")
    expected = ce.predict([(q, h.chunk.text) for h in reranked])
    assert [round(h.score, 4) for h in reranked] == [round(float(x), 4) for x in expected]
    assert all(a.score >= b.score for a, b in zip(reranked, reranked[1:]))


def test_rerank_without_reader_or_model_is_a_clear_error(settings, seed_copy):
    build_index([seed_copy], settings)
    with pytest.raises(ValueError, match="QA_RERANKER"):
        Retriever(settings.replace(reader="none")).search("obus", mode="rerank")


def test_unloadable_reranker_is_one_line(settings, seed_copy, tmp_path):
    build_index([seed_copy], settings)
    r = Retriever(settings.replace(reranker=str(tmp_path / "no-model")))
    with pytest.raises(RuntimeError, match="cannot load reranker") as e:
        r.search("obus", mode="rerank")
    assert "\n" not in str(e.value)
