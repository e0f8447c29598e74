"""Invoices the tests make themselves: 数电票 XML (published and legacy names), PDFs with and without
custom metadata, OFD zips, and photos of a printed invoice with noise, blur and rotation.

Every file is generated from a ``Sample`` (the truth), so the accuracy test compares what the reader
found with what was printed. The layout follows the 数电票 paper form: title, 发票号码/开票日期 top right,
buyer block left and seller block right, the item table, 合计, 价税合计（大写）/（小写）.
"""
from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

OWN_TAX_ID = "91310115MA1K4QXR7K"
"""The workspace's 统一社会信用代码 (上海青禾文化传播有限公司): a valid check digit."""
OWN_NAME = "上海青禾文化传播有限公司"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
"""fonts-noto-cjk. Pillow draws with it; reportlab cannot embed its CFF outlines, so the PDFs use the
standard Adobe-GB1 font STSong-Light (not embedded, text layer in Unicode, as Chinese PDF viewers expect)."""
CJK_FONT_INDEX = 2
"""The Simplified Chinese face inside the collection (Noto Sans CJK SC)."""


@dataclass(frozen=True)
class Item:
    name: str
    spec: str
    unit: str
    quantity: str
    price: str
    rate: str
    """as the XML carries it: 0.03"""

    @property
    def amount(self) -> Decimal:
        return (Decimal(self.quantity) * Decimal(self.price)).quantize(Decimal("0.01"))

    @property
    def tax(self) -> Decimal:
        return (self.amount * Decimal(self.rate)).quantize(Decimal("0.01"))

    @property
    def percent(self) -> str:
        return f"{(Decimal(self.rate) * 100).normalize():f}%"


