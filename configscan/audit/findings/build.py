"""Turn audit facts into findings. Pure functions: facts, rules and configuration in, findings out.

The law comes only from the rule packs (by rule kind); a finding either cites the applicable rule or is
unverified. Under the advisory baseline a breach is a risk (the shared helpers cap it at medium).
A log cannot show whether a condition (a warrant, a declaration) was met, so conditional rules give
unverified findings that cite the rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from configscan.audit.findings import metas
from configscan.audit.findings.facts import (
    MAX_IMMIGRATION_FINDINGS,
    MAX_SWEEP_FINDINGS,
    TOP,
    AuditFacts,
    Samples,
    group_evidence,
    org_evidence,
    orgs_of,
    pointer,
    top_orgs,
    when,
)
from configscan.audit.findings.tally import ordered
from configscan.checkapi import CheckMeta, unverified, violation
from configscan.engine import cap_unverified
from configscan.findings import Finding, Outcome, Severity
from configscan.jurisdictions.loader import AppliedRule, RuleSet
from configscan.jurisdictions.schema import RuleKind
from configscan.model import AgencyConfig


def _apply(meta: CheckMeta, rules: list[AppliedRule], subject: str, evidence: dict[str, Any],
           title: str, why_conditional: str) -> Iterator[Finding]:
    """A forbidding rule is broken by the search itself; a conditional one cannot be judged from a log."""
    for applied in rules:
        if applied.rule.kind is RuleKind.conditional_sharing:
            yield unverified(meta, subject=subject, applied=applied, evidence=evidence, why=why_conditional)
        else:
            yield violation(meta, applied, subject=subject, evidence=evidence, title=title)


def federal(facts: AuditFacts, rules: RuleSet, sample: Samples) -> Iterator[Finding]:
    sharing = [r for r in rules.of_kind(RuleKind.forbid_federal_sharing, RuleKind.conditional_sharing)
               if r.rule.params.get("applies_to", ["federal"]) != ["out_of_state"]]
    immigration = rules.of_kind(RuleKind.forbid_immigration_use)
    for org in orgs_of(facts, "federal"):
        searcher = facts.searchers[org]
        applicable = sharing + (immigration if searcher.category == "federal_immigration" else [])
        evidence = org_evidence(facts, org, sample, "federal_searcher")
        if not applicable:
            yield unverified(metas.FEDERAL, subject=searcher.name, evidence=evidence,
                             why="a federal organisation searched and no rule pack rule covers it")
            continue
        title = f"Federal organisation searched this agency's data {facts.orgs[org].searches} time(s)"
        yield from _apply(metas.FEDERAL, applicable, searcher.name, evidence, title,
                          "the law allows federal access only on conditions the log cannot show")


def out_of_state(facts: AuditFacts, rules: RuleSet, sample: Samples) -> Iterator[Finding]:
    applicable = [r for r in rules.of_kind(RuleKind.forbid_out_of_state_sharing,
                                           RuleKind.out_of_state_requires_declaration,
                                           RuleKind.conditional_sharing)
                  if r.rule.params.get("applies_to", ["out_of_state"]) != ["federal"]]
    if not applicable:
        return
    by_state: dict[str, list[str | None]] = defaultdict(list)
    for org in orgs_of(facts, "out_of_state"):
        by_state[facts.searchers[org].state or "??"].append(org)
    for code in facts.counts.states("searches", "out_of_state"):
        state, tally = code or "??", facts.counts.of("searches", "out_of_state", code)
        orgs = by_state.get(state, [])
        evidence = {"searcher_state": state, **group_evidence(facts, orgs, "out_of_state", tally)}
        evidence["sample_rows"] = sample.get(("state", state), [])
        subject = f"searchers from {state}"
        title = f"Organisations from {state} searched this agency's data ({evidence['searches']} searches)"
        for applied in applicable:
            if applied.rule.kind is RuleKind.out_of_state_requires_declaration:
                allowed = [s.upper() for s in applied.rule.params.get("allowed_states", [])]
                if not allowed or state in allowed:
                    yield from _declaration(facts, orgs, tally.orgs - len(orgs), applied, subject, evidence,
                                            title)
                    continue
            yield from _apply(metas.OUT_OF_STATE, [applied], subject, evidence, title,
                              "the law allows out-of-state access only on conditions the log cannot show")


def _declaration(facts: AuditFacts, orgs: list[str | None], unnamed: int, applied: AppliedRule, subject: str,
                 evidence: dict[str, Any], title: str) -> Iterator[Finding]:
    """``unnamed``: the group's organisations not at hand (a corpus owner's): no configuration lists them as
    partners, so none has a declaration on record."""
    partners = [facts.searchers[o].partner for o in orgs] + [None] * unnamed
    declared = [p.written_declaration if p is not None else None for p in partners]
    if all(d is True for d in declared):
        return
    if any(d is False for d in declared):
        yield violation(metas.OUT_OF_STATE, applied, subject=subject, evidence=evidence, title=title)
    else:
        yield unverified(metas.OUT_OF_STATE, subject=subject, applied=applied, evidence=evidence,
                         why="no record of the written declaration the law requires for these searchers")


def unplaced(facts: AuditFacts, rules: RuleSet) -> Iterator[Finding]:
    """Searchers the classifier could not place: fail closed, never read as in-state or harmless."""
    for klass, why in (("unclassified", "searching organisations could not be classified"),
                       ("state_unknown", "the state of some searching organisations could not be established"),
                       ("redacted", "searcher names are blank or redacted in the log")):
        tally = facts.counts.of("searches", klass)
        if tally.orgs:
            yield unverified(metas.UNPLACED, subject=f"{klass} searchers", why=why,
                             evidence=group_evidence(facts, orgs_of(facts, klass), "unverified_searcher", tally))


def back_door(facts: AuditFacts, rules: RuleSet, config: AgencyConfig) -> Iterator[Finding]:
    """Searchers the configuration does not list: access the settings do not explain."""
    for klass in ("federal", "out_of_state", "in_state", "state_unknown", "unclassified"):
        orgs = [o for o in orgs_of(facts, klass) if facts.searchers[o].listed is False]
        if not orgs:
            continue
        evidence = {"searcher_class": klass, **group_evidence(facts, orgs, "back_door")}
        subject = f"unlisted {klass.replace('_', '-')} searchers"
        title = (f"{len(orgs)} organisation(s) absent from the configured partners searched this agency's data "
                 f"({evidence['searches']} searches)")
        kinds = {"federal": (RuleKind.forbid_federal_sharing,),
                 "out_of_state": (RuleKind.forbid_out_of_state_sharing,)}.get(klass, ())
        applicable = rules.of_kind(*kinds) if kinds else []
        if applicable:
            for applied in applicable:
                yield violation(metas.BACK_DOOR, applied, subject=subject, evidence=evidence, title=title)
        else:
            yield unverified(metas.BACK_DOOR, subject=subject, evidence=evidence,
                             why="searches by organisations the configuration does not list (a back door)")


def contradictions(facts: AuditFacts, config: AgencyConfig) -> Iterator[Finding]:
    """Configuration and log disagree, either way: closed settings with searches, or claimed controls unused."""
    sharing = config.sharing
    fed = orgs_of(facts, "federal")
    if sharing is not None and sharing.federal_sharing_disabled is True and fed:
        yield _contradiction("federal sharing", "the configuration disables federal sharing, but federal "
                             "organisations searched", group_evidence(facts, fed, "federal_searcher"))
    oos_unlisted = [o for o in orgs_of(facts, "out_of_state") if not facts.searchers[o].listed]
    national_off = sharing is not None and sharing.national_lookup is False and not any(
        n.national_lookup for n in sharing.networks)  # one network with it on is enough to expose the data
    if national_off and oos_unlisted:
        yield _contradiction("national lookup", "the configuration turns national lookup off, but out-of-state "
                             "organisations that are not partners searched",
                             group_evidence(facts, oos_unlisted, "out_of_state"))
    for org, searcher in facts.searchers.items():
        partner = searcher.partner
        if partner is None or org not in facts.orgs or partner.can_reach_us() is not False:
            continue
        status = partner.status.value if partner.status else "?"
        direction = partner.direction.value if partner.direction else "?"
        yield _contradiction(searcher.name, "the configuration says this partner cannot search the agency's data "
                             f"(status {status}, direction {direction}), but it searched",
                             {**when(facts.orgs[org]), "evidence_csv": pointer(facts, "back_door")})
    empty = sum(f.empty_reasons for o, f in facts.orgs.items() if facts.searchers[o].klass == "own")
    empty_all = sum(f.empty_reasons for f in facts.orgs.values())
    if config.search_reason_required is True and empty_all:
        yield _contradiction("search_reason_required", "the configuration says a search reason is required, but "
                             "the log has searches with no reason",
                             {"searches_without_reason": empty_all, "of_which_own_agency": empty,
                              "evidence_csv": pointer(facts, "vague")})


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def lookup_proven(facts: AuditFacts, config: AgencyConfig) -> Iterator[Finding]:
    """Searches whose reach only national lookup explains, where the export says it is off or does not say.

    A search covering thousands of networks (or tens of thousands of cameras) ran through the national pool;
    the pool is reciprocal, so the searches prove this agency's data was in it at those times, whoever ran them.
    """
    sharing = config.sharing
    setting = None if sharing is None else sharing.national_lookup
    if setting is True or (sharing is not None and any(n.national_lookup for n in sharing.networks)):
        return
    orgs = sorted((o for o, f in facts.orgs.items() if f.wide), key=lambda o: (-facts.orgs[o].wide, o or ""))
    if not orgs:
        return
    wide = [facts.orgs[o] for o in orgs]
    evidence = {
        "national_lookup_in_export": "off" if setting is False else "not given",
        "searches": sum(f.wide for f in wide),
        "first": _iso(min(f.wide_first for f in wide if f.wide_first) if any(f.wide_first for f in wide) else None),
        "last": _iso(max(f.wide_last for f in wide if f.wide_last) if any(f.wide_last for f in wide) else None),
        "widest_networks": max((f.max_networks for f in wide if f.max_networks is not None), default=None),
        "widest_cameras": max((f.max_devices for f in wide if f.max_devices is not None), default=None),
        "thresholds": {"networks": facts.threshold, "cameras": facts.wide_devices},
        "by_searcher": {facts.searchers[o].name: facts.orgs[o].wide for o in orgs[:TOP]},
        "evidence_csv": pointer(facts, "sweep"),
    }
    evidence = {k: v for k, v in evidence.items() if v is not None}
    said = "turns national lookup off" if setting is False else "does not say whether national lookup is on"
    reach = " or ".join(x for x in (
        f"{evidence['widest_networks']:,} networks" if "widest_networks" in evidence else "",
        f"{evidence['widest_cameras']:,} cameras" if "widest_cameras" in evidence else "") if x)
    yield _contradiction("national lookup", f"the configuration {said}, but {evidence['searches']} search(es) "
                         f"from {str(evidence.get('first', '?'))[:10]} to {str(evidence.get('last', '?'))[:10]} "
                         f"reached up to {reach}: only national lookup reaches that far", evidence)


def lookback(facts: AuditFacts, rules: RuleSet) -> Iterator[Finding]:
    """Searches whose Time Frame starts further back than the retention limit: the log cannot show whether
    older reads were still there to find, so this is unverified, citing the limit."""
    if facts.retention is None:
        return
    days, applied = facts.retention
    whole, counts = facts.counts.of("deep"), facts.counts
    if not whole.orgs:
        return
    longest = counts.max_lookback_days
    evidence = {"limit_days": days, "limit_rule": applied.rule.id, "searches": whole.total,
                "longest_lookback_days": round(longest, 1) if longest is not None else None,
                "first": _iso(counts.deep_first), "last": _iso(counts.deep_last),
                "by_searcher": {facts.searchers[o].name: facts.orgs[o].deep
                                for o in top_orgs(facts, lambda f: f.deep, TOP)}}
    evidence = {k: v for k, v in evidence.items() if v is not None}
    why = (f"{evidence['searches']} search(es) looked back further than the {days:g}-day retention limit (the "
           f"longest {evidence.get('longest_lookback_days', '?')} days): reads kept past the limit, or searches "
           "for data that should be gone")
    yield unverified(metas.LOOKBACK, subject="search time frames", applied=applied, evidence=evidence, why=why)


def moderation(facts: AuditFacts) -> Iterator[Finding]:
    """Every non-empty Moderation value is reported: the vendor only writes one when it intervened or noticed."""
    whole = facts.counts.of("moderated")
    if not whole.orgs:
        return
    count, values = whole.total, facts.counts.moderation_values
    orgs = top_orgs(facts, lambda f: f.moderated, TOP)
    yield Finding(check=metas.MODERATION.id, severity=metas.MODERATION.severity, outcome=Outcome.unverified,
                  title=f"Unverified: the vendor's Moderation column has a value on {count} search(es)",
                  subject="moderation notes",
                  evidence={"searches": count, "example_values": values[:10],
                            "by_searcher": {facts.searchers[o].name: facts.orgs[o].moderated for o in orgs}},
                  remediation=metas.MODERATION.remediation)


def _contradiction(subject: str, what: str, evidence: dict[str, Any]) -> Finding:
    return Finding(check=metas.CONTRADICTION.id, severity=Severity.high, outcome=Outcome.unverified,
                   title=f"Configuration and audit log disagree: {what}", subject=subject, evidence=evidence,
                   remediation=metas.CONTRADICTION.remediation)


def reason_findings(facts: AuditFacts, rules: RuleSet, sample: Samples) -> Iterator[Finding]:
    immigration = rules.of_kind(RuleKind.forbid_immigration_use)
    every = top_orgs(facts, lambda f: f.immigration, MAX_IMMIGRATION_FINDINGS + TOP)
    named = every[:MAX_IMMIGRATION_FINDINGS]
    for org in named:
        f, searcher = facts.orgs[org], facts.searchers[org]
        evidence = {"organisation": searcher.name, "classified_as": searcher.category,
                    "immigration_searches": f.immigration, "rules_fired": f.immigration_rules,
                    "sample_rows": sample.get(("immigration", org), []),
                    "evidence_csv": pointer(facts, "immigration_purpose")}
        title = f"{f.immigration} search(es) with an immigration-enforcement reason"
        yield from _immigration(immigration, searcher.name, evidence, title)
    whole, rest = facts.counts.of("immigration"), every[MAX_IMMIGRATION_FINDINGS:]
    if whole.orgs > len(named):
        by_class = facts.counts.by_class("immigration")
        for org in named:
            by_class[facts.searchers[org].klass] -= facts.orgs[org].immigration
        evidence = {"organisations": whole.orgs - len(named),
                    "immigration_searches": whole.total - sum(facts.orgs[o].immigration for o in named),
                    "by_searcher_class": ordered(by_class),
                    "top_organisations": {facts.searchers[o].name: facts.orgs[o].immigration for o in rest},
                    "evidence_csv": pointer(facts, "immigration_purpose")}
        title = (f"{evidence['immigration_searches']} more search(es) with immigration-enforcement reasons by "
                 f"{evidence['organisations']} other organisation(s)")
        yield from _immigration(immigration, "other organisations with immigration reasons", evidence, title)
    yield from agency_findings(facts, rules)
    yield from _bulk_reason(facts, rules, sample, "vague", metas.VAGUE, RuleKind.require_search_purpose, "vague")
    yield from _bulk_reason(facts, rules, sample, "reproductive_health", metas.HEALTH,
                            RuleKind.forbid_health_care_use, "reproductive")


def _immigration(rules: list[AppliedRule], subject: str, evidence: dict[str, Any], title: str) -> Iterator[Finding]:
    if not rules:
        yield unverified(metas.IMMIGRATION, subject=subject, evidence=evidence,
                         why="searches give immigration reasons and no rule pack rule covers it")
    for applied in rules:
        yield violation(metas.IMMIGRATION, applied, subject=subject, evidence=evidence, title=title)


def agency_findings(facts: AuditFacts, rules: RuleSet) -> Iterator[Finding]:
    """Searches whose reason names an immigration agency. Doing a search for an ICE or CBP component is sharing
    with a federal agency whatever the purpose, so each rule barring federal sharing fails on it (California
    cites Civ. Code 1798.90.55(b) there); a rule barring the immigration purpose (SB 54-style) cannot be decided
    where the reason shows no purpose ("HSI narcotics"), so it gets an unverified finding, never a pass.
    Reasons that do show the purpose are the immigration-reason findings' business."""
    whole = facts.counts.of("immigration_agency")
    if not whole.orgs:
        return
    federal, purpose = rules.of_kind(RuleKind.forbid_federal_sharing), rules.of_kind(RuleKind.forbid_immigration_use)
    total, only = whole.total, facts.counts.of("agency_only").total
    orgs = top_orgs(facts, lambda f: f.immigration_agency, TOP)
    evidence = {"searches": total, "without_immigration_purpose": only, "organisations": whole.orgs,
                "rules_fired": dict(facts.counts.agency_rules),
                "top_organisations": {facts.searchers[o].name: facts.orgs[o].immigration_agency for o in orgs},
                "by_searcher_class": facts.counts.by_class("immigration_agency"),
                "evidence_csv": pointer(facts, "immigration_agency")}
    subject = "reasons naming an immigration agency"
    title = f"{total} search(es) name or assist an immigration agency (ICE, HSI, ERO, CBP, Border Patrol, 287(g))"
    for applied in federal:
        yield violation(metas.IMMIGRATION_AGENCY, applied, subject=subject, evidence=evidence,
                        title=f"{title}: sharing with a federal agency whatever the purpose")
    if only:
        for applied in purpose:
            yield unverified(metas.IMMIGRATION_AGENCY, subject=subject, evidence=evidence, applied=applied,
                             why=f"{only} of them state no purpose: whether they served immigration enforcement "
                             "cannot be told from the log")
    if not federal and not (only and purpose):
        yield unverified(metas.IMMIGRATION_AGENCY, subject=subject, evidence=evidence,
                         why=f"{title}; no rule pack rule on federal sharing covers them")


