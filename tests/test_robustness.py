"""Crawler junk, bad questions, broken or mismatched indexes, a second writer,
Ctrl-C, readers during writes: each gives one clear line, never a traceback,
and never a passage from a broken index (fake embedder; subprocesses run
this file as a script, which registers the fake embedder and calls the CLI).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":  # `python tests/test_robustness.py index ...` = qa with fake embedders
    sys.path.insert(0, str(ROOT))
    from qa.cli import main
    from qa.embed import register_embedder
    from tests.conftest import FakeEmbedder, OtherFakeEmbedder

    register_embedder("fake", FakeEmbedder)
    register_embedder("other-fake", OtherFakeEmbedder)
    sys.exit(main(sys.argv[1:]))

import pytest  # noqa: E402

from qa import store  # noqa: E402
from qa.cli import main  # noqa: E402
from qa.indexer import build_index  # noqa: E402
from qa.retrieve import Retriever  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402

FAKE = "test/fake-hash-256"

ARTICLE_CP1252 = (
    "L’œuvre du député « Dupont » a été saluée à Genève — c’était l’été dernier.\n"
    "Le Conseil d’État a décidé jeudi de rénover l’hôpital cantonal, a annoncé la chancellerie.\n"
    "Les travaux coûteront 120 millions de francs et dureront jusqu’en 2027.\n"
)
ARTICLE_LATIN1 = (
    "La fête de l'Escalade a réuni des milliers de Genevois samedi soir.\n"
    "Le cortège a traversé la vieille ville jusqu'à la cathédrale Saint-Pierre, où la "
    "marmite en chocolat a été brisée par le plus jeune et le plus âgé des participants.\n"
)
ARTICLE_HTML_SENTENCES = [
    "Le Conseil fédéral a donné son feu vert mercredi à la revente de vingt-cinq chars "
    "Leopard 2 désaffectés au fabricant allemand Rheinmetall, a annoncé le gouvernement à Berne.",
    "Ces blindés, stockés depuis des années dans l'est du pays, ne seront pas livrés "
    "directement à l'Ukraine, a précisé le porte-parole du département de la défense.",
    "L'Allemagne s'est engagée à ce que les chars restent sur son territoire ou chez ses "
    "alliés de l'OTAN, afin de combler les lacunes laissées par les livraisons à Kiev.",
    "La décision a été critiquée par plusieurs partis de gauche, qui estiment qu'elle "
    "contourne la neutralité helvétique inscrite dans la loi sur le matériel de guerre.",
]
BOILERPLATE = [
    "COOKIEBANNER",
    "NAVMENUITEM",
    "SIDEBARPOPULAR",
    "NEWSLETTERSIGNUP",
    "FOOTERCOPYRIGHT",
    "TRACKINGSCRIPT",
    "STYLEJUNK",
    "RELATEDLINK",
]


def boilerplate_page(article: bool = True) -> str:
    body = "".join(f"<p>{s}</p>" for s in ARTICLE_HTML_SENTENCES) if article else ""
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>La Suisse autorise la revente de chars Leopard - Le Quotidien</title>
<script>window.dataLayer=[];function t(){{console.log("TRACKINGSCRIPT")}}</script>
<style>.nav{{color:red}} /* STYLEJUNK */</style>
<meta property="article:published_time" content="2023-09-14T08:00:00Z"></head><body>
<div id="cookie-banner" class="cookie-consent">Nous utilisons des cookies pour améliorer
votre expérience COOKIEBANNER. <button>Accepter tout</button><button>Refuser</button></div>
<header><nav class="menu"><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Monde
NAVMENUITEM</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<aside class="sidebar"><h3>Les plus lus</h3><ul><li><a href="/a">SIDEBARPOPULAR Un article
populaire</a></li></ul></aside>
<main>{
        "<article><h1>La Suisse autorise la revente de chars Leopard</h1>" + body + "</article>"
        if article
        else ""
    }
<div class="related"><a href="/x">Lire aussi RELATEDLINK : un autre sujet</a></div></main>
<div class="newsletter">Abonnez-vous à notre NEWSLETTERSIGNUP pour recevoir les nouvelles.</div>
<footer><p>© 2023 Le Quotidien FOOTERCOPYRIGHT. Tous droits réservés.</p>
<a href="/mentions">Mentions légales</a></footer>
<script>t(); var tail="TRACKINGSCRIPT";</script></body></html>"""


