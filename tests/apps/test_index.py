"""The landing page lists the organisation's figures in Dutch and English."""

from verloop.apps.index import build, index_rows
from verloop.status import organisation_status


def test_index_lists_figures_escaped(store):
    from verloop.store.settings import get_settings, update_settings

    with store.session() as s:
        get_settings(s)
        update_settings(s, "test", name="<script>alert(1)</script> Klantcontact")
    status = organisation_status(store)
    rows = index_rows(status)
    assert ("Teams", "Teams", "0") in rows
    page = build(store)
    assert "verloop-index" in page._dom_classes
    assert "<script>" not in page.value and "&lt;script&gt;" in page.value
    assert "Vestigingen" in page.value and "Sites" in page.value
