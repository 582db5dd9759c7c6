"""``python -m configscan``."""

from configscan.cli import main

if __name__ == "__main__":  # not when a worker process (``corpus.pagework``) imports it
    main()
