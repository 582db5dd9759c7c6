"""Evidence about one organisation, each piece with the category it points to and why.

Signals come from the vendor's label, the name (bundled directory aliases and general patterns), the ORI
and e-mail domains. The classifier weighs them; this module only finds them. Patterns are deliberately
anchored on whole words and on how agencies really name themselves, so Federal Way PD, Federal Heights
PD, Rice County, Bordentown and Marshall PD never look federal, and a state office of homeland security
is a state agency, not DHS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from configscan.partners.directory import Directory
from configscan.partners.emails import clean_domain, match_domain, state_government
from configscan.partners.model import Category
from configscan.partners.names import ParsedName, normalise, place_named
from configscan.partners.ori import OriInfo
from configscan.partners.states import STATE_NAME_ALTERNATION, STATE_NAMES


@dataclass(frozen=True)
class Signal:
    """One piece of evidence: the category it supports, how strongly, from where, and the reason text."""

    category: Category
    weight: float
    source: str  # vendor | email | ori | directory | name | org_type
    reason: str
    state: str | None = None
    # The name carries a private legal form ("Inc", "LLC", "Credit Union"): outweighs federal words in the
    # name ("Marine Corps Community Credit Union") but never the vendor's label, an ORI or an e-mail domain.
    legal_entity: bool = False


# Agency nouns that exist at state level; they make a state agency only with a state named before them.
_STATE_NOUNS = (
    r"department of public safety|public safety|dps|bureau of investigation|bureau of criminal \w+|"
    r"department of justice|doj|attorney general|attorneys general|attorney generals office|"
    r"department of law enforcement|law enforcement division|law enforcement agency|"
    r"(?:department|office|division) of homeland security(?: and \w+)?|homeland security|dhs|"
    r"department of corrections|corrections|fish and wildlife|fish and game|game and fish|parks and wildlife|"
    r"natural resources|dnr|state parks|parks|motor vehicles|dmv|department of revenue|gaming|lottery|"
    r"alcoholic beverage control|liquor control|national guard|emergency management|department of transportation|"
    r"fire marshal|capitol police|investigations? division|bureau of investigations?|troopers|"
    r"(?:division|bureau) of criminal investigations?|(?:office of )?(?:the )?inspector general|oig|"
    r"(?:department of )?veterans(?: affairs| services)|veterans commission"
)
_LINK = r"(?:\s+state)?(?:\s+(?:department|dept|office|division|bureau)\s+of)?\s+"
_FEDERAL_PREFIX = re.compile(
    r"^(?:us|united states|federal)\s+(?:department|dept|attorney|attorneys|marshal|marshals|probation|pretrial|"
    r"office|bureau|service|agency|army|navy|air force|coast guard|customs|immigration|border|mint|park|forest|"
    r"fish|postal|courts?|district court|embassy|government)\b"
)
_FEDERAL_WORD = re.compile(r"\bfederal\s+(?:bureau|protective|air marshals?|reserve|law enforcement|agents?|"
                           r"officers?|agency|government|investigat\w*)\b")
# Federal departments and agencies that have an Inspector General with law-enforcement agents (the IG Act
# list, https://www.oversight.gov/): "<department> Office of Inspector General" / "<department> OIG".
_FEDERAL_DEPARTMENTS = (
    r"us department of \w+|department of (?:agriculture|commerce|defense|education|energy|health and human services|"
    r"housing and urban development|the interior|interior|labor|state|transportation|the treasury|treasury|"
    r"veterans affairs)|usda|doc|dod|hhs|hud|doi|dol|dot|va|ssa|social security administration|epa|"
    r"environmental protection agency|gsa|general services administration|opm|office of personnel management|"
    r"sba|small business administration|nasa|amtrak|usps|postal service|fdic|railroad retirement board|"
    r"federal deposit insurance corporation|export import bank(?: of the united states)?|"
    r"nuclear regulatory commission|nrc|federal reserve board|smithsonian|peace corps|usaid"
)
_FEDERAL_OIG = re.compile(
    rf"\b(?:{_FEDERAL_DEPARTMENTS})\s+(?:office of\s+)?(?:the\s+)?(?:inspector general|oig)\b|"
    rf"\b(?:office of\s+)?(?:the\s+)?inspector general\s+(?:for|of)\s+(?:the\s+)?(?:{_FEDERAL_DEPARTMENTS})\b"
)
# Veterans Affairs facilities name themselves "VA <Place> Health Care System"; a leading "VA" is not the
# vendor's state position (that comes after the city, or as "VA - " with a dash).
_VA_FACILITY = re.compile(r"^va\s.*\b(?:health ?care system|medical center|police)\b")
_DHS = re.compile(r"\b(?:department of homeland security|dhs|homeland security)\b")
# A governor's office is a state's own ("Governor's Office of Homeland Security and Emergency Preparedness").
_GOVERNOR = re.compile(r"\bgovernors? office\b")
_IMMIGRATION_WORD = re.compile(r"\bimmigration\b")
_LOWER_ICE = re.compile(r"\bice\b(?=.*\b(?:ero|hsi|removal|enforcement|immigration|field office)\b)|"
                        r"\b(?:ero|dhs|immigration)\b.*\bice\b")
_TRIBAL = re.compile(
    r"\b(?:tribal|tribe|tribes|pueblo|rancheria|band of|indian community|indian reservation|reservation|"
    r"lighthorse|nation (?:police|pd|marshals?|marshal service|law enforcement|rangers|"
    r"department of public safety|dps)|"
    r"nations police|sioux community|indian tribe)\b|\bnation$"
)
_PRIVATE = re.compile(
    r"\b(?:inc|incorporated|llc|ltd|corp|corporation|company|companies|enterprises|holdings|bank|insurance|"
    r"hotel|resort|mall|shopping center|apartments?|condominiums?|condos?|hoa|poa|properties|realty|"
    r"property management|management company|towing|repossession|dealership|motors|stores?|supermarket|church|"
    r"ministries|private|business|corporate|headquarters|association|communities|healthcare|"
    r"industries|superstores?|automotive|auto group|brewing|brewery|brokers?|real estate|"
    r"security services|security company|salvation army|ski patrol)\b"
)
# A police department or sheriff's office is a public agency even when its town's name holds a business
# word ("Falls Church VA PD", "Resort Township PD", "Church Point PD").
_POLICE_AGENCY = re.compile(
    r"\b(?:pd|so|police department|police dept|sheriffs? office|sheriffs? department|sheriff)\b")
# Acronyms that state agencies share with city, campus and airport departments of the same name.
_SHARED_STATE_ACRONYMS = frozenset({"DPS"})
_LOCAL_INSTITUTION = re.compile(r"\b(?:airport|university|college|school|schools|isd|campus|city|county|town|village|"
                                r"township|port of|transit|hospital)\b")
_LEGAL_ENTITY = re.compile(
    r"\b(?:inc|incorporated|llc|ltd|corp|corporation|credit union|bank|hoa|poa|homeowners association|"
    r"condominiums?|apartments|employees association|officers association)\b")
_PRIVATE_CO = re.compile(r"(?<![A-Za-z])Co\.(?![A-Za-z])")
# Federal bodies whose names hold a business word: a Federal Reserve Bank's police is federal law enforcement
# (12 U.S.C. 248(q)), not a bank's security desk. These words are taken out before the business tests; a
# business named after one keeps its own form ("Federal Reserve Employees Credit Union").
_PUBLIC_BODY = re.compile(r"\b(?:federal reserve banks?|federal deposit insurance corporation|export import bank)\b")
# Military installations name themselves with these words and no town does; bare "fort" and "camp" are not
# among them ("Fort Worth", "Camp Verde"), nor "presidio" without "of" (Presidio County, Texas).
_INSTALLATION = re.compile(
    r"\b(?:presidio of \w+|joint base|joint reserve base|naval (?:air |weapons |submarine )?(?:station|base)|"
    r"naval support activity|air force base|air reserve base|space force (?:base|station)|"
    r"marine corps (?:base|air station|logistics base|recruit depot|air ground combat center)|army garrison)\b")
# The directory names some installations by their own names ("Fort Irwin", "Camp Pendleton"): these are the
# installation wherever they appear, also in the "<Town> PD" position.
_NAMED_INSTALLATION = re.compile(r"^(?:fort|camp|presidio of)\s")
# A state, county or city named in the name makes an "Office of Inspector General" that government's own.
_PLACE_GOVERNMENT = re.compile(rf"\b(?:county|city|parish|borough|town|village|state|{STATE_NAME_ALTERNATION})\b")
_LOCAL = re.compile(
    r"\b(?:pd|so|police|sheriff|sheriffs|marshal|marshals|constable|constables|city of|town of|village of|"
    r"township|twp|borough|county|parish|city|metro|district attorney|da|das office|prosecutor|prosecuting attorney|"
    r"public safety|dps|university|college|school|schools|isd|airport|port of|transit|housing authority|campus|"
    r"fire|code enforcement|parking|animal control|courts?|probation|municipal|department of police)\b"
)


@cache
def _town_pattern(alias: str) -> re.Pattern[str]:
    town = re.escape(normalise(alias))
    return re.compile(rf"\b{town}\s+(?:[a-z]{{2}}\s+)?(?:pd|so|police department|sheriffs? office)\b")


def _names_the_town(alias: str, norm: str) -> bool:
    """True when a federal phrase is the town in the vendor's "<Town> <ST> PD" style ("National Park NJ PD")."""
    return _town_pattern(alias).search(norm) is not None


