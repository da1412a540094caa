"""The one build step pyproject.toml cannot express: the wheel carries the project's survey
instruments (top-level ``surveys/*.yaml``) and app notebooks (``apps/*.ipynb``) as package data
under ``verloop/_data/``, where ``verloop.config.package_folder`` finds them through
``importlib.resources``. The folders stay where the README documents them and where people edit
them; a checkout or an editable install reads them in place (nothing is copied there)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PROJECT_DATA = {"surveys": "*.yaml", "apps": "*.ipynb"}


class BuildWithProjectData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for folder, pattern in PROJECT_DATA.items():
            target = Path(self.build_lib, "verloop", "_data", folder)
            self.mkpath(str(target))
            for source in sorted(Path(folder).glob(pattern)):
                self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildWithProjectData})