@dataclass(frozen=True)
class Sample:
    number: str
    date: str
    kind: str
    """增值税专用发票 | 普通发票"""
    seller: tuple[str, str | None]
    buyer: tuple[str, str | None]
    items: tuple[Item, ...]
    code: str | None = None
    """发票代码: only an older (pre-数电票) invoice has one, with an 8-digit number."""
    title: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def amount(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal("0.00"))

    @property
    def tax(self) -> Decimal:
        return sum((i.tax for i in self.items), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.amount + self.tax

    @property
    def printed_title(self) -> str:
        if self.title:
            return self.title
        return "电子发票（增值税专用发票）" if self.kind == "增值税专用发票" else "电子发票（普通发票）"

    def expected(self) -> dict[str, str | None]:
        """What a perfect reading gives, keyed as ``Reading.fields``."""
        rates = {i.rate for i in self.items}
        return {
            "number": self.number, "code": self.code, "date": self.date, "kind": self.kind,
            "seller_name": self.seller[0], "seller_tax_id": self.seller[1],
            "buyer_name": self.buyer[0], "buyer_tax_id": self.buyer[1],
            "amount": str(self.amount), "tax": str(self.tax), "total": str(self.total),
            "rate": format(Decimal(rates.pop()).normalize(), "f") if len(rates) == 1 else None,
        }

    @property
    def direction(self) -> str | None:
        return "income" if self.seller[1] == OWN_TAX_ID else "expense" if self.buyer[1] == OWN_TAX_ID else None


OWN = (OWN_NAME, OWN_TAX_ID)
SAMPLES = {
    "brand_special": Sample(
        "26317000000123456781", "2026-11-03", "增值税专用发票", OWN, ("北京星河广告有限公司", "91110108MA01RB7J5P"),
        (Item("*文化创意服务*品牌策划服务", "", "项", "1", "10000.00", "0.03"),)),
    "video_ordinary": Sample(
        "26317000000123459902", "2026-11-12", "普通发票", OWN, ("张伟", None),
        (Item("*信息技术服务*短视频拍摄", "", "次", "2", "1500.00", "0.01"),
         Item("*文化创意服务*文案撰写", "", "篇", "1", "800.00", "0.01"))),
    "cloud_special": Sample(
        "26442000000987654321", "2026-10-28", "增值税专用发票", ("深圳市云帆网络科技有限公司", "91440300MA5FW2TX6J"), OWN,
        (Item("*信息技术服务*云服务器租用", "4核8G", "月", "3", "500.00", "0.06"),
         Item("*现代服务*技术支持服务", "", "次", "1", "200.00", "0.06"))),
    "paper_ordinary": Sample(
        "26322000000555501234", "2026-11-20", "普通发票", ("苏州市好印象办公用品有限公司", "91320594MA1XK3NQ8A"), OWN,
        (Item("*纸制品*A4复印纸", "70g/500张", "箱", "4", "112.00", "0.13"),
         Item("*笔*中性笔", "0.5mm", "盒", "5", "20.00", "0.13"))),
    "dinner_legacy": Sample(
        "12345678", "2026-09-15", "普通发票", ("成都蜀味餐饮管理有限公司", "91510107MA6C7HTW1F"), OWN,
        (Item("*餐饮服务*餐费", "", "次", "1", "943.40", "0.06"),), code="051001900111",
        title="增值税电子普通发票"),
    "tripod_special": Sample(
        "26332000000246813579", "2026-11-08", "增值税专用发票", ("杭州一帆摄影器材有限公司", "91330106MA2KQ8LP3N"), OWN,
        (Item("*摄影器材*碳纤维三脚架", "T-255", "个", "2", "860.00", "0.13"),)),
}


# -- XML -----------------------------------------------------------------------------------------------

def xml_invoice(s: Sample) -> bytes:
    """A 数电票 XML with the published element names (EInvoice/Header/EIid ... TaxSupervisionInfo)."""
    code = "01" if s.kind == "增值税专用发票" else "02"
    items = "".join(
        f"<IssuItemInformation><ItemName>{escape(i.name)}</ItemName><SpecMod>{escape(i.spec)}</SpecMod>"
        f"<MeaUnits>{i.unit}</MeaUnits><Quantity>{i.quantity}</Quantity><UnPrice>{i.price}</UnPrice>"
        f"<Amount>{i.amount}</Amount><TaxRate>{i.rate}</TaxRate><ComTaxAm>{i.tax}</ComTaxAm>"
        f"<TotaltaxIncludedAmount>{i.amount + i.tax}</TotaltaxIncludedAmount>"
        f"<TaxClassificationCode>3040201990000000000</TaxClassificationCode></IssuItemInformation>"
        for i in s.items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<EInvoice>
  <Header><EIid>{s.number}</EIid><EInvoiceTag>SWEI3100</EInvoiceTag><Version>0.1</Version>
    <InherentLabel><GeneralOrSpecialVAT><LabelCode>{code}</LabelCode><LabelName>{s.kind}</LabelName></GeneralOrSpecialVAT></InherentLabel>
  </Header>
  <EInvoiceData>
    <SellerInformation><SellerIdNum>{s.seller[1] or ""}</SellerIdNum><SellerName>{s.seller[0]}</SellerName>
      <SellerAddr>上海市浦东新区张江路88号</SellerAddr><SellerTelNum>021-50001234</SellerTelNum></SellerInformation>
    <BuyerInformation><BuyerIdNum>{s.buyer[1] or ""}</BuyerIdNum><BuyerName>{s.buyer[0]}</BuyerName></BuyerInformation>
    <BasicInformation><TotalAmWithoutTax>{s.amount}</TotalAmWithoutTax><TotalTaxAm>{s.tax}</TotalTaxAm>
      <TotalTax-includedAmount>{s.total}</TotalTax-includedAmount>
      <TotalTax-includedAmountInChinese>{in_words(s.total)}</TotalTax-includedAmountInChinese>
      <RequestTime>{s.date} 09:58:02</RequestTime><Drawer>李青</Drawer></BasicInformation>
    {items}
  </EInvoiceData>
  <TaxSupervisionInfo><InvoiceNumber>{s.number}</InvoiceNumber><IssueTime>{s.date} 10:22:33</IssueTime>
    <TaxBureauCode>13100000000</TaxBureauCode><TaxBureauName>国家税务总局上海市税务局</TaxBureauName></TaxSupervisionInfo>
</EInvoice>""".encode()


def xml_invoice_legacy(s: Sample) -> bytes:
    """An older interface file: upper-case pinyin names (XSF_MC, GMF_NSRSBH, JSHJ ...), GBK encoded."""
    items = "".join(
        f"<COMMON_FPKJ_XMXX><FPHXZ>0</FPHXZ><XMMC>{escape(i.name)}</XMMC><GGXH>{escape(i.spec)}</GGXH><DW>{i.unit}</DW>"
        f"<XMSL>{i.quantity}</XMSL><XMDJ>{i.price}</XMDJ><XMJE>{i.amount}</XMJE><SL>{i.rate}</SL><SE>{i.tax}</SE>"
        f"</COMMON_FPKJ_XMXX>" for i in s.items)
    compact = s.date.replace("-", "") + "143005"
    kind = "004" if s.kind == "增值税专用发票" else "026"
    return f"""<?xml version="1.0" encoding="GBK"?>
<business id="FPKJ" comment="发票开具" version="2.0"><REQUEST_COMMON_FPKJ class="REQUEST_COMMON_FPKJ">
<COMMON_FPKJ_FPT class="COMMON_FPKJ_FPT"><FPLXDM>{kind}</FPLXDM><FP_DM>{s.code or ""}</FP_DM><FP_HM>{s.number}</FP_HM>
<KPRQ>{compact}</KPRQ><XSF_NSRSBH>{s.seller[1] or ""}</XSF_NSRSBH><XSF_MC>{s.seller[0]}</XSF_MC>
<GMF_NSRSBH>{s.buyer[1] or ""}</GMF_NSRSBH><GMF_MC><![CDATA[{s.buyer[0]}]]></GMF_MC>
<JSHJ>{s.total}</JSHJ><HJJE>{s.amount}</HJJE><HJSE>{s.tax}</HJSE><BZ></BZ></COMMON_FPKJ_FPT>
<COMMON_FPKJ_XMXXS size="{len(s.items)}" class="COMMON_FPKJ_XMXX">{items}</COMMON_FPKJ_XMXXS>
</REQUEST_COMMON_FPKJ></business>""".encode("gbk")


def xml_invoice_pinyin(s: Sample) -> bytes:
    """Capitalised pinyin names in a namespace (Fphm, Kprq, Xfmc, Jshj ...), as some exporters write."""
    items = "".join(
        f"<fp:Xmxx><fp:Xmmc>{escape(i.name)}</fp:Xmmc><fp:Ggxh>{escape(i.spec)}</fp:Ggxh><fp:Dw>{i.unit}</fp:Dw>"
        f"<fp:Xmsl>{i.quantity}</fp:Xmsl><fp:Xmdj>{i.price}</fp:Xmdj><fp:Xmje>{i.amount}</fp:Xmje>"
        f"<fp:Sl>{i.percent}</fp:Sl><fp:Se>{i.tax}</fp:Se></fp:Xmxx>" for i in s.items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<fp:Fpxx xmlns:fp="urn:example:fpxx"><fp:Fpt><fp:Fplx>{s.kind}</fp:Fplx><fp:Fphm>{s.number}</fp:Fphm>
<fp:Kprq>{s.date.replace("-", "")}</fp:Kprq><fp:Xfmc>{s.seller[0]}</fp:Xfmc><fp:Xfsh>{s.seller[1] or ""}</fp:Xfsh>
<fp:Gfmc>{s.buyer[0]}</fp:Gfmc><fp:Gfsh>{s.buyer[1] or ""}</fp:Gfsh><fp:Hjje>{s.amount}</fp:Hjje>
<fp:Hjse>{s.tax}</fp:Hjse><fp:Jshj>{s.total}</fp:Jshj></fp:Fpt><fp:Mx>{items}</fp:Mx></fp:Fpxx>""".encode()


def entity_bomb() -> bytes:
    """The 'billion laughs': ten nested entities, each ten of the one before (10^9 copies of 'lol')."""
    lines = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{("&lol%d;" % (n - 1)) * 10}">' for n in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE EInvoice [\n' + "\n".join(lines) + "\n]>\n"
            "<EInvoice><Header><EIid>&lol9;</EIid></Header></EInvoice>").encode()