# Patterns that depend on a value (a state code, an alias) are built by cached builders: once per value
# per process, never per name, and without churning ``re``'s bounded cache of compiled patterns.
@cache
def _state_before_noun(code: str | None) -> re.Pattern[str]:
    codes = f"|{code.lower()}" if code else ""
    return re.compile(rf"\b(?:state of\s+)?({STATE_NAME_ALTERNATION}{codes}){_LINK}(?:{_STATE_NOUNS})\b")


# The same with any two-letter word where the name's own code can stand. Every code is such a word, so a name
# this does not match matches no ``_state_before_noun`` pattern: most names are settled by this one shared
# pattern, and a code's own pattern is built only for the names that could need it.
_ANY_CODE_BEFORE_NOUN = re.compile(
    rf"\b(?:state of\s+)?({STATE_NAME_ALTERNATION}|[a-z]{{2}}){_LINK}(?:{_STATE_NOUNS})\b")
_NOUN_OF_STATE = re.compile(
    rf"\b(?:{_STATE_NOUNS})\s+(?:of|for)\s+(?:the\s+)?(?:state\s+of\s+)?({STATE_NAME_ALTERNATION})\b")
_VA_DASH = re.compile(r"^\s*VA\s*[-–:]")


def state_qualified(parsed: ParsedName) -> str | None:
    """USPS code when the name puts a state right before a state-level agency noun ("Ohio Homeland Security",
    "WI Department of Justice", "Texas DPS"), else None."""
    before = None
    if _ANY_CODE_BEFORE_NOUN.search(parsed.norm) is not None:
        before = _state_before_noun(parsed.state or None).search(parsed.norm)
    match = before or _NOUN_OF_STATE.search(parsed.norm)
    if not match:
        return None
    found = match.group(1)
    if place_named(found).search(parsed.norm):
        return None
    return STATE_NAMES.get(found, found.upper())


