"""Alerts: tell someone when a nightly run finds something new -- a webhook POST and/or an e-mail.

Only new findings (not in the previous run, waived ones excluded) at or above the threshold trigger an alert,
so an admin hears about news, not about the standing state every night. Secrets (a webhook URL embeds its
token; SMTP passwords) come from an environment variable or a file only its owner can read, and are never
printed, logged, written to a report or stored in the history database.
"""
