# Fixtures come from the beffroi.devkit.testing pytest plugin (entry point pytest11).

import pathlib
import sys

# the tests' shared helper modules (verification_helpers, ops_server, zodb_helpers …)
# are imported by name: pytest runs with --import-mode=importlib, which adds no folder
sys.path.insert(0, str(pathlib.Path(__file__).parent))
