"""Maps the repository's prover folders into the package when a wheel is built.

The repository keeps `templates/`, `coq/` and `lean/` at the top level (the design card's
layout); an installed pyexport finds them in `pyexport/prover_files/` (`pyexport.resources`).
Only source files are copied: build products of a checkout (`.vo`, `.lake`, ...) never ship.
Everything else is declared in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = {
    "templates": ["**/*.j2"],
    "coq": ["Makefile", "_CoqProject", "audit_allowlist.txt", "README.md", "theories/**/*.v",
            "termsize/*.v"],
    "lean": ["lean-toolchain", "lakefile.toml", "README.md", "PyExport.lean",
             "PyExport/**/*.lean"],
}


class BuildWithProverFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        root = Path(__file__).resolve().parent
        for folder, patterns in SHIPPED.items():
            for pattern in patterns:
                for path in sorted((root / folder).glob(pattern)):
                    target = Path(self.build_lib, "pyexport", "prover_files",
                                  path.relative_to(root))
                    self.mkpath(str(target.parent))
                    self.copy_file(str(path), str(target))


setup(cmdclass={"build_py": BuildWithProverFiles})
