"""One scan, end to end: read -> normalise -> classify partners -> evaluate checks -> ScanResult.

Only readers touch files; this module wires the stages and decides nothing about law or layouts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from configscan import __version__, readcount
from configscan.audit.run import DEFAULT_SWEEP_THRESHOLD, AuditRequest, run_audit
from configscan.checkapi import Check, CheckContext
from configscan.direction import assume_direction
from configscan.engine import run_checks
from configscan.errors import InputError, UsageError
from configscan.findings import (
    Finding,
    InputFile,
    Outcome,
    PackRef,
    PartnerView,
    ScanResult,
    Severity,
    Summary,
    tally,
)
from configscan.inputs import Inventory
from configscan.jurisdictions.layers import LEGAL_ROLES
from configscan.jurisdictions.loader import PackLibrary, build_ruleset
from configscan.jurisdictions.schema import RulePack
from configscan.model import AgencyConfig, Partner, User
from configscan.network.findings import network_findings
from configscan.network.model import Reach
from configscan.network.reach import own_reach
from configscan.partners import Classification, Classifier
from configscan.partners.g287 import cached_roster
from configscan.portfolio.group import one_agency
from configscan.progress import AuditProgress
from configscan.readers.base import Fragment, Reader
from configscan.readers.mapped import Mapping, load_mapping, mapped_reader
from configscan.readers.merge import Conflict, merge
from configscan.readers.pick import pick_reader as pick_reader  # re-exported: callers pick a reader from here
from configscan.readers.pick import read_all
from configscan.readers.pick import read_inputs as read_inputs  # re-exported for the audit command


@dataclass
class ScanOptions:
    inputs: Sequence[Path]
    jurisdiction: str | None = None
    local: str | None = None
    policy: Path | None = None
    as_of: dt.date = field(default_factory=dt.date.today)
    fail_on: Severity | None = Severity.high  # None: --fail-on never (recorded as "never")
    reader: str | None = None
    directory: Path | None = None
    mapping: Path | None = None  # TOML column mapping for CSV/XLSX no built-in reader knows
    agency_name: str | None = None  # used only when no input names the agency
    agency_state: str | None = None
    audit: Sequence[str] = ()  # audit-log files, globs or folders (configscan.audit)
    exclude: Sequence[str] = ()  # --exclude globs: files in input folders to leave out on purpose
    sweep_threshold: int = DEFAULT_SWEEP_THRESHOLD
    evidence: Path | None = None  # target of the evidence CSV (staged beside it, published by the caller)
    work: Path | None = None  # private work directory (required with audit files)
    direction: str | None = None  # --direction: what a one-direction partner list is (configscan.direction)
    g287: Path | None = None  # a newer 287(g) list than the bundled one (--287g)
    reach: Reach | None = None  # portfolio: this agency's reach in the batch's network (else its own links)
    progress: AuditProgress | None = None  # audit progress on a terminal (configscan.progress); None: nothing


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def normalise(data: dict[str, object], source: str) -> AgencyConfig:
    """Validate the merged data; the first error names the field, e.g. ``agency.state``."""
    agency = data.get("agency")
    for key in ("name", "state"):
        if not isinstance(agency, dict) or agency.get(key) in (None, ""):
            raise InputError(source, f"field agency.{key}: no input gives it; pass --agency-{key}")
    try:
        return AgencyConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(document)"
        got = repr(err.get("input"))
        got = got if len(got) <= 60 else got[:57] + "..."
        raise InputError(source, f"field {loc}: {err['msg']} (got {got})") from exc


PartnerPairs = tuple[tuple[Partner, Classification], ...]
UserPairs = tuple[tuple[User, Classification | None], ...]


def classify(config: AgencyConfig, classifier: Classifier) -> tuple[PartnerPairs, UserPairs]:
    """Classify every partner and every user's e-mail domain, once, before any check runs."""
    state = config.agency.state
    partners = tuple(
        (p, classifier.classify(p.name, state=p.state, ori=p.ori, org_type=p.org_type, agency_state=state))
        for p in (config.partners or [])
    )
    users = []
    for user in config.users or []:
        verdict: Classification | None = None
        if user.email and "@" in user.email:
            domain = user.email.rsplit("@", 1)[1].lower()
            verdict = classifier.classify(user.name or user.email, email_domains=[domain], agency_state=state)
        users.append((user, verdict))
    return partners, tuple(users)


NO_RULES_IN_FORCE = "no rules in force on that date"


