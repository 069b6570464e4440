"""What may stay inside the XML parts of a rebuilt docx: namespaces, relationship types that carry
content, and the cleaning of one part (accept tracked changes, drop comment anchors, identity
attributes and fields, keep only layout switches in settings). docx.py walks the package."""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from .errors import FileRejected

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
O = "urn:schemas-microsoft-com:office:office"  # noqa: E741
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"

MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
NEUTRAL_URL = "about:blank"

# Relationship types (last segment of the Type URI) whose targets carry the work itself.
CONTENT_RELATIONSHIPS = {
    "styles",
    "stylesWithEffects",
    "numbering",
    "settings",
    "fontTable",
    "footnotes",
    "endnotes",
    "header",
    "footer",
    "theme",
    "image",
    "chart",
    "chartStyle",
    "chartColorStyle",
    "chartUserShapes",
    "diagramData",
    "diagramLayout",
    "diagramQuickStyle",
    "diagramColors",
    "diagramDrawing",
}
EXTERNAL_RELATIONSHIPS = {"hyperlink", "image"}

# Elements dropped with everything inside them.
_DROP = {
    f"{{{W}}}{n}"
    for n in [
        "del",
        "moveFrom",
        "moveFromRangeStart",
        "moveFromRangeEnd",
        "moveToRangeStart",
        "moveToRangeEnd",
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "tblGridChange",
        "tcPrChange",
        "trPrChange",
        "tblPrExChange",
        "numberingChange",
        "cellIns",
        "cellDel",
        "cellMerge",
        "delText",
        "delInstrText",
        "commentRangeStart",
        "commentRangeEnd",
        "commentReference",
        "annotationRef",
        "permStart",
        "permEnd",
        "altChunk",
        "subDoc",
        "control",
        "customXmlPr",
        "smartTagPr",
        "customXmlInsRangeStart",
        "customXmlInsRangeEnd",
        "customXmlDelRangeStart",
        "customXmlDelRangeEnd",
        "customXmlMoveFromRangeStart",
        "customXmlMoveFromRangeEnd",
        "customXmlMoveToRangeStart",
        "customXmlMoveToRangeEnd",
        "embedRegular",
        "embedBold",
        "embedItalic",
        "embedBoldItalic",
        "docVars",
        "attachedTemplate",
    ]
} | {f"{{{O}}}OLEObject", f"{{{C}}}externalData"}
# Elements replaced by their children (accepted insertions, wrappers that carry data attributes).
_UNWRAP = {f"{{{W}}}{n}" for n in ("ins", "moveTo", "customXml", "smartTag")}
# Attributes (local names) that name or date a person or an editing session, wherever they appear.
_IDENTITY_ATTRIBUTES = {"author", "initials", "userId", "providerId", "date", "dateUtc", "gfxdata", "ed", "edGrp"}
_PICTURE_LABELS = {"descr", "title"}
IDENTITY_FIELDS = {
    "AUTHOR", "LASTSAVEDBY", "USERNAME", "USERINITIALS", "USERADDRESS", "FILENAME", "TEMPLATE", "DOCPROPERTY",
    "DOCVARIABLE", "INFO", "CREATEDATE", "SAVEDATE", "PRINTDATE", "EDITTIME", "KEYWORDS", "SUBJECT", "TITLE",
    "COMMENTS",
}  # fmt: skip
# settings.xml children that only switch layout or proofing display.
_SETTINGS_KEPT = {
    f"{{{W}}}{n}"
    for n in [
        "zoom",
        "view",
        "removePersonalInformation",
        "removeDateAndTime",
        "displayBackgroundShape",
        "mirrorMargins",
        "alignBordersAndEdges",
        "bordersDoNotSurroundHeader",
        "bordersDoNotSurroundFooter",
        "gutterAtTop",
        "hideSpellingErrors",
        "hideGrammaticalErrors",
        "proofState",
        "defaultTabStop",
        "autoHyphenation",
        "consecutiveHyphenLimit",
        "hyphenationZone",
        "doNotHyphenateCaps",
        "evenAndOddHeaders",
        "bookFoldRevPrinting",
        "bookFoldPrinting",
        "bookFoldPrintingSheets",
        "drawingGridHorizontalSpacing",
        "drawingGridVerticalSpacing",
        "displayHorizontalDrawingGridEvery",
        "displayVerticalDrawingGridEvery",
        "doNotUseMarginsForDrawingGridOrigin",
        "drawingGridHorizontalOrigin",
        "drawingGridVerticalOrigin",
        "doNotShadeFormData",
        "noPunctuationKerning",
        "characterSpacingControl",
        "printTwoOnOne",
        "strictFirstAndLastChars",
        "noLineBreaksAfter",
        "noLineBreaksBefore",
        "footnotePr",
        "endnotePr",
        "compat",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotAutoCompressPictures",
        "decimalSymbol",
        "listSeparator",
        "defaultTableStyle",
    ]
} | {f"{{{M}}}mathPr"}

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
)


