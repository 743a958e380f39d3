#!/usr/bin/env python3
"""Self-test of PythonServer: imports a module that is never installed, as a missing dependency would."""
import sys

try:
    import tattle_module_that_is_never_installed  # noqa: F401
except ImportError as error:
    sys.stderr.write(f"{error}: run `pip install -r Tests/python/requirements.txt`\n")
    sys.exit(3)
print("LISTENING 1", flush=True)