def _bulk_reason(facts: AuditFacts, rules: RuleSet, sample: Samples, category: str, meta: CheckMeta,
                 kind: RuleKind, figure: str) -> Iterator[Finding]:
    """``figure``: the ``OrgFacts`` count of the category's searches (a ``tally`` figure)."""
    whole = facts.counts.of(figure)
    if not whole.orgs:
        return
    total = whole.total
    orgs = top_orgs(facts, lambda f: int(getattr(f, figure)), TOP)
    evidence = {"searches": total, "organisations": whole.orgs,
                "top_organisations": {facts.searchers[o].name: getattr(facts.orgs[o], figure) for o in orgs},
                "by_searcher_class": facts.counts.by_class(figure),
                "sample_rows": sample.get(("category", category), []), "evidence_csv": pointer(facts, category)}
    subject = f"{category.replace('_', ' ')} reasons"
    title = f"{total} search(es) with {category.replace('_', ' ')} reasons"
    applicable = rules.of_kind(kind)
    if not applicable:
        yield unverified(meta, subject=subject, evidence=evidence, why=f"{title}; no rule pack rule covers them")
    for applied in applicable:
        yield violation(meta, applied, subject=subject, evidence=evidence, title=title)


def sweeps(facts: AuditFacts, sample: Samples) -> Iterator[Finding]:
    """Mass sweeps: no rule kind names a network count, so these are for review, never a legal claim."""
    orgs = top_orgs(facts, lambda f: f.sweeps, MAX_SWEEP_FINDINGS)
    for org in orgs:
        f, searcher = facts.orgs[org], facts.searchers[org]
        yield Finding(
            check=metas.SWEEP.id, severity=Severity.low, outcome=Outcome.unverified,
            title=f"{f.sweeps} mass sweep(s) across at least {facts.threshold} networks", subject=searcher.name,
            evidence={"organisation": searcher.name, "classified_as": searcher.category, "sweeps": f.sweeps,
                      "max_networks_searched": f.max_networks, "threshold": facts.threshold,
                      "sample_rows": sample.get(("sweep", org), []),
                      "evidence_csv": pointer(facts, "sweep")},
            remediation=metas.SWEEP.remediation)
    whole = facts.counts.of("sweeps")
    if whole.orgs > len(orgs):
        rest = whole.orgs - len(orgs)
        yield Finding(
            check=metas.SWEEP.id, severity=Severity.low, outcome=Outcome.unverified,
            title=f"Mass sweeps by {rest} more organisation(s)", subject="other sweeping organisations",
            evidence={"organisations": rest, "sweeps": whole.total - sum(facts.orgs[o].sweeps for o in orgs),
                      "evidence_csv": pointer(facts, "sweep")},
            remediation=metas.SWEEP.remediation)


def all_findings(facts: AuditFacts, rules: RuleSet, config: AgencyConfig | None, sample: Samples) -> list[Finding]:
    found = [*federal(facts, rules, sample), *out_of_state(facts, rules, sample), *unplaced(facts, rules),
             *reason_findings(facts, rules, sample), *sweeps(facts, sample), *lookback(facts, rules),
             *moderation(facts)]
    if config is not None:
        facts.complete()  # these read every organisation
        found += [*back_door(facts, rules, config), *contradictions(facts, config), *lookup_proven(facts, config)]
    kinds = {meta.id: meta.rule_kinds for meta in metas.ALL}
    return [cap_unverified(f, kinds.get(f.check, []), rules) for f in found]
