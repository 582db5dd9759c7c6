"""The immigration rules for search reasons, as one table of data: which fact each rule shows, and its pattern.

A reason can show two different facts, and the law treats them differently:

* ``agency``: an immigration agency is named or assisted (ICE and its components ERO and HSI, CBP, the Border
  Patrol, a 287(g) unit, DHS, USCIS). Sharing with an ICE component is federal sharing whatever the purpose
  (California Civil Code 1798.90.55(b)).
* ``purpose``: the search served immigration enforcement (removal, deportation, detainers and immigration holds,
  immigration status, "undocumented", "illegal alien", "alien" with a removal or status word, border-crossing
  offences, 8 U.S.C.), in English and Spanish, with common abbreviations and misspellings. SB 54-style rules bar
  the purpose, whoever asked.

An HSI narcotics or child-exploitation case names an ICE component without an immigration purpose. A third kind
of rule, ``reverse``, is context that turns the words around (impersonating an officer, a scam using the
agency's name, a protest, training): a reason it matches shows neither fact. Lower-case "ice" is also frozen
water, a rink, a drug or part of a place name, so the ``ice`` rules need agency context and yield to
``ice_veto``.

Every rule's ``id`` is what a report and the evidence CSV name; tests/test_reason_rules.py has a case for each.
Patterns are matched case-insensitively unless ``case`` is set, on text already normalised (``+`` and ``_``
read as spaces). Rules are tried in table order; the first of each fact that fires is the one reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Fact = Literal["agency", "purpose", "reverse"]
Needs = Literal["", "ice_context", "immigration_context"]


@dataclass(frozen=True)
class ReasonRule:
    """One row of the table: ``needs`` names a condition beyond the pattern (see :data:`RULES`)."""

    id: str
    fact: Fact
    pattern: str
    needs: Needs = ""
    case: bool = False  # match the pattern's case exactly (acronyms that are words in lower case)
    example: str = ""  # a reason the rule fires on (tested)
    counter: str = ""  # a look-alike it must not fire on (tested)


_IMM_WORD = r"(?:ice|i\.c\.e\.?|immigration|imm|immig|ero|dhs|287\s*\(?g\)?|cbp|usbp|border patrol)"

RULES: tuple[ReasonRule, ...] = (
    # --- reversals: context that makes the words something other than immigration enforcement -------------
    ReasonRule("reverse.impersonation", "reverse",
               r"\bimpersonat\w*|\bposing as\b|\bpretend\w* to be\b|\bclaim\w* to be\b|\bfake\s+(?:ice|immigration|"
               r"hsi|cbp|border patrol|federal|agents?|officers?)\b|\bfalse(?:ly)? (?:identif|represent)\w*",
               example="impersonating ICE officer", counter="ICE officers request"),
    ReasonRule("reverse.scam", "reverse", r"\bscam\w*|\bestafa\b",
               example="ICE phone scam", counter="ICE request"),
    ReasonRule("reverse.protest", "reverse",
               r"\bprotest\w*|\brall(?:y|ies)\b|\bdemonstrat(?:ion|ions|ors?)\b|\bmarcha\b|\bprotesta\b",
               example="ICE protest", counter="ICE detainer"),
    ReasonRule("reverse.training", "reverse", r"\btraining\b|\btrain(?:ed|ing)?\s+(?:day|class|session)|"
               r"\b(?:exercise|drill|capacitaci[oó]n)\b", example="CBP training exercise", counter="CBP request"),
    ReasonRule("reverse.place", "reverse",
               r"\b(?:ice|border|homeland|customs|immigration|alien)\s+(?:st|street|ave|avenue|rd|road|dr|drive|blvd|"
               r"boulevard|ln|lane|hwy|highway|ct|pl|place)\b",
               example="hit and run Immigration St", counter="immigration court"),
    # --- the agency named or assisted --------------------------------------------------------------------
    ReasonRule("agency.ice", "agency", r"(?<![A-Za-z])(?:ICE|I\.C\.E\.?)(?![A-Za-z])", case=True,
               example="assist ICE", counter="POLICE NOTICE"),
    ReasonRule("agency.ice_context", "agency", r"(?<![A-Za-z])ice(?![A-Za-z])", needs="ice_context",
               example="ice hold", counter="ice rink"),
    ReasonRule("agency.ice_name", "agency", r"\bimmigration\s+(?:and|&)\s+customs\s+enforcement\b",
               example="Immigration and Customs Enforcement", counter="customs broker"),
    ReasonRule("agency.ero", "agency", r"\bero\b|\benforcement\s+(?:and|&|of)\s+removal\b",
               example="ERO fugitive", counter="hero"),
    ReasonRule("agency.hsi", "agency", r"\bhsi\b|\bhomeland\s+security\b",
               example="HSI narcotics", counter="victim Hsieh"),
    ReasonRule("agency.dhs", "agency", r"\bdhs\b", example="DHS request", counter="dhsc"),
    ReasonRule("agency.cbp", "agency", r"\bcbp\b|(?<![A-Za-z])c\.b\.p(?![A-Za-z])|\bcustoms\s+(?:and|&)\s+border\b",
               example="C.B.P. assist", counter="customs broker"),
    ReasonRule("agency.border_patrol", "agency", r"\busbp\b|\bborder\s?patrol\b|\bpatrulla\s+fronteriza\b|"
               r"\baduanas\s+y\s+protecci[oó]n\s+fronteriza\b", example="BorderPatrol", counter="county border"),
    ReasonRule("agency.287g", "agency", r"\b287\s*\(?g\)?(?![a-z])", example="287(g) unit", counter="1287(g)"),
    ReasonRule("agency.uscis", "agency", r"\buscis\b|\bcitizenship\s+(?:and|&)\s+immigration\s+services\b",
               example="USCIS referral", counter="citizens academy"),
    ReasonRule("agency.detainer_form", "agency", r"\bI-?247[ADNX]?\b", example="I-247A", counter="I-2470"),
    ReasonRule("agency.es_migra", "agency", r"\b(?:la\s+)?migra\b", example="assist la migra", counter="migraine"),
    # --- the purpose: immigration enforcement --------------------------------------------------------------
    ReasonRule("purpose.removal_component", "purpose",
               r"\bero\b|\benforcement\s+(?:and|&|of)\s+removal\b|\b287\s*\(?g\)?(?![a-z])",
               example="ICE ERO target", counter="hero"),
    ReasonRule("purpose.detainer_form", "purpose", r"\bI-?247[ADNX]?\b", example="I-247 received",
               counter="I-205 NB"),
    ReasonRule("purpose.deportation", "purpose", r"\bdeport\w*", example="deportaion", counter="report"),
    ReasonRule("purpose.removal", "purpose",
               r"\b(?:order\s+of\s+removal|removal\s+(?:order|proceedings?|case)|removable|final\s+order|"
               r"expedited\s+removal)\b", example="final order of removal", counter="removal of abandoned vehicle"),
    ReasonRule("purpose.alien", "purpose",
               r"\b(?:illegal|criminal|removable|undocumented|deportable|excludable|inadmissible)\s+aliens?\b|"
               r"\baliens?\b\W+(?:\w+\W+)?(?:removal|status|final|registration|deport\w*|visa|illegal|undocumented)\b|"
               r"\b(?:status|registration)\s+(?:of\s+)?(?:an?\s+)?aliens?\b",
               example="alien status check", counter="alien costume theft"),
    ReasonRule("purpose.immigration", "purpose",
               r"\bim{1,2}igr?a?t?i?o?n\w*(?!\s+(?:and|&)\s+customs)(?!\s+services)|\bimmig\b|"
               r"\bimm\b(?=\W+(?:status|hold|case|detainer|violation|pick\s*-?\s*up|pickup))",
               example="immigation", counter="imminent threat"),
    ReasonRule("purpose.es_migracion", "purpose",
               r"\b(?:in)?migraci[oó]n\b|\bmigratori[oa]s?\b|\b(?:in)?migrantes?\b",
               example="estatus migratorio", counter="migraine"),
    ReasonRule("purpose.undocumented", "purpose",
               r"\bundocumented\b(?!\s+(?:vehicles?|cars?|property|items?|funds?|cash|payments?|sales?))|"
               r"\bindocumentad[oa]s?\b|\bsin\s+papeles\b|\b(?:inmigrantes?|extranjer[oa]s?)\s+ilegal(?:es)?\b",
               example="Undocumented male", counter="undocumented vehicle sale"),
    ReasonRule("purpose.overstay", "purpose",
               r"\bvisa\s+overstay|\boverstay(?:ed)?\s+(?:a\s+|his\s+|her\s+|their\s+)?visa\b|\bexpired\s+visa\b|"
               r"\bvisa\s+expired\b", example="expired visa", counter="expired license"),
    ReasonRule("purpose.border_crossing", "purpose",
               r"\billegal(?:ly)?\s+(?:entry|re-?\s?entry|crossing|border\s+crossing|entrant)\b|"
               r"\bentered\s+without\s+inspection\b|\bEWI\b|\bborder\s+crossing\s+violation\b|"
               r"\bcruce\s+ilegal\b|\b8\s*u\.?\s*s\.?\s*c\b",
               example="illegal re-entry 8 USC 1326", counter="illegal dumping"),
    ReasonRule("purpose.hold", "purpose",
               r"\b(?:holds?|hlod|detainers?|detainr|detainor|pick\s*-?\s*ups?|pickup|retenci[oó]n)\b",
               needs="immigration_context", example="ICE hold", counter="hold for Reno PD"),
    ReasonRule("purpose.admin_warrant", "purpose", r"\badmin(?:istrative)?\.?\s+warrants?\b|\bI-?20[05]\b",
               needs="immigration_context", example="ICE admin warrant", counter="admin warrant for parking"),
    ReasonRule("purpose.fugitive_operations", "purpose", r"\bfugitive\s+op(?:eration)?s?\b",
               needs="immigration_context", example="ICE fugitive operations", counter="US Marshals fugitive ops"),
)

# Words around lower-case "ice" that make it the agency (``needs="ice_context"``).
ICE_CONTEXT = re.compile(
    r"\b(?:hold|detainer|warrant|agents?|officers?|request|assist\w*|ero|hsi|deport\w*|immigra\w*|removal|"
    r"target|fugitive|operation|ops?|task ?force|tf|referral|lead|notification|collateral|admin|i-?247\w*|"
    r"i-?200|i-?205|custody|dhs|federal|fed|partner|cbp|border)\b", re.I)
ICE_ALONE = frozenset({"ice", "for ice", "ice assist", "assist ice", "ice request", "per ice", "ayuda a ice"})
# Words that make "ice" frozen water, a place or a drug rather than the agency (vetoes the ``agency.ice*`` rules).
ICE_VETO = re.compile(
    r"\b(?:shaved|dry|black|thin|on the)\s+ice\b|\bice\s*(?:cream|rink|skat\w*|machines?|maker|storm|chest|cold|"
    r"arena|hockey|house|cubes?|pick|box|plant|age|harbor)\b|\b(?:meth\w*|narcotic\w*|drugs?|poss|possession|"
    r"grams?|crystal|baggies?|sell\w*|sold|sales?|dealer|dealing|dope|shard)\b", re.I)
# What makes a hold, detainer, pick-up or warrant an immigration one (``needs="immigration_context"``).
IMMIGRATION_CONTEXT = re.compile(rf"\b{_IMM_WORD}(?![A-Za-z])|\bim{{1,2}}igr\w*|\binmigra\w*|\bmigra\b", re.I)


@dataclass(frozen=True)
class Compiled:
    rule: ReasonRule
    pattern: re.Pattern[str]


def compiled() -> tuple[Compiled, ...]:
    """The table with each pattern compiled (built once by the caller and kept)."""
    return tuple(Compiled(r, re.compile(r.pattern, 0 if r.case else re.I)) for r in RULES)
