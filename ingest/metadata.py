"""Descriptive metadata of a document: given, read from a sidecar, or detected.

Precedence, highest first: ``--meta key=value`` on the command line, a sidecar file
``<document>.meta.json`` beside the document, then what is detected from the text. Fields
given by a person are remembered as such (``given_fields``) so that detection never
overrides them later, e.g. when a new statute's repeal clause is found.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.discovery import SIDECAR_SUFFIX
from ingest.document import LoadedDocument
from ingest.errors import IngestError

STATUS_VALUES = ("in force", "repealed", "superseded")

_STATUTE_NAME = (
    r"(UNDANG-UNDANG|PERATURAN PEMERINTAH(?: PENGGANTI UNDANG-UNDANG)?|PERATURAN PRESIDEN)"
    r"(?: REPUBLIK INDONESIA)?\s+NOMOR\s+\^?(\d+)\s+TAHUN\s+\^?([12][0-9OoIl]{3})"
)
"""A statute's name: kind, number, year ("Undang-Undang Nomor 18 Tahun 2017"), with the carets
and letters-for-digits of scanned texts ("Nomor ^39 Tahun 2OO4")."""
_STATUTE = re.compile(r"\b" + _STATUTE_NAME, re.IGNORECASE)
_STATUTE_KIND = {
    "UNDANG-UNDANG": ("UU", "law"),
    "PERATURAN PEMERINTAH": ("PP", "government regulation"),
    "PERATURAN PEMERINTAH PENGGANTI UNDANG-UNDANG": ("Perppu", "government regulation in lieu of law"),
    "PERATURAN PRESIDEN": ("Perpres", "presidential regulation"),
}
_ABOUT = re.compile(r"^\s*TENTANG\s+(?:TENTANG\s+)?(.{5,600}?)(?=\s+(?:DENGAN RAHMAT|Menimbang|PRESIDEN)\b|\n|$)")
_OCR_DIGITS = str.maketrans("OoIl", "0011")
"""Digits misread by OCR in the statute texts we receive (2O2I for 2021)."""
_REPEAL_CLAUSE = re.compile(r"mulai\s+\^?berlaku\s*(?:,\s*)?(?:maka\s*)?:?", re.IGNORECASE)
"""Where a closing provision starts: "Pada saat Undang-Undang ini mulai berlaku, ..." or "... berlaku maka: a. ..."."""
_CLAUSE_END = re.compile(r"(?:^|[\n.])\s*Pasal\s+\d+\b")
"""The next article's heading, where a closing provision has ended."""
_CLAUSE_LENGTH = 3000
"""How far a closing provision's list of repealed statutes may run (it ends at the next article)."""
_REPEAL_VERDICT = re.compile(r"dicabut\s+dan\s+\^?dinyatakan\s+\^?tidak\s+\^?berlaku", re.IGNORECASE)
_LIST_ITEMS = re.compile(r";|\bdan\s+(?=[a-z]\.\s)")
_OPENING_STATUTE = re.compile(r"[\s^]*(?:[a-z0-9]{1,2}[.)]\s*)?" + _STATUTE_NAME + r"\b", re.IGNORECASE)
"""A statute's name opening a list item ("a. Undang-Undang Nomor ...")."""
_KEPT_IN_FORCE = re.compile(r"tetap\s+berlaku", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[4-9]\d|20[0-4]\d)\b")


def parse_meta_options(options: list[str]) -> dict[str, str]:
    """``["status=repealed", "repealed_by=UU 18/2017"]`` -> a dict; a malformed pair is a usage error."""
    fields: dict[str, str] = {}
    for option in options:
        key, separator, value = option.partition("=")
        if not separator or not key.strip():
            raise ValueError(f"--meta expects key=value, got '{option}'")
        fields[key.strip()] = value.strip()
    return validate_fields(fields)


def validate_fields(fields: dict[str, str]) -> dict[str, str]:
    status = fields.get("status")
    if status is not None and status not in STATUS_VALUES:
        raise ValueError(f"status must be one of {', '.join(STATUS_VALUES)}; got '{status}'")
    return fields


