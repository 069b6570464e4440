"""PDF rebuilt from an allow-list (pikepdf / qpdf).

A new document gets fresh page dictionaries holding only what draws the page: the boxes, rotation,
the content streams and their resources. So the document information dictionary (/Info), document and
page XMP (/Metadata), /PieceInfo, page thumbnails, actions, JavaScript, embedded files, outlines, forms,
structure tree and the trailer of the original never reach the new file. Annotations are rebuilt: only
links to http(s) addresses remain, as plain link boxes (no author /T, no /Contents, no popups). Inside
resources (fonts, images, forms), metadata keys are removed. Content streams are copied without being
decoded, so a compressed stream cannot expand in memory here."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pikepdf
from django.utils.translation import gettext as _
from pikepdf import Array, Dictionary, Name

from .errors import FileRejected

MAX_PAGES = 1000  # a report is tens of pages; a file of 100 000 empty pages only costs the worker time
PAGE_KEYS = ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate", "/UserUnit", "/Group")
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
# Keys that describe a file or its history rather than draw anything; removed wherever found in resources.
RESOURCE_METADATA = {"/Metadata", "/PieceInfo", "/LastModified", "/OPI", "/Info", "/StructParent", "/StructParents"}


def _inherited(page: pikepdf.Dictionary, key: str):
    node, depth = page, 0
    while node is not None and depth < 64:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        depth += 1
    return None


def _scrub(obj, seen: set) -> None:
    """Remove metadata keys from every dictionary and stream reachable from `obj` (copied resources)."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Stream | pikepdf.Dictionary):
            if item.is_indirect:
                key = item.objgen
                if key in seen:
                    continue
                seen.add(key)
            for name in list(item.keys()):
                if name in RESOURCE_METADATA:
                    del item[name]
                else:
                    stack.append(item[name])
        elif isinstance(item, pikepdf.Array):
            stack.extend(item)


def _copy(source: pikepdf.Pdf, target: pikepdf.Pdf, value):
    if not isinstance(value, pikepdf.Object) or isinstance(value, pikepdf.Name):
        return value  # numbers, names
    return target.copy_foreign(value if value.is_indirect else source.make_indirect(value))


def _link_annotations(page: pikepdf.Dictionary) -> Array:
    links = Array()
    for annot in page.get("/Annots", Array()):
        if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != Name.Link:
            continue
        action = annot.get("/A")
        if not isinstance(action, pikepdf.Dictionary) or action.get("/S") != Name.URI:
            continue
        uri = str(action.get("/URI", ""))
        rect = annot.get("/Rect")
        if urlsplit(uri).scheme.lower() not in ("http", "https") or not isinstance(rect, pikepdf.Array):
            continue
        links.append(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([float(v) for v in rect]),
                Border=Array([0, 0, 0]),
                A=Dictionary(S=Name.URI, URI=pikepdf.String(uri)),
            )
        )
    return links


def strip_pdf(data: bytes) -> bytes:
    """Rewrite the pages into a new PDF that holds only what draws them (see the module docstring)."""
    try:
        source = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise FileRejected(_("PDF 文件已加密，请上传未加密的文件。")) from exc
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as exc:
        raise FileRejected(_("PDF 文件无法读取，可能已损坏。")) from exc
    try:
        if source.is_encrypted:
            raise FileRejected(_("PDF 文件已加密，请上传未加密的文件。"))
        if len(source.pages) > MAX_PAGES:
            raise FileRejected(_("PDF 页数过多（超过 %(n)s 页），请精简后再上传。") % {"n": MAX_PAGES})
        target = pikepdf.new()
        seen: set = set()
        for page in source.pages:
            old = page.obj
            fresh = Dictionary(Type=Name.Page)
            for key in PAGE_KEYS + ("/Resources", "/Contents"):
                value = _inherited(old, key) if key in INHERITED else old.get(key)
                if value is not None:
                    fresh[key] = _copy(source, target, value)
            if "/MediaBox" not in fresh:
                fresh.MediaBox = Array([0, 0, 595, 842])  # A4, the box every reader assumes without one
            links = _link_annotations(old)
            if len(links):
                fresh.Annots = links
            _scrub(fresh, seen)
            target.pages.append(pikepdf.Page(target.make_indirect(fresh)))
        if not len(target.pages):
            raise FileRejected(_("PDF 文件没有页面。"))
        out = io.BytesIO()
        target.save(
            out,
            preserve_pdfa=False,
            fix_metadata_version=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            deterministic_id=True,
        )
    except FileRejected:
        raise
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, OSError, RuntimeError) as exc:
        raise FileRejected(_("PDF 文件无法读取，可能已损坏。")) from exc
    finally:
        source.close()
    return out.getvalue()
