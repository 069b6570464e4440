"""Works that hide their author everywhere a real program (Word, WPS, Acrobat, phones, cameras, tag
editors) writes identity, next to content that must survive. See identity.py for the identity."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

from .identity import EMAIL, NAME, SCHOOL, USERNAME

BODY_TEXT = "我的调研报告正文：家乡的变化。"
INSERTED_TEXT = "这是后来补充的一段。"
HEADER_TEXT = "家乡调研"
FOOTNOTE_TEXT = "资料来源：统计年鉴"
PDF_TEXT = b"Hello judges"

# --- pictures ---------------------------------------------------------------------------------------


def photo_with_exif(fmt: str = "JPEG") -> bytes:
    """A photo carrying EXIF Artist, XPAuthor (UTF-16LE), description, GPS, a JPEG comment and XMP."""
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = USERNAME  # Artist
    exif[0x010E] = f"{SCHOOL} {EMAIL}"  # ImageDescription
    exif[0x8298] = NAME.encode("utf-8").decode("latin-1")  # Copyright, raw UTF-8 bytes
    exif[0x9C9D] = NAME.encode("utf-16-le") + b"\x00\x00"  # XPAuthor (Windows "作者")
    exif[0x0112] = 1
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (32.0, 1.0, 30.0)
    gps[3], gps[4] = "E", (120.0, 51.0, 0.0)
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{NAME}</dc:creator></x:xmpmeta>'.encode()
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format="JPEG", exif=exif, comment=f"{USERNAME} {EMAIL}".encode(), xmp=xmp)
    else:
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_itxt("Author", NAME)
        info.add_text("Comment", EMAIL)
        image.save(out, format="PNG", exif=exif, pnginfo=info)
    return out.getvalue()


# --- docx -------------------------------------------------------------------------------------------

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" mc:Ignorable="w14 w15"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAME_ENTITIES = "".join(f"&#x{ord(c):X};" for c in NAME)


def _rels(*rels: tuple) -> str:
    external = ' TargetMode="External"'
    body = "".join(
        f'<Relationship Id="{i}" Type="{t}" Target="{target}"{external if ext else ""}/>' for i, t, target, ext in rels
    )
    return f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'


DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- written by {NAME} -->
<w:document {NS}><w:body>
<w:p w:rsidR="00A1B2C3" w14:paraId="1A2B3C4D"><w:r><w:t>{BODY_TEXT}</w:t></w:r>
<w:commentRangeStart w:id="0"/><w:r><w:t>需要核对</w:t></w:r><w:commentRangeEnd w:id="0"/>
<w:r><w:commentReference w:id="0"/></w:r></w:p>
<w:p><w:ins w:id="1" w:author="{NAME}" w:date="2026-05-01T10:00:00Z"><w:r><w:t>{INSERTED_TEXT}</w:t></w:r></w:ins>
<w:del w:id="2" w:author="{USERNAME}" w:date="2026-05-01T10:00:00Z"><w:r><w:delText>作者：{NAME}，{SCHOOL}</w:delText></w:r></w:del></w:p>
<w:p><w:r><w:rPr><w:b/><w:rPrChange w:id="3" w:author="{EMAIL}" w:date="2026-05-01T10:00:00Z"><w:rPr/></w:rPrChange></w:rPr><w:t>加粗的小标题</w:t></w:r></w:p>
<w:p><w:permStart w:id="4" w:ed="{EMAIL}"/><w:r><w:t>可编辑区域</w:t></w:r><w:permEnd w:id="4"/></w:p>
<w:p><w:fldSimple w:instr=" AUTHOR \\* MERGEFORMAT "><w:r><w:t>{NAME_ENTITIES}</w:t></w:r></w:fldSimple></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> USERNAME </w:instrText></w:r>
<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{USERNAME}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
<w:r><w:t>（页码）</w:t></w:r></w:p>
<w:customXml w:element="student"><w:customXmlPr><w:attr w:name="email" w:val="{EMAIL}"/></w:customXmlPr>
<w:p><w:r><w:t>自定义标记中的正文</w:t></w:r></w:p></w:customXml>
<w:p><w:smartTag w:element="PersonName"><w:smartTagPr><w:attr w:name="FullName" w:val="{NAME}"/></w:smartTagPr>
<w:r><w:t>智能标记中的正文</w:t></w:r></w:smartTag></w:p>
<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>本地链接</w:t></w:r></w:hyperlink>
<w:hyperlink r:id="rIdWeb"><w:r><w:t>网上资料</w:t></w:r></w:hyperlink></w:p>
<w:p><w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/>
<wp:docPr id="7" name="{NAME}.jpg" descr="C:\\Users\\{USERNAME}\\Pictures\\{NAME}.jpg" title="{SCHOOL}"/>
<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>
<pic:nvPicPr><pic:cNvPr id="0" name="{USERNAME}.jpg" descr="{EMAIL}"/><pic:cNvPicPr/></pic:nvPicPr>
<pic:blipFill><a:blip r:embed="rIdImg"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>
<w:p><w:r><w:object><v:shape id="ole1" o:gfxdata="{USERNAME}"><v:imagedata r:id="rIdImg" o:title="{NAME}"/></v:shape>
<o:OLEObject Type="Embed" ProgID="Word.Document.12" ShapeID="ole1" r:id="rIdOle"/></w:object></w:r></w:p>
<w:altChunk r:id="rIdChunk"/>
<w:sectPr w:rsidR="00A1B2C3"><w:headerReference w:type="default" r:id="rIdHeader"/><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>
</w:body></w:document>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {NS}><w:zoom w:percent="100"/><w:attachedTemplate r:id="rId1"/>
<w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/>
<w:mailMerge><w:dataSource r:id="rId2"/><w:query w:val="{SCHOOL}名单"/></w:mailMerge>
<w:docVars><w:docVar w:name="student" w:val="{NAME}"/></w:docVars>
<w:rsids><w:rsidRoot w:val="00A1B2C3"/></w:rsids><w15:docId w15:val="{{{USERNAME}}}"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
</w:settings>"""