def name_signals(parsed: ParsedName, directory: Directory) -> list[Signal]:
    """Everything the name itself says, strongest first."""
    found: list[Signal] = []
    qualified = state_qualified(parsed)
    text, norm = parsed.text + " " + " ".join(parsed.extra_text), parsed.norm
    for entry in directory.matches(text, norm):
        if qualified and entry.category is Category.federal_other and not entry.case_sensitive:
            continue  # "Texas Parks and Wildlife" is not the federal Fish and Wildlife Service
        if entry.alias in _SHARED_STATE_ACRONYMS and _LOCAL_INSTITUTION.search(norm):
            continue  # "DFW Airport DPS", "University of X DPS": a local department of public safety
        if (entry.category.is_federal and not entry.case_sensitive and _names_the_town(entry.alias, norm)
                and not _NAMED_INSTALLATION.match(entry.alias)):
            continue  # "National Park NJ PD": the borough of National Park, not the Park Service
        found.append(Signal(entry.category, 0.9, "directory",
                            f"name contains {entry.alias!r} ({entry.component}; source: {entry.source})", entry.state))
    if _VA_FACILITY.search(norm) and not _VA_DASH.match(parsed.text):
        found.append(Signal(Category.federal_other, 0.8, "name", "a Veterans Affairs facility (\"VA ... Health Care "
                            "System\" / \"VA Medical Center\")"))
    # Literal tests before a search: each literal is one every match of that pattern contains.
    names_dhs = ("dhs" in norm or "homeland security" in norm) and _DHS.search(norm)
    if names_dhs and not any(s.category is Category.federal_immigration for s in found):
        if qualified or _GOVERNOR.search(norm):
            found.append(Signal(Category.state, 0.85, "name", f"a state ({qualified or 'governor'}) "
                                "homeland-security office, not the federal DHS", qualified))
        else:
            found.append(Signal(Category.federal_immigration, 0.8, "name",
                                "names the Department of Homeland Security with no state before it"))
    if ("ice" in norm and _LOWER_ICE.search(norm)) or (_IMMIGRATION_WORD.search(norm) and not qualified):
        found.append(Signal(Category.federal_immigration, 0.75, "name", "names a federal immigration function"))
    if not qualified and _INSTALLATION.search(norm):
        found.append(Signal(Category.federal_other, 0.85, "name", "names a military installation "
                            "(\"Presidio of\", \"Joint Base\", \"Naval Station\", \"Air Force Base\"...)"))
    if not qualified and (_FEDERAL_PREFIX.search(norm) or _FEDERAL_WORD.search(norm)):
        found.append(Signal(Category.federal_other, 0.75, "name", "name starts with a U.S./federal agency phrase"))
    if (not qualified and ("oig" in norm or "inspector general" in norm) and _FEDERAL_OIG.search(norm)
            and not _PLACE_GOVERNMENT.search(norm)):
        found.append(Signal(Category.federal_other, 0.8, "name",
                            "the Inspector General of a federal department or agency"))
    if qualified:
        found.append(Signal(Category.state, 0.85, "name", f"a state agency of {qualified} by its name", qualified))
    if _TRIBAL.search(norm):
        found.append(Signal(Category.tribal, 0.85, "name", "name marks a tribal nation's agency"))
    if not _POLICE_AGENCY.search(norm):  # tested first: most searching organisations are police or sheriffs
        business = _PUBLIC_BODY.sub(" ", norm) if "federal" in norm or "export" in norm else norm
        legal = _LEGAL_ENTITY.search(business) or _PRIVATE_CO.search(parsed.text)
        if legal or _PRIVATE.search(business):
            found.append(Signal(Category.private, 0.75, "name",
                                "name carries a business's legal form" if legal else
                                "name marks a business or private association", legal_entity=bool(legal)))
    if _LOCAL.search(norm):
        found.append(Signal(Category.local, 0.7, "name", "name marks a city, county or district agency"))
    return found


