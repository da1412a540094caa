"""Instrument versions in the database: same wording → same row, new wording → next version."""

from __future__ import annotations

from sqlalchemy import func, select

from verloop.store.schema import Instrument as InstrumentRow
from verloop.store.schema import InstrumentItem
from verloop.surveys import load_instrument, parse_instrument, registry, surveys_dir
from verloop.surveys.registry import instrument_versions, register_instrument, registered_instrument


def _reworded():
    text = (surveys_dir() / "pulse.yaml").read_text(encoding="utf-8")
    return parse_instrument(text.replace("I feel rushed while I work.", "I often feel rushed."), "pulse-v2.yaml")


def test_register_is_idempotent_and_stores_items(store):
    pulse = load_instrument("pulse")
    with store.session() as session:
        first = register_instrument(session, pulse)
    with store.session() as session:
        assert register_instrument(session, pulse) == first
        row = session.get(InstrumentRow, first)
        assert (row.key, row.version, row.content_hash) == ("pulse", 1, pulse.content_hash)
        assert row.definition == pulse.definition_json and row.created_on is not None
        items = session.scalars(select(InstrumentItem).where(InstrumentItem.instrument_id == first)).all()
        assert len(items) == len(pulse.items)
        by_id = {i.item_id: i for i in items}
        assert by_id["workload_3"].reverse and not by_id["workload_1"].reverse
        assert (by_id["enps_1"].min_value, by_id["enps_1"].max_value) == (0, 10)
        assert by_id["wellbeing_2"].scale == "wellbeing"
        assert session.scalar(select(func.count()).select_from(InstrumentRow)) == 1


def test_changed_wording_gets_the_next_version_and_old_wording_is_kept(store):
    pulse, reworded = load_instrument("pulse"), _reworded()
    assert reworded.content_hash != pulse.content_hash
    with store.session() as session:
        v1 = register_instrument(session, pulse)
        v2 = register_instrument(session, reworded)
        exit_id = register_instrument(session, load_instrument("exit"))
    assert len({v1, v2, exit_id}) == 3
    with store.session() as session:
        versions = instrument_versions(session, "pulse")
        assert [(v["id"], v["version"]) for v in versions] == [(v1, 1), (v2, 2)]
        assert [v["version"] for v in instrument_versions(session, "exit")] == [1]
        old = registered_instrument(session, v1)
        assert old == pulse and old.item("workload_2").text.en == "I feel rushed while I work."
        assert registered_instrument(session, v2).item("workload_2").text.en == "I often feel rushed."
        # Registering the old wording again finds the old row; it does not become version 3.
        assert register_instrument(session, pulse) == v1


def test_a_lost_race_finds_the_winners_row(store, monkeypatch):
    """Another session registered the same wording between our look-up and our insert."""
    pulse = load_instrument("pulse")
    with store.session() as session:
        winner = register_instrument(session, pulse)
    calls = {"n": 0}
    real = registry._existing

    def stale_first_lookup(session, instrument):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(session, instrument)

    monkeypatch.setattr(registry, "_existing", stale_first_lookup)
    with store.session() as session:
        assert register_instrument(session, pulse) == winner
    assert calls["n"] == 2
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(InstrumentRow)) == 1
        assert session.scalar(select(func.count()).select_from(InstrumentItem)) == len(pulse.items)


def test_unknown_id_is_a_clear_error(store):
    import pytest

    from verloop.errors import InputError

    with store.session() as session, pytest.raises(InputError, match="no registered instrument has id 999"):
        registered_instrument(session, 999)


def test_concurrent_registration_makes_one_row(store):
    import threading

    pulse = load_instrument("pulse")
    results, errors = [], []
    barrier = threading.Barrier(6)

    def register():
        try:
            barrier.wait(timeout=10)
            with store.session() as session:
                results.append(register_instrument(session, pulse))
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=register) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(results) == 6 and len(set(results)) == 1
    with store.session() as session:
        assert [v["version"] for v in instrument_versions(session, "pulse")] == [1]
