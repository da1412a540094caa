"""Builders for the Voila apps: each notebook in apps/ imports one builder and displays it."""
