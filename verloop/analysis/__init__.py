"""Analyses over the store: turnover figures, psychometrics, trends."""
