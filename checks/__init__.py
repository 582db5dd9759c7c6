"""Built-in checks, installed as ``configscan.checks`` and registered through entry points.

One package per check: ``check.py`` holds the metadata and the pure function, ``cases.yaml`` the
pass / fail / unverified fixture exports that the test suite runs (and that document the check).
"""