def verdict_of(findings: Sequence[Finding], errors: Sequence[str], rules_in_force: bool = True) -> str:
    """The report's one-word-or-so verdict. "clean" only when rules were in force to be clean against: a date
    before any rule of the agency's layers applies gives "no rules in force on that date" instead."""
    if errors:
        return "incomplete"
    fails = [f for f in findings if f.outcome is Outcome.fail]
    if any(not f.advisory for f in fails):
        return "violations found"
    if fails:
        return "risks found"
    if any(f.outcome is Outcome.unverified for f in findings):
        return "unverified"
    return "clean" if rules_in_force else NO_RULES_IN_FORCE


def audit_mapping(options: ScanOptions) -> Mapping | None:
    """The ``kind = "audit"`` mapping for the audit logs, if ``--mapping`` names one (and there are logs)."""
    if options.mapping is None:
        return None
    mapping = load_mapping(options.mapping)
    if mapping.kind != "audit":
        return None
    if not options.audit:
        raise UsageError(f"--mapping {options.mapping} maps audit logs (kind = \"audit\"); give them with --audit")
    return mapping


def scan(options: ScanOptions, checks: Sequence[Check], readers: Sequence[Reader]) -> ScanResult:
    config, fragments, conflicts, inventory = read_agency(options, readers)
    return evaluate(options, config, checks, fragments, conflicts, audit_config=config, inventory=inventory)


def read_agency(options: ScanOptions, readers: Sequence[Reader],
                ) -> tuple[AgencyConfig, list[Fragment], list[Conflict], Inventory]:
    """``scan``'s reading half, apart so ``run`` can read each of several agencies and evaluate them as a batch."""
    if options.mapping is not None and audit_mapping(options) is None:
        readers = [mapped_reader(load_mapping(options.mapping)), *readers]
    fragments, inventory = read_all(options.inputs, readers, options.reader, options.exclude)
    one_agency(fragments, options.agency_name)  # several agencies: exit 2 pointing at `configscan portfolio`
    defaults = {k: v for k, v in (("name", options.agency_name), ("state", options.agency_state)) if v}
    data, conflicts = merge(fragments, {"agency": defaults} if defaults else None)
    source = ", ".join(str(p) for p in options.inputs)
    config = normalise(data, source)
    return config, list(fragments), list(conflicts), inventory


def evaluate(options: ScanOptions, config: AgencyConfig, checks: Sequence[Check], fragments: Sequence[Fragment] = (),
             conflicts: Sequence[Conflict] = (), audit_config: AgencyConfig | None = None,
             inventory: Inventory | None = None, library: PackLibrary | None = None,
             classifier: Classifier | None = None) -> ScanResult:
    """Rules, checks and (with audit files) the audit log against one normalised configuration.

    ``audit_config`` is the configuration the audit log is compared with; None when the agency's settings
    were not given (``configscan audit`` without ``--config``), so no back-door or contradiction findings.
    ``library`` and ``classifier`` let a portfolio load the packs and the partner directory once per process
    rather than once per agency (each load costs more than evaluating an agency); a classifier must have been
    built with ``options.directory``.
    """
    config, assumptions = assume_direction(config, options.direction)  # said on the report's first screen
    if audit_config is not None:
        audit_config = assume_direction(audit_config, options.direction)[0]
    library = library or PackLibrary()
    jurisdiction = options.jurisdiction or f"US-{config.agency.state}"
    ruleset = build_ruleset(library, jurisdiction, options.as_of, options.local, options.policy)
    classifier = classifier or Classifier(options.directory)  # one directory load and name cache: config + audit
    partners, users = classify(config, classifier)
    ctx = CheckContext(config=config, rules=ruleset, partners=partners, users=users)
    engine = run_checks(checks, ctx)
    errors = list(engine.errors) + (inventory.errors if inventory else [])
    skipped = list(inventory.skipped) if inventory else []
    findings = list(engine.findings)
    for fragment in fragments:
        if fragment.problems and fragment.lost_matters:
            errors.append(f"{fragment.source}: {len(fragment.problems)} row(s) could not be read")
    findings.extend(_conflict_findings(conflicts))
    roster = cached_roster(options.g287)
    reach = options.reach or own_reach(config, classifier, roster)
    findings.extend(network_findings(reach, ruleset, roster.info))
    audit = None
    if options.audit:
        if options.work is None:
            raise UsageError("audit files need a work directory")
        outcome = run_audit(AuditRequest(
            files=list(options.audit), agency_state=config.agency.state, rules=ruleset,
            classifier=classifier, work=options.work, config=audit_config,
            threshold=options.sweep_threshold, evidence_target=options.evidence, mapping=audit_mapping(options),
            exclude=list(options.exclude), roster=roster, progress=options.progress))
        findings.extend(outcome.findings)
        skipped.extend(outcome.skipped)
        errors.extend(outcome.errors)
        audit = outcome.summary
    agency_key = config.agency.ori or f"{config.agency.state}:{config.agency.name}"
    roles = {pack.id: role for pack, role in ruleset.packs}
    findings = [f.model_copy(update={"layer_role": roles.get(f.layer)}) if f.layer else f for f in findings]
    findings = sorted((f.with_fingerprint(agency_key) for f in findings),
                      key=lambda f: (-f.severity.rank, f.outcome.value, f.check, f.subject))
    return ScanResult(
        tool={"name": "configscan", "version": __version__},
        scanned_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        as_of=options.as_of,
        agency=config.agency.model_dump(mode="json"),
        jurisdictions=[_pack_ref(pack, role) for pack, role in ruleset.packs],
        summary=_summary(findings, errors, options.fail_on, not ruleset.nothing_in_force),
        findings=findings,
        partners=[_partner_view(p, c) for p, c in ctx.partners],
        inputs=[InputFile(path=f.source, sha256=sha256_of(Path(f.source)), reader=f.reader,
                          rows_unreadable=len(f.problems), rows_read=f.rows_read, records=readcount.records(f),
                          sheets=readcount.sheets(f)) for f in fragments],
        unknown_fields=_unknown_fields(config),
        errors=errors,
        skipped=skipped,
        checks_run=engine.checks_run,
        statute_found=ruleset.statute_found,
        law_note=law_note(ruleset.packs),
        assumptions=assumptions,
        read_summary=readcount.read_summary(fragments, audit),
        audit=audit,
        reach=reach,
        g287_list=roster.info,
        config=config.model_dump(mode="json", exclude_none=True),
    )


