"""The HR home on a database without data yet: Verloop's own page, escaped, in Dutch and English."""

import re

from verloop.apps.dashboard import PAGE_KEYS
from verloop.apps.index import HomePage, build, page_links


def test_an_empty_organisation_gets_a_home_that_says_how_to_load_data(store):
    from verloop.store.settings import get_settings, update_settings

    with store.session() as s:
        get_settings(s)
        update_settings(s, "test", name="<script>alert(1)</script> Klantcontact")
    page = build(store, lang="nl")
    assert {"verloop-home", "verloop-index", "verloop-ready"} <= set(page._dom_classes)
    title, home = page.children[1].children[0].value, page.children[-1].value
    assert "<script>" not in title and "&lt;script&gt;alert(1)&lt;/script&gt; Klantcontact" in title
    assert title.startswith('<h1 lang="nl">')
    assert "Nog geen gegevens" in home and "verloop demo" in home
    assert "verloop-headline" not in home  # no figures to show, no empty cards
    assert len(re.findall(r'class="verloop-home-page ', home)) == len(PAGE_KEYS)  # the pages are still there


def test_the_language_switch_rewords_the_home(store):
    home = HomePage(store=store, lang="nl")
    root = home.build()
    dutch = home.content.value
    home.language.value = "en"
    assert "No data yet" in home.content.value and "Nog geen gegevens" in dutch
    assert "verloop-ready" in root._dom_classes
    home.language.value = "nl"
    assert home.content.value == dutch  # switching back reuses the first rendering


def test_page_links_come_from_the_one_page_list_with_a_line_each():
    for lang in ("nl", "en"):
        links = page_links(lang)
        assert [key for key, *_ in links] == list(PAGE_KEYS)
        for key, title, description, href in links:
            assert href == f"/voila/render/dashboard_{key}.ipynb?lang={lang}"
            assert title and description and "\n" not in description
    assert page_links("nl")[0][1] != page_links("en")[0][1]