def unreadable() -> FileRejected:
    return FileRejected(_("文档无法读取，可能已损坏。"))


def parse(body: bytes):
    try:
        root = etree.fromstring(body, _PARSER)  # noqa: S320 (no DTD, no entities, no network)
    except etree.XMLSyntaxError as exc:
        raise unreadable() from exc
    if root.getroottree().docinfo.doctype:
        raise unreadable()  # OOXML never declares a DTD; one here is an entity-expansion attempt
    return root


def serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _unwrap(el) -> None:
    # addprevious is O(1); parent.index()/insert() scan the siblings and make a long body quadratic
    for child in list(el):
        el.addprevious(child)
    _drop(el)


def _drop(el) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _field_name(instruction: str | None) -> str:
    words = (instruction or "").split()
    return words[0].upper() if words else ""


def _drop_identity_fields(root) -> None:
    """Remove fields that print who wrote or saved the file, with their shown result."""
    for fld in list(root.iter(f"{{{W}}}fldSimple")):
        if _field_name(fld.get(f"{{{W}}}instr")) in IDENTITY_FIELDS:
            _drop(fld)
    paragraphs = {next(i.iterancestors(f"{{{W}}}p"), None) for i in root.iter(f"{{{W}}}instrText")} - {None}
    for paragraph in paragraphs:
        stack: list[dict] = []
        doomed = []
        for run in list(paragraph.iter(f"{{{W}}}r")):
            char = run.find(f"{{{W}}}fldChar")
            kind = char.get(f"{{{W}}}fldCharType") if char is not None else None
            if kind == "begin":
                stack.append({"runs": [run], "identity": False})
                continue
            if stack:
                stack[-1]["runs"].append(run)
                instr = run.find(f"{{{W}}}instrText")
                if instr is not None and _field_name(instr.text) in IDENTITY_FIELDS:
                    stack[-1]["identity"] = True
                if kind == "end":
                    frame = stack.pop()
                    if frame["identity"]:
                        doomed.extend(frame["runs"])
                    elif stack:
                        stack[-1]["runs"].extend(frame["runs"])
        for run in doomed:
            _drop(run)


def clean_part(root, *, role: str) -> None:
    for el in list(root.iter(*_DROP)):
        _drop(el)
    for el in list(root.iter(*_UNWRAP)):
        _unwrap(el)
    if role == "settings":
        for child in list(root):
            if child.tag not in _SETTINGS_KEPT:
                root.remove(child)
    _drop_identity_fields(root)
    for el in root.iter(etree.Element):
        attributes = el.attrib
        if not attributes:
            continue
        local_tag = el.tag.rpartition("}")[2]
        picture = local_tag in ("docPr", "cNvPr")
        for name in list(attributes):
            local = name.rpartition("}")[2]
            if local in _IDENTITY_ATTRIBUTES or local.startswith("rsid") or (picture and local in _PICTURE_LABELS):
                del attributes[name]
            elif picture and local == "name":
                attributes[name] = f"Picture {el.get('id', '')}".strip()
            elif local_tag == "imagedata" and local == "title":
                del attributes[name]


def drop_dangling_references(root, kept_ids: set[str]) -> None:
    prefix = f"{{{R}}}"
    for el in root.iter(etree.Element):
        for name in [n for n in el.attrib if n.startswith(prefix)]:
            if el.get(name) not in kept_ids:
                del el.attrib[name]