_ORG_TYPES: tuple[tuple[re.Pattern[str], Category], ...] = (
    (re.compile(r"federal"), Category.federal_other),
    (re.compile(r"task force|fusion|hidta|multi.?agency|joint"), Category.multi_agency),
    (re.compile(r"tribal|tribe|nation"), Category.tribal),
    (re.compile(r"private|business|commercial|hoa|homeowner|retail|corporate|company"), Category.private),
    (re.compile(r"state police|state patrol|highway patrol|state agency|state government|^state\b"), Category.state),
    (re.compile(r"police|sheriff|marshal|constable|city|county|municipal|district attorney|local"), Category.local),
)


def org_type_signals(org_type: str | None, tags: tuple[str, ...]) -> list[Signal]:
    """The vendor's own label: an organisation type column, or a "[Federal]" tag inside the name."""
    found: list[Signal] = []
    if "federal" in tags:
        found.append(Signal(Category.federal_other, 0.95, "vendor", "the vendor tags the name \"[Federal]\""))
    if org_type:
        value = org_type.strip().lower()
        for pattern, category in _ORG_TYPES:
            if pattern.search(value):
                weight = 0.95 if category is Category.federal_other else 0.6
                found.append(Signal(category, weight, "org_type", f"the vendor's organisation type is {org_type!r}"))
                break
    return found


def ori_signals(info: OriInfo | None, directory: Directory) -> list[Signal]:
    if info is None:
        return []
    if info.agency_code is None:
        return []
    code = directory.ori_codes[info.agency_code]
    return [Signal(code.category, 0.9, "ori",
                   f"ORI {info.ori} carries federal agency code {code.code} ({code.component})", info.state)]


def email_signals(domains: list[str], directory: Directory) -> list[Signal]:
    found: list[Signal] = []
    for raw in domains:
        domain = clean_domain(raw)
        entry = match_domain(domain, directory.domains)
        if entry is not None:
            found.append(Signal(entry.category, 0.9, "email",
                                f"e-mail domain {domain} belongs to {entry.component}", entry.state))
            continue
        state = state_government(domain)
        if state:
            found.append(Signal(Category.state, 0.7, "email", f"e-mail domain {domain} is a {state} state domain",
                                state))
    return found
