"""Models that link wellbeing, autonomy and mandate to leaving — honestly evaluated.

Submodules (imported on demand to keep ``import verloop`` light):
- ``tabular``: any attrition CSV → features and a 0/1 target (column detection, notices);
- ``pipelines``: scikit-learn pipelines built from a column plan;
- ``evaluate``: cross-validated metrics, bootstrap intervals, calibration, concordance;
- ``benchmark``: the ``verloop benchmark`` pipeline on any tabular file.
"""
