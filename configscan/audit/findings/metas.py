"""Metadata of the audit findings (ids, default severities, what to change), one per finding kind."""

from __future__ import annotations

from configscan.checkapi import CheckMeta
from configscan.findings import Severity
from configscan.jurisdictions.schema import RuleKind

FEDERAL = CheckMeta(
    id="audit.federal_searcher", title="A federal organisation searched this agency's ALPR data",
    severity=Severity.critical,
    description="The audit log shows searches by a federal organisation (the partner classifier decides; the "
    "vendor's [Federal] label counts) that covered this agency's cameras.",
    remediation="Find the path it used (1:1 share, group, national or statewide lookup) in the sharing "
    "settings, remove it, and ask the vendor for every search that organisation ran.",
    rule_kinds=[RuleKind.forbid_federal_sharing, RuleKind.conditional_sharing, RuleKind.forbid_immigration_use],
)
OUT_OF_STATE = CheckMeta(
    id="audit.out_of_state_searcher", title="Out-of-state organisations searched this agency's ALPR data",
    severity=Severity.high,
    description="The audit log shows searches by organisations from another state where the law bars or "
    "conditions out-of-state access.",
    remediation="Turn off national lookup and out-of-state shares on every network, and remove each listed "
    "organisation's access; where a declaration is required, obtain it before any access.",
    rule_kinds=[RuleKind.forbid_out_of_state_sharing, RuleKind.out_of_state_requires_declaration,
                RuleKind.conditional_sharing],
)
UNPLACED = CheckMeta(
    id="audit.unverified_searcher", title="Searchers in the audit log could not be identified",
    severity=Severity.medium,
    description="Organisations in the log that the partner classifier could not classify or place in a state, "
    "or whose names are redacted: their access cannot be judged.",
    remediation="Ask the vendor or the records office for the unredacted organisation names and their states.",
)
BACK_DOOR = CheckMeta(
    id="audit.back_door", title="Organisations absent from the configured partners searched the data",
    severity=Severity.high,
    description="Searches by organisations that the agency's configuration does not list as partners: access "
    "the settings do not explain (lookup pools, vendor-enabled settings).",
    remediation="Check national and statewide lookup on every network and the vendor's pools; turn off what "
    "the agency did not approve and ask the vendor when it was enabled.",
    rule_kinds=[RuleKind.forbid_federal_sharing, RuleKind.forbid_out_of_state_sharing],
)
CONTRADICTION = CheckMeta(
    id="audit.contradiction", title="Configuration and audit log disagree",
    severity=Severity.high,
    description="The exported settings and the audit log cannot both be right: closed settings with searches "
    "through them, or a control the configuration claims that the log shows unused.",
    remediation="Establish which is current: export the settings again, ask the vendor for the setting's "
    "change history, and fix the setting that let the searches through.",
)
IMMIGRATION = CheckMeta(
    id="audit.immigration_reason", title="Searches with an immigration-enforcement reason",
    severity=Severity.critical,
    description="Logged reasons show an immigration-enforcement purpose (removal, deportation, detainers and "
    "immigration holds, status, border-crossing offences, in English or Spanish); each match names the rule that "
    "fired. Barred by SB 54-style rules whoever asked.",
    remediation="Suspend the searching accounts' access, report the searches as the law requires, and block "
    "immigration reasons in the search-reason settings.",
    rule_kinds=[RuleKind.forbid_immigration_use],
)
IMMIGRATION_AGENCY = CheckMeta(
    id="audit.immigration_agency_reason", title="Searches for an immigration agency",
    severity=Severity.critical,
    description="Logged reasons name or assist an immigration agency (ICE and its components ERO and HSI, CBP, "
    "the Border Patrol, a 287(g) unit): sharing with it is federal sharing whatever the purpose (e.g. Cal. Civ. "
    "Code 1798.90.55(b)); where no immigration purpose shows (an HSI narcotics case), rules that bar the purpose "
    "cannot be decided from the log.",
    remediation="Stop searching on behalf of federal agencies through local accounts, report the searches as the "
    "law requires, and ask the searching officers for each search's purpose.",
    rule_kinds=[RuleKind.forbid_federal_sharing, RuleKind.forbid_immigration_use],
)
VAGUE = CheckMeta(
    id="audit.vague_reason", title="Searches with vague or empty reasons",
    severity=Severity.medium,
    description="Reasons such as 'inv', 'investigation', 'Other - Not Applicable' or blank do not record a "
    "purpose a reviewer can check.",
    remediation="Require an offense type and case number for every search and audit the accounts that log "
    "vague reasons.",
    rule_kinds=[RuleKind.require_search_purpose],
)
HEALTH = CheckMeta(
    id="audit.reproductive_health_reason", title="Searches with reproductive-health reasons",
    severity=Severity.high,
    description="Logged reasons mention abortion, reproductive health or pregnancy.",
    remediation="Review each search against the health-care protections that apply and restrict access.",
    rule_kinds=[RuleKind.forbid_health_care_use],
)
SWEEP = CheckMeta(
    id="audit.mass_sweep", title="Mass sweeps across very many networks",
    severity=Severity.low,
    description="One search covering at least the sweep threshold of networks: national-scale reach.",
    remediation="Review each sweep's reason and who ran it; narrow lookup participation if it is not needed.",
)
LOOKBACK = CheckMeta(
    id="audit.lookback_past_retention", title="Searches reached back past the retention limit",
    severity=Severity.medium,
    description="The log's Time Frame shows searches asking for reads older than the legal or policy retention "
    "limit: either reads are kept longer than the limit allows, or searchers routinely ask for data that should "
    "no longer exist.",
    remediation="Confirm the retention actually set on every network (and the vendor's deletion schedule); limit "
    "the search window to the retention period and ask why searchers asked for older data.",
    rule_kinds=[RuleKind.max_retention],
)
MODERATION = CheckMeta(
    id="audit.moderation_note", title="The vendor moderated or annotated searches",
    severity=Severity.medium,
    description="The vendor's Moderation column holds a value for some searches: a blocked or flagged prompt, "
    "or a note about the search itself (one disclosed that a search covered more cameras than intended).",
    remediation="Read each note; ask the vendor what it means for those searches and which cameras they covered.",
)
ALL = (FEDERAL, OUT_OF_STATE, UNPLACED, BACK_DOOR, CONTRADICTION, IMMIGRATION, IMMIGRATION_AGENCY, VAGUE, HEALTH, SWEEP,
       LOOKBACK, MODERATION)
