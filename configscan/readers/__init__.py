"""Readers turn what agencies really have into fragments of the interchange format.

Each reader is a plugin (entry-point group ``configscan.readers``) that recognises its inputs by content
and records where every value came from. Public API: :class:`Reader`, :class:`Fragment`.
"""

from configscan.readers.base import Fragment, Reader

__all__ = ["Fragment", "Reader"]
