"""Verloop: anonymous pulse and exit surveys and honest attrition insight for contact centres."""

__version__ = "0.1.0"
