"""configscan: can federal immigration authorities reach an agency's ALPR data, and is that lawful?

The public API is deliberately small; everything else lives in private-ish modules named for what they hold.
"""

__version__ = "0.1.0"
