"""Fetching inputs over HTTP into a snapshot folder that ``configscan scan`` reads.

Public API: :func:`configscan.fetch.snapshot.fetch_all` (download into a folder, with a manifest),
:class:`configscan.fetch.http.Fetcher` (session, limits, credentials and deadline of one run), the sources in
:mod:`configscan.fetch.sources`. Only this package touches the network. Everything a server sends -- names,
redirects, waits, sizes, ``next`` links -- is untrusted and bounded: see :mod:`~configscan.fetch.names`,
:mod:`~configscan.fetch.credentials`, :mod:`~configscan.fetch.limits`.
"""
