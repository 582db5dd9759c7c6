"""``python -m configscan``."""

from configscan.cli import main

main()