def crawler_folder(d: Path) -> tuple[set[str], dict[str, str]]:
    """Good files and every kind of bad one. Returns (good doc_ids, bad file -> reason)."""
    d.mkdir()
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, d / p.name)
    (d / "cp1252.txt").write_bytes(ARTICLE_CP1252.encode("cp1252"))
    (d / "latin1.txt").write_bytes(ARTICLE_LATIN1.encode("latin-1"))
    (d / "page.html").write_text(boilerplate_page())
    (d / "utf16.txt").write_bytes(ARTICLE_LATIN1.replace("Escalade", "Course").encode("utf-16"))
    (d / "bom.md").write_bytes(b"\xef\xbb\xbf# Titre\n\n" + ARTICLE_CP1252.encode())
    good = {p.name for p in d.iterdir()}
    bad = {
        "empty.txt": "empty file",
        "blank.md": "empty file",
        "image.png.txt": "binary",
        "noise.txt": "binary",
        "photo.jpg": "unsupported file type .jpg",
        "report.pdf": "unsupported file type .pdf",
        "README": "unsupported file type (none)",
        "huge.txt": "too large",
        "nav_only.html": "no article text",
        "locked.txt": "permission denied",
        "broken.jsonl": "no usable article",
        "pipe.txt": "not a regular file",
    }
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.md").write_bytes(b"  \n\t\n \r\n")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    (d / "image.png.txt").write_bytes(png)
    rnd = __import__("random").Random(3)
    (d / "noise.txt").write_bytes(bytes(rnd.randrange(1, 256) for _ in range(20_000)))
    (d / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00JFIF" * 100)
    (d / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (d / "README").write_text("Ce dossier contient les articles du jour, a dit le robot.\n")
    with open(d / "huge.txt", "wb") as f:  # 50 MB, one line, no newline at all
        chunk = b"lorem ipsum dolor sit amet " * 40_000
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
    (d / "nav_only.html").write_text(boilerplate_page(article=False))
    (d / "locked.txt").write_text("Un article que personne n'a le droit de lire.\n" * 3)
    (d / "broken.jsonl").write_text('{"id": 1, "text": "court"}\nnot json\n[1, 2]\n')
    os.mkfifo(d / "pipe.txt")  # reading it would block forever
    return good, bad


@pytest.fixture
def cli_env(settings, monkeypatch):
    monkeypatch.setenv("QA_EMBEDDER", "fake")
    monkeypatch.setenv("QA_INDEX_DIR", settings.index_dir)
    return settings


def _deny(monkeypatch, name: str) -> list[str]:
    """Root reads anything, chmod 000 included, so in-process the permission
    error is simulated at the one place ingest reads bytes. (The real chmod is
    tested as `nobody` in test_unreadable_as_nobody.) Returns the files read."""
    real = Path.read_bytes
    read: list[str] = []

    def read_bytes(self):
        read.append(self.name)
        if self.name == name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return read


def test_crawler_junk_one_warning_each(cli_env, tmp_path, monkeypatch, capsys):
    good, bad = crawler_folder(tmp_path / "crawl")
    read = _deny(monkeypatch, "locked.txt")
    t = time.perf_counter()
    assert main(["index", str(tmp_path / "crawl"), "--quiet"]) == 0
    seconds = time.perf_counter() - t
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == len(bad), err  # one line per bad file, nothing else
    for name, why in bad.items():
        mine = [ln for ln in lines if name in ln]
        assert len(mine) == 1 and why in mine[0] and mine[0].startswith("qa: warning: skipped")
    summary = out.strip().splitlines()[-1]
    assert f"{len(good)} added, 0 changed, 0 removed, 0 unchanged, {len(bad)} failed" in summary
    assert "huge.txt" not in read and seconds < 30  # the 50 MB file is never read

    data = store.load(cli_env.index_dir, FAKE)
    assert {d["doc_id"] for d in data.documents} == good
    text = {c.doc_id: "" for c in data.chunks}
    for c in data.chunks:
        text[c.doc_id] += c.text + "\n"
    assert "L’œuvre du député « Dupont »" in text["cp1252.txt"]
    assert "jusqu’en 2027" in text["cp1252.txt"]
    assert "la marmite en chocolat a été brisée" in text["latin1.txt"]
    assert "La fête de l'Course a réuni" in text["utf16.txt"]
    assert text["bom.md"].startswith("L’œuvre du député")
    page = text["page.html"]
    assert all(s in page for s in ARTICLE_HTML_SENTENCES)
    assert not [b for b in BOILERPLATE if b in page], page
    assert not any(b in t for t in text.values() for b in BOILERPLATE)

    # again: nothing re-embedded, the same warnings, the same summary shape
    assert main(["index", str(tmp_path / "crawl"), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == len(bad)
    assert f"0 added, 0 changed, 0 removed, {len(good)} unchanged, {len(bad)} failed" in out
    assert "0 embedded; index unchanged" in out


def test_unexpected_error_in_one_file_does_not_stop_the_run(settings, seed_copy, monkeypatch):
    import qa.indexer

    real = qa.indexer.read_file

    def flaky(path, root=None):
        if path.name.startswith("002"):
            raise RecursionError("maximum recursion depth exceeded in lxml")
        return real(path, root)

    monkeypatch.setattr(qa.indexer, "read_file", flaky)
    r = build_index([seed_copy], settings)
    assert len(r.added) == 4 and len(r.failed) == 1
    assert "RecursionError" in r.failed[0][1] and "002_" in r.failed[0][1]


# Drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set, then
# execs its arguments: root then obeys file permissions. A fresh interpreter
# does it rather than a preexec_fn: a preexec_fn runs Python in a fork of this
# process, where libraries loaded by earlier tests (grpc, by pymilvus and ray)
# run their fork handlers, and grpc's aborted the child now and then (SIGABRT,
# "epoll_wait error: Bad file descriptor").
_DROP_AND_EXEC = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for cap in (1, 2):
    if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
        sys.exit("prctl(PR_CAPBSET_DROP): " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[1], sys.argv[1:])
"""


def _no_dac_override(cmd: list[str]) -> list[str]:
    """`cmd` run so that root obeys file permissions (unchanged when not root:
    permissions already apply)."""
    if os.geteuid() != 0:
        return cmd
    return [sys.executable, "-c", _DROP_AND_EXEC, *cmd]


def test_unreadable_for_real(tmp_path):
    """The real thing: chmod 000 on a file and on a folder. Tests run as root,
    which reads anything, so `qa index` runs without the capabilities that
    let root ignore permissions (an unprivileged user is in the same spot)."""
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    shutil.copy(SEEDS / "000_083c620a5da298f5.txt", docs / "good.txt")
    (docs / "locked.txt").write_text("Un article illisible.\n" * 3)
    (docs / "private").mkdir()
    (docs / "private" / "inside.txt").write_text("Un article caché dans un dossier.\n" * 3)
    (docs / "locked.txt").chmod(0o000)
    (docs / "private").chmod(0o000)
    probe = subprocess.run(
        _no_dac_override(["cat", str(docs / "locked.txt")]), capture_output=True, text=True
    )
    if "PR_CAPBSET_DROP" in probe.stderr:
        pytest.skip(f"cannot drop root's file-permission override: {probe.stderr.strip()}")
    assert probe.returncode != 0, "chmod 000 did not block the read"
    try:
        p = subprocess.run(
            _no_dac_override(
                [sys.executable, __file__, "index", str(docs), "--index-dir", str(index_dir)]
                + ["--quiet"]
            ),
            env=dict(os.environ, QA_EMBEDDER="fake"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        (docs / "private").chmod(0o755)
        (docs / "locked.txt").chmod(0o644)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 2, p.stderr
    assert any(ln.endswith("skipped locked.txt: permission denied") for ln in lines)
    assert any("private/: cannot list folder (Permission denied)" in ln for ln in lines)
    assert "1 added" in p.stdout and "2 failed" in p.stdout


# --- bad questions ---------------------------------------------------------------


@pytest.fixture
def indexed(cli_env, seed_copy, capsys):
    assert main(["index", str(seed_copy), "--quiet"]) == 0
    capsys.readouterr()
    return cli_env


@pytest.mark.parametrize(
    "argv,msg",
    [
        (["ask", ""], "the question is empty"),
        (["ask", " \n\t "], "the question is empty"),
        (["ask", "x" * 100_000], "the question is 100000 characters long; the limit is 2000"),
        (["ask", "?!…"], "the question has no words"),
        (["search", ""], "the question is empty"),
        (["search", "y " * 50_000], "the limit is 2000"),
    ],
)
def test_bad_questions_cli(indexed, capsys, argv, msg):
    t = time.perf_counter()
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert err == f"qa: error: {msg}\n" if msg.startswith("the question") else msg in err
    assert len(err.strip().splitlines()) == 1 and not out
    assert time.perf_counter() - t < 5


def test_bad_questions_in_a_queries_file(indexed, tmp_path, capsys):
    import json

    q = tmp_path / "q.jsonl"
    q.write_text(
        "\n".join(
            json.dumps(x)
            for x in (
                {"id": "ok", "question": "Kim Jong Un"},
                {"id": "empty", "question": ""},
                {"id": "long", "question": "z" * 100_000},
            )
        )
    )
    for cmd in ("search", "ask"):
        assert main([cmd, "--queries", str(q), "--json"]) == 0
        recs = {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
        assert "error" not in recs["ok"]
        assert recs["empty"]["error"] == "the question is empty"
        assert "100000 characters" in recs["long"]["error"]


def test_bad_questions_chat(indexed):
    from qa.chat import ChatService

    svc = ChatService(indexed)
    for message, words in (("", ("vide", "empty")), ("x" * 100_000, ("100000",))):
        t = time.perf_counter()
        reply = svc.respond(message)
        assert time.perf_counter() - t < 5
        assert reply.error and reply.markdown.startswith("⚠️")
        assert "\n" not in reply.markdown and "Traceback" not in reply.markdown
        assert any(w in reply.markdown for w in words), reply.markdown
        assert not reply.sources_html
    assert not svc.respond("Que fournit la Corée du Nord à la Russie ?").error


# --- validated loads ----------------------------------------------------------------


def _gen_dir(settings) -> Path:
    return Path(settings.index_dir) / store.current_generation(settings.index_dir)


def _break(settings, how: str, seed_copy: Path) -> str:
    """Break the live generation; return the name the error must give."""
    g = _gen_dir(settings)
    if how == "faiss-from-older-generation":  # the peers' bug: right size, wrong vectors
        old = (g / "dense.faiss").read_bytes()
        f = seed_copy / "001_a40ff9a2a54cd64d.txt"
        f.write_text(f.read_text().replace("Russie", "Moscou"))
        build_index([seed_copy], settings)
        g = _gen_dir(settings)
        assert len(old) == (g / "dense.faiss").stat().st_size
        (g / "dense.faiss").write_bytes(old)
        return "dense.faiss: corrupt (checksum mismatch)"
    if how == "faiss-truncated":
        p = g / "dense.faiss"
        p.write_bytes(p.read_bytes()[:100])
        return "dense.faiss"
    if how == "manifest-missing":
        (g / "manifest.json").unlink()
        return "manifest.json: missing"
    if how == "manifest-truncated":
        p = g / "manifest.json"
        p.write_bytes(p.read_bytes()[:200])
        return "manifest.json: corrupt"
    if how == "manifest-no-checksums":
        import json

        m = json.loads((g / "manifest.json").read_text())
        del m["files"]
        (g / "manifest.json").write_text(json.dumps(m))
        return "manifest.json: incomplete"
    if how == "documents-truncated":
        p = g / "documents.jsonl"
        p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])
        return "documents.jsonl"
    if how == "bm25-missing":
        next((g / "bm25").iterdir()).unlink()
        return "missing"
    if how == "current-dangling":
        (Path(settings.index_dir) / "CURRENT").write_text("gen-000042\n")
        return "gen-000042/manifest.json: missing"
    if how == "current-garbage":
        (Path(settings.index_dir) / "CURRENT").write_bytes(b"\x00\xff garbage")
        return "CURRENT"
    raise AssertionError(how)


BREAKS = [
    "faiss-from-older-generation",
    "faiss-truncated",
    "manifest-missing",
    "manifest-truncated",
    "manifest-no-checksums",
    "documents-truncated",
    "bm25-missing",
    "current-dangling",
    "current-garbage",
]


@pytest.mark.parametrize("how", BREAKS)
def test_broken_index_one_line_naming_the_file(indexed, seed_copy, capsys, how):
    name = _break(indexed, how, seed_copy)
    with pytest.raises(store.IndexError_) as e:
        store.load(indexed.index_dir, FAKE)
    assert name in str(e.value) and "qa index" in str(e.value) and "\n" not in str(e.value)
    for argv in (["search", "Corée du Nord obus"], ["ask", "Quel calibre ?"], ["info"]):
        assert main(argv) == 1, argv
        out, err = capsys.readouterr()
        assert not out and len(err.strip().splitlines()) == 1 and name in err, err
        assert "Traceback" not in err
    # a full `qa index` repairs it; an add/remove refuses to build on it
    assert main(["remove", "000_083c620a5da298f5.txt"]) == 1
    assert "run `qa index` on the whole folder" in capsys.readouterr().err
    assert main(["index", str(seed_copy), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "5 added" in out and "rebuilt from scratch" in out
    assert store.load(indexed.index_dir, FAKE).n_searchable > 0


def test_truncated_faiss_without_checksums(indexed):
    """verify_checksums=False still never searches a truncated file."""
    p = _gen_dir(indexed) / "dense.faiss"
    p.write_bytes(p.read_bytes()[: p.stat().st_size - 1000])
    with pytest.raises(store.IndexError_, match="dense.faiss.*qa index"):
        store.load(indexed.index_dir, FAKE, verify=False)
    with pytest.raises(store.IndexError_, match="dense.faiss"):
        Retriever(indexed.replace(verify_checksums=False))


def test_other_embedder_or_dimension(indexed, seed_copy, capsys, monkeypatch):
    with pytest.raises(store.IndexError_, match="built with embedder 'test/fake-hash-256'"):
        store.load(indexed.index_dir, "st/multilingual-e5-small")
    with pytest.raises(store.IndexError_, match="dimension 256 but embedder .* gives 384"):
        store.load(indexed.index_dir, FAKE, embedder_dim=384)
    # a model change is never silent: searching refuses, re-indexing says it re-embedded
    monkeypatch.setenv("QA_EMBEDDER", "other-fake")
    assert main(["search", "Kim"]) == 1
    err = capsys.readouterr().err
    assert "built with embedder 'test/fake-hash-256'" in err and "test/other-fake" in err
    assert main(["index", str(seed_copy), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "embedder changed from test/fake-hash-256 to test/other-fake" in out
    assert "5 unchanged" in out and "wrote gen-" in out
    assert store.load(indexed.index_dir, "test/other-fake").embedder == "test/other-fake"


def test_chunk_settings_change_is_loud(indexed, seed_copy, capsys, monkeypatch):
    monkeypatch.setenv("QA_CHUNK_CHARS", "400")
    assert main(["remove", "000_083c620a5da298f5.txt"]) == 1
    assert "chunk settings differ" in capsys.readouterr().err
    assert main(["index", str(seed_copy), "--quiet"]) == 0
    assert "chunk settings changed: re-chunked" in capsys.readouterr().out


def test_an_older_cleaner_re_chunks_on_the_next_index(indexed, seed_copy, capsys, monkeypatch):
    """An index made before the byline moved to the text's end gets it on
    the next full `qa index` (the cleaner's version is part of the chunking)."""
    from qa import indexer

    monkeypatch.setattr(indexer, "CLEANING", indexer.CLEANING - 1)
    assert main(["index", str(seed_copy), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "chunk settings changed: re-chunked everything" in out
    # the cleaner's version changed, not the chunks' text: the vectors are kept
    assert " 0 embedded" in out


def test_write_failure_keeps_previous_index(indexed, seed_copy, monkeypatch, capsys):
    import faiss

    gen = store.current_generation(indexed.index_dir)

    def disk_full(index, path):
        Path(path).write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(faiss, "write_index", disk_full)
    (seed_copy / "new.txt").write_text("Un nouvel article sur les chars Leopard en Suisse.")
    assert main(["index", str(seed_copy), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "previous index is unchanged" in err
    assert len(err.strip().splitlines()) == 1
    assert store.current_generation(indexed.index_dir) == gen
    assert not list(Path(indexed.index_dir).glob(".tmp-*"))
    assert store.generations(indexed.index_dir) == [gen]
    assert store.load(indexed.index_dir, FAKE).generation == gen


# --- concurrency ---------------------------------------------------------------------


def _qa(*argv, timeout=120, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, QA_EMBEDDER="fake"),
        **kw,
    )


def test_second_writer_process_refused(indexed, seed_copy):
    with store.writer_lock(indexed.index_dir):  # this process is the writer now
        p = _qa("index", str(seed_copy), "--index-dir", indexed.index_dir, "--quiet")
        out, err = p.communicate(timeout=120)
    assert p.returncode == 1
    assert err.strip() == (
        f"qa: error: {indexed.index_dir}: another indexing run (pid {os.getpid()}) is writing "
        "this index; wait for it to finish"
    )
    p = _qa("index", str(seed_copy), "--index-dir", indexed.index_dir, "--quiet")
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0 and "5 unchanged" in out  # the lock went with its holder


def test_running_chat_picks_up_new_generation(indexed, seed_copy):
    from qa.chat import ChatService

    svc = ChatService(indexed)
    q = "Combien de chars Leopard la Suisse revend-elle à Rheinmetall ?"
    before = svc.respond(q, mode="bm25")
    gen = svc.retriever.data.generation
    assert "leopard.txt" not in {h.chunk.doc_id for h in before.answer.hits}
    (seed_copy / "leopard.txt").write_text(" ".join(ARTICLE_HTML_SENTENCES))
    p = _qa("index", str(seed_copy), "--index-dir", indexed.index_dir, "--quiet")
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    after = svc.respond(q, mode="bm25")  # same service, no restart
    assert svc.retriever.data.generation != gen
    assert after.answer.hits[0].chunk.doc_id == "leopard.txt"
    assert "Rheinmetall" in after.sources_html


def test_readers_during_writes(indexed, seed_copy):
    """Searches in 3 threads while generations are written and pruned under them:
    no error, and every hit holds the marker it was searched by."""
    marker_docs = {f"m{i}.txt": f"zqmark{chr(97 + i)}x" for i in range(4)}
    for name, m in marker_docs.items():
        (seed_copy / name).write_text(f"Le dossier {m} concerne les obus livrés à la Russie.")
    build_index([seed_copy], indexed)
    ret = Retriever(indexed)
    errors, checks, stop = [], [0], threading.Event()

    def reader(i):
        while not stop.is_set():
            name, m = list(marker_docs.items())[checks[0] % len(marker_docs)]
            try:
                for mode in ("bm25", "hybrid"):
                    hits = ret.search(m, k=3, mode=mode)
                    if not hits or hits[0].chunk.doc_id != name or m not in hits[0].chunk.text:
                        errors.append(f"{mode} {m}: got {[h.chunk.doc_id for h in hits]}")
                checks[0] += 1
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    try:
        for i in range(8):  # a file sorted first comes and goes: every row moves
            first = seed_copy / "000_aaa_first.txt"
            if i % 2:
                first.unlink()
            else:
                first.write_text(f"Un article {i} qui décale toutes les lignes. " * (5 + 10 * i))
            build_index([seed_copy], indexed)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert not errors, errors[:5]
    assert checks[0] > 10
    assert ret.data.generation == store.current_generation(indexed.index_dir)


def test_ctrl_c_leaves_previous_index(indexed, seed_copy):
    gen = store.current_generation(indexed.index_dir)
    for i in range(12):
        (seed_copy / f"extra{i}.txt").write_text(
            f"Article supplémentaire {i} sur les munitions et les obus. " * 40
        )
    p = _qa("index", str(seed_copy), "--index-dir", indexed.index_dir, "--quiet")
    lock = Path(indexed.index_dir) / ".lock"
    deadline = time.monotonic() + 60
    while lock.read_text().strip() != str(p.pid) and p.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    p.send_signal(signal.SIGINT)  # Ctrl-C while it holds the lock
    out, err = p.communicate(timeout=60)
    assert "Traceback" not in err
    if p.returncode == 130:
        assert err.strip().splitlines()[-1] == (
            "qa: interrupted; the index is left at its last complete generation"
        )
        assert store.current_generation(indexed.index_dir) == gen
    else:  # it finished first
        assert p.returncode == 0
    assert not list(Path(indexed.index_dir).glob(".tmp-*"))
    store.load(indexed.index_dir, FAKE)


def test_a_ctrl_c_python_could_not_raise_is_sent_again():
    """The Ctrl-C of test_ctrl_c_leaves_previous_index once landed in an
    import's module-lock callback: Python printed it as "Exception ignored"
    and the indexing ran on. `qa` sends such an interrupt again."""
    from types import SimpleNamespace

    from qa.cli import _interrupt_again

    passed = []
    with pytest.raises(KeyboardInterrupt):
        _interrupt_again(passed.append, SimpleNamespace(exc_type=KeyboardInterrupt))
        time.sleep(5)  # the signal is handled here, between two bytecodes
    other = SimpleNamespace(exc_type=ValueError)
    _interrupt_again(passed.append, other)
    assert passed == [other]


def test_sentence_splitting_is_thread_safe():
    """Chat threads split passages at the same time (pysbd keeps the text being
    split on its Segmenter): every split must match the single-threaded one."""
    from qa.chunk import split_sentences

    texts = [p.read_text() for p in sorted(SEEDS.glob("*.txt"))]
    ref = [split_sentences(t) for t in texts]
    bad = []

    def work(i):
        for r in range(20):
            j = (i + r) % len(texts)
            if split_sentences(texts[j]) != ref[j]:
                bad.append(j)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not bad


def test_chat_start_refuses_an_index_of_another_embedder(settings):
    """app.py calls ensure_index before serving: a mismatched index stops it
    with one line instead of a page whose every question fails."""
    from qa.chat import ensure_index
    from qa.indexer import build_index
    from qa.store import IndexError_

    build_index([settings.docs_dir], settings)
    ensure_index(settings)  # same embedder: fine, nothing rebuilt
    with pytest.raises(IndexError_) as e:
        ensure_index(settings.replace(embedder="other-fake"))
    msg = str(e.value)
    assert len(msg.splitlines()) == 1
    assert "test/fake-hash-256" in msg and "qa index" in msg
