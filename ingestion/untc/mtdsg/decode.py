"""Stage 1 of reading an MTDSG file: bytes -> text -> element tree (strict XML intake).

The files declare iso-8859-1 but are not well-formed as served. Repairs (each kind met is
recorded once in `ParsedTreaty.warnings`, with a count):

* C0 control bytes stand where Windows typography was lost: ``\\x18``/``\\x19`` -> ‘ ’,
  ``\\x1c``/``\\x1d`` -> “ ”, ``\\x13`` -> –, ``\\x14`` -> —. ``\\x02`` stands for a
  non-breaking space ("14\\x02December 1946", "p.\\x02357"), so it becomes a space rather than
  being dropped (dropping would glue words). Any other C0 byte except tab/newline is dropped.
* A bare ``&`` (not starting ``&amp;``, ``&lt;``, ``&gt;``, ``&quot;``, ``&apos;`` or a
  character reference) is escaped.
* Lone carriage returns are normalised to newlines.
If the repaired text is still not well-formed it is parsed with lxml's recovery mode (warned),
unless it does not end with ``</Document>``: a cut-off download is rejected rather than loaded
with rows missing. Empty payloads, HTML pages, non-XML and XML without ``<Treaty>``/``<Header>``
raise `MtdsgParseError` naming the defect.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter

from lxml import etree

from ingestion.untc.models import MtdsgParseError

_CONTROL_REPLACEMENTS: dict[str, str] = {
    "\x18": "‘",
    "\x19": "’",
    "\x1c": "“",
    "\x1d": "”",
    "\x13": "–",
    "\x14": "—",
    "\x02": " ",  # stands for a non-breaking space in these files
}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BARE_AMP_RE = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_XML_DECL_RE = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_XML_DECL_STR_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_RE = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_DTD_RE = re.compile(r"<!(?:DOCTYPE|ENTITY)\b", re.IGNORECASE)


# A byte-order mark overrides any declared encoding (XML 1.0, appendix F). UTF-32 first: its LE
# mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode(data: bytes, warnings: list[str]) -> str:
    """Decode by the byte-order mark, else the declared encoding (UTF-8 when none is declared)."""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_encoding, errors="replace")
    match = _XML_DECL_RE.match(data[:200])
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        warnings.append(f"unknown declared encoding {encoding!r}; decoded as iso-8859-1")
        encoding = "iso-8859-1"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        # Undeclared non-UTF-8 payloads are in practice Latin-1 (the UNTC default).
        fallback = "iso-8859-1" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else None
        if fallback:
            warnings.append(f"payload is not valid {encoding}; decoded as {fallback}")
            return data.decode(fallback)
        warnings.append(f"payload is not valid {encoding}; undecodable bytes replaced")
        return data.decode(encoding, errors="replace")


def _repair(text: str, warnings: list[str]) -> str:
    """Fix the defects that make UNTC files ill-formed; record each kind of repair."""
    controls = Counter(_CONTROL_RE.findall(text))
    if controls:
        for char, n in sorted(controls.items()):
            target = _CONTROL_REPLACEMENTS.get(char)
            what = f"replaced with {target!r}" if target is not None else "dropped"
            warnings.append(f"control character U+{ord(char):04X} {what} ({n}x)")
        text = _CONTROL_RE.sub(lambda m: _CONTROL_REPLACEMENTS.get(m.group(), ""), text)
    lone_cr = text.count("\r") - text.count("\r\n")
    if lone_cr:
        warnings.append(f"lone carriage returns normalised to newlines ({lone_cr}x)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, n_amp = _BARE_AMP_RE.subn("&amp;", text)
    if n_amp:
        warnings.append(f"bare '&' escaped ({n_amp}x)")
    return text


def parse_xml(data: bytes, source: str, warnings: list[str]) -> etree._Element:
    """Bytes -> repaired element tree root, or MtdsgParseError saying what is wrong."""
    if not data.strip():
        raise MtdsgParseError(source, "payload is empty")
    text = _decode(data, warnings)
    if _HTML_RE.search(text[:4096]):
        raise MtdsgParseError(source, "payload is an HTML page, not MTDSG XML")
    declaration = _DTD_RE.search(text)
    if declaration:
        # UNTC files never carry a DTD; one here is an attack or a broken proxy, and entity text
        # must never become data (nor expand: billion laughs).
        raise MtdsgParseError(
            source, f"payload declares a DTD or entity ({declaration.group(0)}...): refused, "
            "UNTC status files never carry one"
        )
    # lxml refuses str input carrying an encoding declaration: drop it and feed UTF-8.
    body = _XML_DECL_STR_RE.sub("", _repair(text, warnings), count=1).encode("utf-8")
    strict = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(body, strict)
    except etree.XMLSyntaxError as exc:
        first_error = str(exc)
    if not body.lstrip().startswith(b"<"):
        raise MtdsgParseError(source, f"not XML even after repair ({first_error})")
    if not re.search(rb"</\s*(?:Document|Treaty)\s*>\s*$", body):
        # Recovery would silently drop the missing rows of a cut-off download.
        raise MtdsgParseError(
            source, f"payload is truncated: no closing </Document> ({first_error})"
        )
    lenient = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(body, lenient)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise MtdsgParseError(source, f"not XML even after repair ({first_error})")
    warnings.append(f"XML still malformed after repair, parsed in recovery mode: {first_error}")
    return root