def read_sidecar(document_path: Path) -> dict[str, str]:
    """The metadata in ``<document>.meta.json``, if there is one."""
    sidecar = document_path.with_name(document_path.name + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IngestError(str(document_path), f"unreadable metadata sidecar {sidecar.name}: {error}") from None
    if not isinstance(data, dict):
        raise IngestError(str(document_path), f"metadata sidecar {sidecar.name} must hold a JSON object")
    try:
        return validate_fields({str(key): str(value) for key, value in data.items()})
    except ValueError as error:
        raise IngestError(str(document_path), f"metadata sidecar {sidecar.name}: {error}") from None


def statute_identifier(text: str) -> tuple[str, str, str] | None:
    """("UU 18/2017", "law", "2017") for the first statute title in ``text``, else None."""
    match = _STATUTE.search(text)
    return _identified(match) if match else None


def _identified(match: re.Match[str]) -> tuple[str, str, str]:
    """("UU 18/2017", "law", "2017") from a match of _STATUTE_NAME."""
    short, doc_type = _STATUTE_KIND.get(match.group(1).upper(), ("UU", "law"))
    year = match.group(3).translate(_OCR_DIGITS)
    return f"{short} {int(match.group(2))}/{year}", doc_type, year


def repealed_identifiers(text: str) -> list[str]:
    """Statutes this text repeals, from its closing provision in any of the forms statutes use:

    - "Pada saat ... mulai berlaku, Undang-Undang Nomor X Tahun Y ... dicabut dan dinyatakan tidak berlaku";
    - a list after "mulai berlaku:", each item repealing its statute ("a. Undang-Undang Nomor X
      Tahun Y ... dicabut dan dinyatakan tidak berlaku;"; UU 18/2017 repeals UU 39/2004 so);
    - a list whose items share the verdict at its end ("a. Undang-Undang ...; b. ...; dan c. ...
      dicabut dan dinyatakan tidak berlaku"; UU 6/2011, PP 59/2021).

    Only items that open with a statute count, which keeps out clauses repealing articles of
    another code "as last amended by" some law, and items keeping regulations in force ("tetap
    berlaku"). Scanned statutes write years with letters for digits ("2OO4") and leave stray
    carets; both are read through."""
    found = []
    for clause in _REPEAL_CLAUSE.finditer(text):
        segment = text[clause.end() : clause.end() + _CLAUSE_LENGTH]
        end = _CLAUSE_END.search(segment)
        segment = segment[: end.start()] if end else segment
        verdicts = list(_REPEAL_VERDICT.finditer(segment))
        if not verdicts:
            continue
        for item in _LIST_ITEMS.split(segment[: verdicts[-1].end()]):
            match = _OPENING_STATUTE.match(item)
            if match and not _KEPT_IN_FORCE.search(item):
                identifier, _, _ = _identified(match)
                if identifier not in found:
                    found.append(identifier)
    return found


def _opening(doc: LoadedDocument) -> str:
    """The title part of a document: what comes before a statute's considerations ("Menimbang").

    Statute numbers cited later (in "Menimbang" or "Mengingat") name other statutes, not this one.
    """
    text = "\n".join(section.text for section in doc.sections[:3])[:3000]
    considerations = re.search(r"\bMenimbang\b", text)
    return text[: considerations.start()] if considerations else text[:1500]


def detect_metadata(doc: LoadedDocument) -> dict[str, str]:
    """What the document says about itself: type, identifier, date, and which statutes it repeals."""
    detected: dict[str, str] = {}
    opening = _opening(doc)
    statute = statute_identifier(opening)
    if statute:
        identifier, doc_type, year = statute
        detected.update(identifier=identifier, doc_type=doc_type, date=year, status="in force")
        if not doc.title:
            about = _ABOUT.search(opening[_STATUTE.search(opening).end() :])
            subject = " ".join(about.group(1).replace("_", " ").split()).title() if about else ""
            detected["title"] = f"{identifier} tentang {subject}" if subject else identifier
        repeals = [item for item in repealed_identifiers(doc.full_text()) if item != identifier]
        if repeals:
            detected["repeals"] = ", ".join(repeals)
    if doc.metadata.get("date"):
        detected.setdefault("date", doc.metadata["date"])
    if "date" not in detected:
        year = _YEAR.search(doc.source)
        if year:
            detected["date"] = year.group(1)
    detected.setdefault("doc_type", {"pdf": "report", "html": "web page"}.get(doc.file_type, "document"))
    return detected


def combine(detected: dict[str, str], sidecar: dict[str, str], given: dict[str, str]) -> dict[str, str]:
    """Detected values overridden by the sidecar, overridden by --meta; remembers what was given."""
    merged = {**detected, **sidecar, **given}
    given_fields = sorted(set(sidecar) | set(given))
    if given_fields:
        merged["given_fields"] = ",".join(given_fields)
    return merged
