"""The one door: every group figure, chart, export and comment leaves the engine through here."""
