"""A synthetic contact centre with known truth, for the demo, the tests and the benchmarks.

    from verloop.synth import SynthConfig, generate, write, write_truth
    org = generate(SynthConfig(employees=600, seed=1))
    write(store, org); write_truth(org, "var/truth.json")

See ../shared/design/SYNTHETIC.md for the published figures it reproduces, and
:mod:`verloop.synth.simulate` / :mod:`verloop.synth.latent` for the model.
"""

from verloop.synth.config import REASONS, SCALES, SynthConfig
from verloop.synth.generate import TABLES, SynthOrg, generate
from verloop.synth.truth import read_truth, write_truth


def write(store, org, **kwargs):
    """Bulk-write ``org`` into an empty store; see :func:`verloop.synth.write.write`."""
    from verloop.synth.write import write as _write

    return _write(store, org, **kwargs)


__all__ = ["REASONS", "SCALES", "TABLES", "SynthConfig", "SynthOrg", "generate", "read_truth",
           "write", "write_truth"]