def external_entity() -> bytes:
    """An XML that asks the parser to read a local file into the invoice number."""
    return (b'<?xml version="1.0"?>\n<!DOCTYPE EInvoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b"<EInvoice><Header><EIid>&x;</EIid></Header></EInvoice>")


# -- the printed layout (shared by PDF, OFD page text and photos) -----------------------------------------

PAGE_MM = (240.0, 140.0)
"""The 数电票 page: 240 × 140 mm."""


def layout(s: Sample) -> list[tuple[float, float, str, float]]:
    """(x mm, y mm from the top, text, size pt) for every piece of printed text, in reading order."""
    out = [(72, 12, s.printed_title, 15)]
    if s.code:
        out.append((165, 9, f"发票代码：{s.code}", 9))
    out += [(165, 14, f"发票号码：{s.number}", 9), (165, 20, f"开票日期：{_chinese_date(s.date)}", 9)]
    for x, (who, party) in ((8, ("购买方信息", s.buyer)), (122, ("销售方信息", s.seller))):
        out += [(x, 30 + 4 * n, ch, 9) for n, ch in enumerate(who)]
        out += [(x + 8, 33, f"名称：{party[0]}", 9),
                (x + 8, 42, f"统一社会信用代码/纳税人识别号：{party[1] or ''}", 9)]
    columns = (8, 68, 98, 114, 132, 158, 186, 210)
    for x, head in zip(columns, ("项目名称", "规格型号", "单位", "数量", "单价", "金额", "税率/征收率", "税额")):
        out.append((x, 56, head, 9))
    for row, i in enumerate(s.items):
        cells = (i.name, i.spec, i.unit, i.quantity, i.price, str(i.amount), i.percent, str(i.tax))
        out += [(x, 63 + 7 * row, cell, 9) for x, cell in zip(columns, cells) if cell]
    out += [(8, 92, "合计", 9), (158, 92, f"¥{s.amount}", 9), (210, 92, f"¥{s.tax}", 9),
            (8, 102, "价税合计（大写）", 9), (60, 102, f"ⓧ{in_words(s.total)}", 9),
            (160, 102, f"（小写）¥{s.total}", 9), (8, 114, "备注", 9), (8, 130, "开票人：李青", 9)]
    return out


def _chinese_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def in_words(amount: Decimal) -> str:
    """价税合计（大写）: 1030.00 -> 壹仟零叁拾元整."""
    cents = int((amount * 100).to_integral_value())
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    out, zero = "", False
    for unit_big, group in (("亿", yuan // 10**8), ("万", yuan // 10**4 % 10**4), ("", yuan % 10**4)):
        if not group:
            zero = bool(out)
            continue
        for unit, digit in zip("仟佰拾 ", (group // 1000, group // 100 % 10, group // 10 % 10, group % 10)):
            if digit:
                out += ("零" if zero and out else "") + _DIGITS[digit] + unit.strip()
                zero = False
            else:
                zero = True
        out += unit_big
    out = (out or "零") + "元"
    if not jiao and not fen:
        return out + "整"
    return out + (_DIGITS[jiao] + "角" if jiao else "零") + (_DIGITS[fen] + "分" if fen else "")


# -- PDF ------------------------------------------------------------------------------------------------

def pdf_invoice(s: Sample, *, metadata: bool) -> bytes:
    """The layout drawn with reportlab; with ``metadata`` the custom keys a 数电票 PDF carries."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_MM[0] * mm, PAGE_MM[1] * mm))
    c.setTitle(s.printed_title)
    for x, y, text, size in layout(s):
        c.setFont("STSong-Light", size)
        c.drawString(x * mm, (PAGE_MM[1] - y) * mm, text)
    c.save()
    if not metadata:
        return buf.getvalue()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.add_metadata({"/InvoiceNumber": s.number, "/IssueTime": _chinese_date(s.date),
                         "/SellerIdNum": s.seller[1] or "", "/TotalAmWithoutTax": str(s.amount),
                         "/TotalTax-includedAmount": str(s.total), "/TotalTaxAm": str(s.tax)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    """A valid PDF with one empty page: no metadata, no text."""
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=680, height=400)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- OFD ------------------------------------------------------------------------------------------------

OFD_NS = "http://www.ofdspec.org/2016"


def ofd_invoice(s: Sample, *, custom_data: bool = True) -> bytes:
    """An OFD package: OFD.xml (DocInfo/CustomDatas when ``custom_data``), Document.xml, one page of
    TextObjects laid out like the paper form."""
    custom = ""
    if custom_data:
        pairs = [("发票号码", s.number), ("开票日期", _chinese_date(s.date)), ("合计金额", s.amount),
                 ("合计税额", s.tax), ("价税合计", s.total), ("购买方名称", s.buyer[0]),
                 ("购买方纳税人识别号", s.buyer[1] or ""), ("销售方名称", s.seller[0]),
                 ("销售方纳税人识别号", s.seller[1] or "")]
        custom = "<ofd:CustomDatas>" + "".join(
            f'<ofd:CustomData Name="{k}">{escape(str(v))}</ofd:CustomData>' for k, v in pairs) + "</ofd:CustomDatas>"
    ofd_xml = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" DocType="OFD" Version="1.0">'
               f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>{s.number}</ofd:DocID><ofd:Creator>测试开票</ofd:Creator>"
               f"{custom}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    document = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData>'
                f"<ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_MM[0]:g} {PAGE_MM[1]:g}</ofd:PhysicalBox></ofd:PageArea>"
                f'</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
                f"</ofd:Document>")
    objects = "".join(
        f'<ofd:TextObject ID="{n + 10}" Boundary="{x:g} {y - size * 0.35:g} {len(t) * size * 0.36:g} {size * 0.4:g}"'
        f' Font="3" Size="{size * 0.35:g}"><ofd:TextCode X="0" Y="{size * 0.3:g}">{escape(t)}</ofd:TextCode>'
        f"</ofd:TextObject>"
        for n, (x, y, t, size) in enumerate(layout(s)))
    content = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
               f'<ofd:Layer ID="2" Type="Body">{objects}</ofd:Layer></ofd:Content></ofd:Page>')
    return _zip({"OFD.xml": ofd_xml, "Doc_0/Document.xml": document, "Doc_0/Pages/Page_0/Content.xml": content})


def _zip(members: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data if isinstance(data, bytes) else data.encode())
    return buf.getvalue()


def zip_bomb_ofd() -> bytes:
    """Looks like an OFD (OFD.xml first) but one part unpacks from ~100 KB to 100 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<ofd:OFD xmlns:ofd="{OFD_NS}"><ofd:DocBody/></ofd:OFD>')
        with z.open("Doc_0/Pages/Page_0/Content.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(100):
                part.write(chunk)
    return buf.getvalue()


def plain_zip() -> bytes:
    """A zip that is not an OFD (no OFD.xml)."""
    return _zip({"readme.txt": "这不是发票", "photo.jpg": b"\xff\xd8\xff\xe0"})


# -- photos ---------------------------------------------------------------------------------------------

def photo_invoice(s: Sample, *, angle: float = 0.0, blur: float = 0.0, noise: float = 0.0,
                  seed: int = 1, width: int = 1800, quality: int = 85) -> bytes:
    """The layout drawn on off-white paper with Pillow (Noto Sans CJK), then photographed badly: turned
    by ``angle`` degrees, Gaussian ``blur`` (radius px), Gaussian ``noise`` (σ in grey levels), JPEG."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    scale = width / PAGE_MM[0]
    height = int(PAGE_MM[1] * scale)
    image = Image.new("RGB", (width, height), (246, 243, 236))
    draw = ImageDraw.Draw(image)
    fonts: dict[float, ImageFont.FreeTypeFont] = {}
    for x, y, text, size in layout(s):
        px = size * 0.3528 * scale  # pt -> mm -> px
        font = fonts.setdefault(size, ImageFont.truetype(CJK_FONT, int(px), index=CJK_FONT_INDEX))
        draw.text((x * scale, y * scale - px), text, fill=(30, 30, 30), font=font)
    draw.rectangle((6 * scale, 25 * scale, 234 * scale, 110 * scale), outline=(150, 90, 60), width=2)
    if angle:
        image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(120, 110, 100))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = np.random.default_rng(seed)
        pixels = np.asarray(image).astype(np.int16) + rng.normal(0, noise, (image.height, image.width, 1)).astype(np.int16)
        image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def huge_photo(megabytes: int = 50) -> bytes:
    """A JPEG header followed by ``megabytes`` of random bytes: refused on size, never decoded."""
    rng = random.Random(7)
    return b"\xff\xd8\xff\xe0" + rng.randbytes(megabytes * 1024 * 1024)


def pixel_bomb(side: int) -> bytes:
    """A small PNG of side × side black-and-white pixels (30000: 900 megapixels once decoded, ~110 KB)."""
    from PIL import Image
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG")
    return out.getvalue()


# -- the set the accuracy test reads -------------------------------------------------------------------

def invoice_set() -> list[tuple[str, str, bytes, Sample]]:
    """(source, filename, bytes, truth) for every invoice the accuracy test reads: 15 files."""
    S = SAMPLES
    return [
        ("xml", "专票_品牌策划.xml", xml_invoice(S["brand_special"]), S["brand_special"]),
        ("xml", "普票_短视频.xml", xml_invoice(S["video_ordinary"]), S["video_ordinary"]),
        ("xml", "专票_云服务器.xml", xml_invoice(S["cloud_special"]), S["cloud_special"]),
        ("xml", "旧版_餐费.xml", xml_invoice_legacy(S["dinner_legacy"]), S["dinner_legacy"]),
        ("xml", "拼音_办公用品.xml", xml_invoice_pinyin(S["paper_ordinary"]), S["paper_ordinary"]),
        ("pdf", "专票_品牌策划.pdf", pdf_invoice(S["brand_special"], metadata=True), S["brand_special"]),
        ("pdf", "专票_云服务器.pdf", pdf_invoice(S["cloud_special"], metadata=True), S["cloud_special"]),
        ("pdf", "普票_短视频.pdf", pdf_invoice(S["video_ordinary"], metadata=False), S["video_ordinary"]),
        ("pdf", "普票_办公用品.pdf", pdf_invoice(S["paper_ordinary"], metadata=False), S["paper_ordinary"]),
        ("ofd", "专票_云服务器.ofd", ofd_invoice(S["cloud_special"]), S["cloud_special"]),
        ("ofd", "专票_三脚架.ofd", ofd_invoice(S["tripod_special"], custom_data=False), S["tripod_special"]),
        ("photo", "IMG_0001.jpg", photo_invoice(S["brand_special"], noise=6, seed=1), S["brand_special"]),
        ("photo", "IMG_0002.jpg", photo_invoice(S["cloud_special"], angle=2.5, blur=1.0, seed=2), S["cloud_special"]),
        ("photo", "IMG_0003.jpg", photo_invoice(S["paper_ordinary"], angle=-3, blur=0.8, noise=10, seed=3),
         S["paper_ordinary"]),
        ("photo", "IMG_0004.jpg", photo_invoice(S["tripod_special"], angle=1.5, noise=14, quality=70, seed=4),
         S["tripod_special"]),
        ("photo", "IMG_0005.jpg", photo_invoice(S["dinner_legacy"], angle=-1.5, blur=1.2, seed=5),
         S["dinner_legacy"]),
    ]


def read_all(rows, read) -> list[tuple[str, str, Sample, object, float]]:
    """(source, filename, truth, reading, seconds) for every row of ``invoice_set()``."""
    import time
    out = []
    for source, name, data, truth in rows:
        start = time.perf_counter()
        reading = read(data, name, own_tax_id=OWN_TAX_ID)
        out.append((source, name, truth, reading, time.perf_counter() - start))
    return out


def field_accuracy(results, keys_of) -> dict[str, tuple[int, int]]:
    """Per source: (fields read exactly as printed, fields counted); ``keys_of(source)`` says which."""
    score: dict[str, list[int]] = {}
    for source, _, truth, reading, _ in results:
        expected = truth.expected()
        right_total = score.setdefault(source, [0, 0])
        for key in keys_of(source):
            right_total[0] += reading.fields[key].value == expected[key]
            right_total[1] += 1
    return {source: (right, total) for source, (right, total) in score.items()}
