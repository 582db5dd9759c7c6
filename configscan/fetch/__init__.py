"""Fetching inputs over HTTP into a snapshot folder that ``configscan scan`` reads.

Public API: :func:`configscan.fetch.snapshot.fetch_all` (download into a folder, with a manifest),
:func:`configscan.fetch.http.make_session`, the sources in :mod:`configscan.fetch.sources`.
Only this package touches the network.
"""
