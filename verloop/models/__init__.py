"""Models that link wellbeing, autonomy and mandate to leaving — honestly evaluated.

Submodules (imported on demand to keep ``import verloop`` light):

- ``tabular``, ``pipelines``, ``benchmark``: ``verloop benchmark`` on any attrition CSV;
- ``evaluate``: held-out metrics, (cluster) bootstrap intervals, calibration, concordance;
- ``data``: the organisation as tidy frames (``load_org`` from the database, ``from_frames``);
- ``features``: the team × wave panel (anonymous mode: team means of ≥ k respondents only);
- ``team``: the team Poisson model (``TeamPoissonModel``, alias ``PooledTeamModel``:
  ``fit(X, leavers / person-years, sample_weight=person-years)`` as scikit-learn's
  ``PoissonRegressor``; on pooled team means: all waves, all staff, no tenure controls,
  bootstrap over teams, a power analysis) for drivers, risk and what-if; on the per-wave panel
  (``panel_xy``) with gradient boosting (``team_boosting``) for held-out comparison;
- ``results``: the one result shape of every model family, a lifelines-style ``summary`` frame
  (coef, exp(coef), se(coef), bounds, p, and per SD) with ``print_summary()``;
- ``triangulate``: every source of evidence per factor and one verdict with a written rule;
- ``measurement``: regression calibration and score ageing for the person-level model;
- ``individual``: person-months, snapshots, the Cox model (``CoxModel.fit(X, survival_y(event,
  time), entry=…, groups=…)``; own scores in confidential mode);
- ``classifiers``, ``validation``: leave-within-h-months classifiers; temporal and by-team
  evaluation, baselines and the survey's lift;
- ``drivers``: effects with intervals, sentences in Dutch and English, importance and partial
  dependence (``sklearn.inspection``);
- ``whatif``: expected leavers and euros saved when a factor changes;
- ``cards``, ``train``: ``verloop train`` and the model cards the dashboards read;
- ``threads``: thread limits for many small fits.
"""
