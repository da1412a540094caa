"""The domain's shared definitions: constants (reason groups, lead styles, contract types, days
per year) and the calendar of the data (end of data, the default period, adding months).

Bottom layer: it imports nothing of Verloop's, and everything above uses it.
"""

from verloop.domain import constants, period
from verloop.domain.constants import *  # noqa: F403 (the names listed in constants.__all__)
from verloop.domain.period import *  # noqa: F403 (the names listed in period.__all__)

__all__ = [*constants.__all__, *period.__all__]