def law_note(packs: Sequence[tuple[RulePack, str]]) -> str | None:
    """Plain words for a legal layer without a statute: what was not found, and as of when."""
    notes = []
    for pack, role in packs:
        if role not in LEGAL_ROLES or pack.statute_found:
            continue
        what = "statewide ALPR statute" if role == "state" else "local ALPR ordinance"
        notes.append(f"No {what} was found for {pack.name} ({pack.id}) that restricts sharing or retention, "
                     f"as of {pack.last_reviewed.isoformat()} (the pack's last review).")
    if not notes:
        return None
    return " ".join(notes) + (" Findings from configscan's advisory baseline are risks, not violations; this does "
                              "not mean sharing is legal.")


def _conflict_findings(conflicts: Sequence[Conflict]) -> list[Finding]:
    return [
        Finding(check="inputs.conflict", severity=Severity.medium, outcome=Outcome.unverified,
                title="Unverified: inputs disagree on a setting", subject=c.path,
                evidence={"conflict": str(c), "sources": {c.first_source: c.first_value,
                                                          c.second_source: c.second_value}},
                remediation="Find out which export is current and re-run with that one.")
        for c in conflicts
    ]


def _summary(findings: Sequence[Finding], errors: Sequence[str], fail_on: Severity | None,
             rules_in_force: bool = True) -> Summary:
    counted = tally(findings)
    return Summary(
        verdict=verdict_of(findings, errors, rules_in_force),
        counts=counted.counts, unverified=counted.unverified, upcoming=counted.upcoming,
        rule_hits=counted.rule_hits, fail_on=fail_on.value if fail_on is not None else "never",
    )


def _pack_ref(pack: RulePack, role: str) -> PackRef:
    return PackRef(id=pack.id, name=pack.name, level=pack.level.value, version=pack.version,
                   last_reviewed=pack.last_reviewed, statute_found=pack.statute_found, role=role)


def _partner_view(partner: Partner, verdict: Classification) -> PartnerView:
    return PartnerView(
        name=partner.name, state=partner.state, category=verdict.category.value,
        out_of_state=verdict.out_of_state, reasons=verdict.reasons, confidence=verdict.confidence,
        direction=partner.direction.value if partner.direction else None,
        link=partner.link.value if partner.link else None,
        status=partner.status.value if partner.status else None,
    )


def _unknown_fields(config: AgencyConfig) -> dict[str, object]:
    found: dict[str, object] = {f"{k}": v for k, v in config.extras().items()}
    for name in ("agency", "sharing"):
        part = getattr(config, name)
        if part is not None:
            found.update({f"{name}.{k}": v for k, v in part.extras().items()})
    for name in ("partners", "hotlists", "users"):
        for i, item in enumerate(getattr(config, name) or []):
            found.update({f"{name}[{i}].{k}": v for k, v in item.extras().items()})
    return found
