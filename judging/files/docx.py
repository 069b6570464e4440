"""docx rebuilt from an allow-list.

A new package is written from the main document and the parts it reaches through relationships of
content types only (styles, numbering, settings, fonts table, footnotes, endnotes, headers, footers,
theme, pictures, charts, SmartArt). Everything else is never copied: document properties (core, app
with HyperlinkBase/Company, custom), people.xml, comments and their extensions, the attached template,
custom XML, embedded objects and fonts, thumbnails, web settings, glossary, macros, the zip comment.

Inside the copied XML: tracked changes are accepted (insertions kept, deletions dropped) and comments
are removed with their anchors, so no author, initials, date or userId remains; rsid attributes,
permission ranges, identity fields (AUTHOR, USERNAME, FILENAME…) with their shown result, picture
titles and descriptions go too; settings keep only layout switches. Pictures are re-encoded from
their pixels (images.py). External links other than http(s) are pointed at a neutral target."""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote, urlsplit

from lxml import etree

from core.uploads import UploadRejected, ZipBudget, zip_open

from .detect import DOCX_LIMITS
from .errors import FileRejected
from .images import image_rebuild
from .ooxml import (
    CONTENT_RELATIONSHIPS,
    CT,
    EXTERNAL_RELATIONSHIPS,
    MAIN_TYPE,
    NEUTRAL_URL,
    OFFICE_DOCUMENT,
    PR,
    RELS_TYPE,
    clean_part,
    drop_dangling_references,
    parse,
    serialise,
    unreadable,
)


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(source_part: str, target: str) -> str | None:
    target = unquote(target.split("#", 1)[0])
    path = target[1:] if target.startswith("/") else posixpath.join(posixpath.dirname(source_part), target)
    path = posixpath.normpath(path)
    if path.startswith(("../", "/")) or path in ("..", "."):
        return None
    return path


def _safe_external(target: str) -> str:
    scheme = urlsplit(target.strip()).scheme.lower()
    return target if scheme in ("http", "https") else NEUTRAL_URL


class _Package:
    def __init__(self, data: bytes):
        self.zf = zip_open(data, DOCX_LIMITS)
        self.budget = ZipBudget(self.zf, DOCX_LIMITS)
        self.members = {info.filename.lower(): info for info in self.zf.infolist()}
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}
        types = self.read("[Content_Types].xml")
        if types is None:
            raise unreadable()
        for el in parse(types):
            if el.tag == f"{{{CT}}}Default":
                self.defaults[(el.get("Extension") or "").lower()] = el.get("ContentType") or ""
            elif el.tag == f"{{{CT}}}Override":
                self.overrides[(el.get("PartName") or "").lstrip("/").lower()] = el.get("ContentType") or ""

    def read(self, name: str) -> bytes | None:
        info = self.members.get(name.lower())
        return None if info is None else self.budget.read(info)

    def content_type(self, name: str) -> str:
        return self.overrides.get(name.lower()) or self.defaults.get(posixpath.splitext(name)[1][1:].lower(), "")

    def relationships(self, part: str) -> list:
        body = self.read(_rels_name(part))
        return [] if body is None else [el for el in parse(body) if el.tag == f"{{{PR}}}Relationship"]


def strip_docx(data: bytes) -> bytes:
    """Rebuild the document from its content parts only (see the module docstring)."""
    try:
        return _rebuild(data)
    except (FileRejected, UploadRejected) as exc:
        raise FileRejected(exc.message, code=exc.code, status=exc.status) from exc
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise unreadable() from exc


def _rebuild(data: bytes) -> bytes:
    package = _Package(data)
    main = None
    for rel in package.relationships(""):
        if rel.get("Type") == OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            main = _resolve("", rel.get("Target") or "")
    if main is None or main.lower() not in package.members:
        raise unreadable()

    parts: dict[str, tuple[bytes, str]] = {}  # name → (bytes, content type)
    rels: dict[str, bytes] = {}
    queue = [(main, "officeDocument")]
    seen = {main.lower()}
    while queue:
        part, role = queue.pop(0)
        body = package.read(part)
        if body is None:
            continue
        if role == "image":
            parts[part] = image_rebuild(body)
            continue
        root = parse(body)
        clean_part(root, role=role)
        rel_root = etree.Element(f"{{{PR}}}Relationships", nsmap={None: PR})
        kept_ids = set()
        for rel in package.relationships(part):
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            rel_id, target = rel.get("Id") or "", rel.get("Target") or ""
            if rel.get("TargetMode") == "External":
                if kind not in EXTERNAL_RELATIONSHIPS:
                    continue
                etree.SubElement(
                    rel_root, f"{{{PR}}}Relationship",
                    Id=rel_id, Type=rel.get("Type"), Target=_safe_external(target), TargetMode="External",
                )  # fmt: skip
                kept_ids.add(rel_id)
                continue
            resolved = _resolve(part, target)
            if kind not in CONTENT_RELATIONSHIPS or resolved is None or resolved.lower() not in package.members:
                continue
            etree.SubElement(rel_root, f"{{{PR}}}Relationship", Id=rel_id, Type=rel.get("Type"), Target=target)
            kept_ids.add(rel_id)
            if resolved.lower() not in seen:
                seen.add(resolved.lower())
                queue.append((resolved, kind))
        drop_dangling_references(root, kept_ids)
        content_type = MAIN_TYPE if role == "officeDocument" else package.content_type(part)
        if not content_type.endswith("xml"):
            raise unreadable()
        parts[part] = (serialise(root), content_type)
        if len(rel_root):
            rels[_rels_name(part)] = serialise(rel_root)
    package.zf.close()
    return _write(main, parts, rels)


def _write(main: str, parts: dict[str, tuple[bytes, str]], rels: dict[str, bytes]) -> bytes:
    types = etree.Element(f"{{{CT}}}Types", nsmap={None: CT})
    etree.SubElement(types, f"{{{CT}}}Default", Extension="rels", ContentType=RELS_TYPE)
    etree.SubElement(types, f"{{{CT}}}Default", Extension="xml", ContentType="application/xml")
    for name, (_body, content_type) in parts.items():
        etree.SubElement(types, f"{{{CT}}}Override", PartName="/" + name, ContentType=content_type)
    root_rels = etree.Element(f"{{{PR}}}Relationships", nsmap={None: PR})
    etree.SubElement(root_rels, f"{{{PR}}}Relationship", Id="rId1", Type=OFFICE_DOCUMENT, Target=main)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:

        def put(name: str, body: bytes) -> None:
            dst.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)

        put("[Content_Types].xml", serialise(types))
        put("_rels/.rels", serialise(root_rels))
        for name, (body, _content_type) in parts.items():
            put(name, body)
        for name, body in rels.items():
            put(name, body)
    return out.getvalue()
