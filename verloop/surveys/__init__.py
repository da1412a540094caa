"""Survey instruments (pulse, exit, follow-up) as data, answer checks and scoring.

``load_instrument("pulse")`` reads ``surveys/pulse.yaml``; ``validate_answers`` guards a
submission; ``score_responses`` turns tidy answers into scale scores; ``enps`` summarises the
eNPS question of a group. Registration in the database lives in ``verloop.surveys.registry``
(imported on demand so that loading an instrument never needs the database).
"""

from verloop.surveys.instruments import (
    LANGUAGES,
    Anchors,
    Instrument,
    Item,
    OpenQuestion,
    Reason,
    Scale,
    Text,
    available_instruments,
    load_instrument,
    parse_instrument,
    surveys_dir,
)
from verloop.surveys.scoring import (
    enps,
    item_matrix,
    score_responses,
    validate_answers,
    validate_open_answers,
    validate_reason,
)

__all__ = [
    "LANGUAGES",
    "Anchors",
    "Instrument",
    "Item",
    "OpenQuestion",
    "Reason",
    "Scale",
    "Text",
    "available_instruments",
    "enps",
    "item_matrix",
    "load_instrument",
    "parse_instrument",
    "score_responses",
    "surveys_dir",
    "validate_answers",
    "validate_open_answers",
    "validate_reason",
]
