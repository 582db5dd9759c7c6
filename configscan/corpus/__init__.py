"""Corpus mode: many releases by many agencies read as one (``configscan corpus``).

Stages, one module each: ``manifest`` (which release is which agency's, its state, request URL and
SHA-256), ``load`` (every release's rows into one engine table, CSV/XLSX/PDF through the audit's sources and
Parquet natively), ``dedup`` (the same search in many releases linked by UUID, else by a looser key),
``owners`` (findings per camera owner under the owner's state law), ``write`` (JSON, per-owner index and
evidence CSV) and ``html`` (the printable index and one page per owner).
"""