HEADER = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr {NS}><w:p><w:r><w:t>{HEADER_TEXT}</w:t></w:r><w:ins w:id="9" w:author="{NAME}"><w:r><w:t>（修订）</w:t></w:r></w:ins></w:p></w:hdr>"""

FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes {NS}><w:footnote w:id="1"><w:p><w:r><w:t>{FOOTNOTE_TEXT}</w:t></w:r>
<w:del w:id="10" w:author="{NAME}"><w:r><w:delText>{EMAIL}</w:delText></w:r></w:del></w:p></w:footnote></w:footnotes>"""

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def hostile_docx() -> bytes:
    t = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
    members = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>'
            '<Default Extension="png" ContentType="image/png"/><Default Extension="emf" ContentType="image/x-emf"/>'
            '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
            f'<Override PartName="/word/document.xml" ContentType="{CT_MAIN}.document.main+xml"/>'
            f'<Override PartName="/word/settings.xml" ContentType="{CT_MAIN}.settings+xml"/>'
            f'<Override PartName="/word/header1.xml" ContentType="{CT_MAIN}.header+xml"/>'
            f'<Override PartName="/word/footnotes.xml" ContentType="{CT_MAIN}.footnotes+xml"/>'
            f'<Override PartName="/word/comments.xml" ContentType="{CT_MAIN}.comments+xml"/>'
            '<Override PartName="/word/people.xml" ContentType="application/vnd.ms-word.people+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": _rels(
            ("rId1", t + "officeDocument", "word/document.xml", False),
            ("rId2", pkg + "core-properties", "docProps/core.xml", False),
            ("rId3", t + "extended-properties", "docProps/app.xml", False),
            ("rId4", t + "custom-properties", "docProps/custom.xml", False),
            ("rId5", pkg + "thumbnail", "docProps/thumbnail.jpeg", False),
        ),
        "docProps/core.xml": (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>' + NAME + "</dc:creator>"
            f"<cp:lastModifiedBy>{USERNAME}</cp:lastModifiedBy><dc:title>{SCHOOL}</dc:title>"
            f"<cp:keywords>{EMAIL}</cp:keywords><dc:description>{NAME_ENTITIES}</dc:description></cp:coreProperties>"
        ),
        "docProps/app.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Template>C:\\Users\\{USERNAME}\\Normal.dotm</Template><Company>{SCHOOL}</Company>"
            f"<Manager>{NAME}</Manager><HyperlinkBase>file:///C:/Users/{USERNAME}/Documents/</HyperlinkBase></Properties>"
        ),
        "docProps/custom.xml": f'<Properties><property name="学生"><vt:lpwstr xmlns:vt="v">{NAME}</vt:lpwstr></property></Properties>',
        "docProps/thumbnail.jpeg": photo_with_exif(),
        "word/document.xml": DOCUMENT,
        "word/_rels/document.xml.rels": _rels(
            ("rIdSettings", t + "settings", "settings.xml", False),
            ("rIdHeader", t + "header", "header1.xml", False),
            ("rIdFoot", t + "footnotes", "footnotes.xml", False),
            ("rIdComments", t + "comments", "comments.xml", False),
            ("rIdPeople", "http://schemas.microsoft.com/office/2011/relationships/people", "people.xml", False),
            ("rIdImg", t + "image", "media/image1.jpeg", False),
            ("rIdEmf", t + "image", "media/image2.emf", False),
            ("rIdOle", t + "oleObject", "embeddings/oleObject1.bin", False),
            ("rIdChunk", t + "aFChunk", "afchunk.mht", False),
            ("rIdXml", t + "customXml", "../customXml/item1.xml", False),
            ("rIdLink", t + "hyperlink", f"file:///C:/Users/{USERNAME}/{NAME}.docx", True),
            ("rIdWeb", t + "hyperlink", "https://www.example.org/report", True),
        ),
        "word/settings.xml": SETTINGS,
        "word/_rels/settings.xml.rels": _rels(
            ("rId1", t + "attachedTemplate", f"file:///C:\\Users\\{USERNAME}\\AppData\\Templates\\Normal.dotm", True),
            ("rId2", t + "mailMergeSource", f"file:///D:/{SCHOOL}/名单.xlsx", True),
        ),
        "word/header1.xml": HEADER,
        "word/footnotes.xml": FOOTNOTES,
        "word/comments.xml": (
            f'<w:comments {NS}><w:comment w:id="0" w:author="{NAME}" w:initials="张" w:date="2026-05-01T10:00:00Z">'
            f"<w:p><w:r><w:t>{USERNAME} 请老师看看 {EMAIL}</w:t></w:r></w:p></w:comment></w:comments>"
        ),
        "word/people.xml": (
            f'<w15:people {NS}><w15:person w15:author="{NAME}"><w15:presenceInfo w15:providerId="AD" '
            f'w15:userId="S::{EMAIL}::{USERNAME}"/></w15:person></w15:people>'
        ),
        "word/media/image1.jpeg": photo_with_exif(),
        "word/media/image2.emf": b"\x01\x00\x00\x00" + f"EMF {NAME} {SCHOOL}".encode("utf-16-le"),
        "word/embeddings/oleObject1.bin": NAME.encode("utf-16-le") + EMAIL.encode("utf-16-be"),
        "word/afchunk.mht": f"MIME-Version: 1.0\n\n<html>{SCHOOL}</html>",
        "customXml/item1.xml": f"<student><name>{NAME}</name><mail>{EMAIL}</mail></student>",
        "word/webSettings.xml": f"<w:webSettings {NS}><!-- {USERNAME} --></w:webSettings>",
        "word/unlisted.xml": f"<secret>{NAME}</secret>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body if isinstance(body, bytes) else body.encode("utf-8"))
        zf.comment = f"{NAME} {EMAIL}".encode()
    return out.getvalue()
