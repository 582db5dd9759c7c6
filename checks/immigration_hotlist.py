"""Hotlist subscriptions to federal immigration files (NCIC Immigration Violator File).

The file is entered only by ICE and includes administrative-warrant records: subscribing turns local
cameras into immigration alerts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, unverified, violation
from configscan.findings import Finding, Severity
from configscan.jurisdictions.schema import RuleKind

META = CheckMeta(
    id="hotlists.immigration",
    title="Subscribed to a federal immigration hotlist",
    severity=Severity.critical,
    description="A hotlist subscription whose source is a federal immigration file alerts officers to "
    "vehicles wanted only for civil immigration matters.",
    remediation="In the vendor's hotlist settings (Flock: Admin > Hotlists > NCIC files) unsubscribe from "
    "the Immigration Violator File and any ICE/HSI-sourced list.",
    rule_kinds=[RuleKind.forbid_immigration_use],
)

_IMMIGRATION_LIST = re.compile(
    r"immigration\s+violator|\bIVF\b|\bimmigration\b|\bICE\b|\bHSI\b|\bERO\b|homeland security investigations|"
    r"\bCBP\b|border patrol",
    re.I,
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    rules = ctx.rules.of_kind(RuleKind.forbid_immigration_use)
    if not rules:
        return
    for hotlist in ctx.config.hotlists or []:
        text = f"{hotlist.name} {hotlist.source or ''}"
        if not _IMMIGRATION_LIST.search(text):
            continue
        evidence = {"hotlist": hotlist.name, "source": hotlist.source, "subscribed": hotlist.subscribed}
        if hotlist.subscribed is None:
            yield unverified(META, subject=hotlist.name, applied=rules[0], evidence=evidence,
                             why="an immigration hotlist is listed but the export does not say if it is subscribed")
            continue
        if hotlist.subscribed:
            for applied in rules:
                yield violation(META, applied, subject=hotlist.name, evidence=evidence)


check = Check(meta=META, func=run)
