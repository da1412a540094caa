"""A synthetic contact centre with known truth, for the demo, the tests and the benchmarks.

    from verloop.synth import SynthConfig, generate, write, write_truth
    org = generate(SynthConfig(employees=600, seed=1))
    write(store, org); write_truth(org, "var/truth.json")

See docs/design/SYNTHETIC.md for the published figures it reproduces, and
:mod:`verloop.synth.simulate` / :mod:`verloop.synth.latent` for the model.
"""

from verloop.synth.config import REASONS, SCALES, SynthConfig
from verloop.synth.generate import TABLES, SynthOrg, generate
from verloop.synth.truth import read_truth, write_truth

# Imported eagerly: the function shares its name with its module, and a lazy import of the
# module would later rebind ``verloop.synth.write`` to the module itself.
from verloop.synth.write import write  # noqa: E402

__all__ = ["REASONS", "SCALES", "TABLES", "SynthConfig", "SynthOrg", "generate", "read_truth", "write", "write_truth"]
