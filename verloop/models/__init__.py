"""Models that link wellbeing, autonomy and mandate to leaving — honestly evaluated.

Submodules (imported on demand to keep ``import verloop`` light):

- ``tabular``, ``pipelines``, ``benchmark``: ``verloop benchmark`` on any attrition CSV;
- ``evaluate``: held-out metrics, (cluster) bootstrap intervals, calibration, concordance;
- ``data``: the organisation as tidy frames (``load_org`` from the database, ``from_frames``);
- ``features``: the team × wave panel (anonymous mode: team means of ≥ k respondents only);
- ``team``: the pooled team model (``PooledTeamModel``: means over all waves, all staff, no
  tenure controls, bootstrap over teams, a power analysis) for drivers, risk and what-if; the
  per-wave Poisson GLM and gradient boosting for held-out comparison;
- ``triangulate``: every source of evidence per factor and one verdict with a written rule;
- ``measurement``: regression calibration and score ageing for the person-level model;
- ``individual``: person-months, snapshots, the Cox model (own scores in confidential mode);
- ``classifiers``, ``validation``: leave-within-h-months classifiers; temporal and by-team
  evaluation, baselines and the survey's lift;
- ``drivers``: effects with intervals, sentences in Dutch and English, importance, dependence;
- ``whatif``: expected leavers and euros saved when a factor changes;
- ``cards``, ``train``: ``verloop train`` and the model cards the dashboards read;
- ``threads``: thread limits for many small fits.
"""
