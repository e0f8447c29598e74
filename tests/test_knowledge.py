"""The knowledge base: real .docx/.pdf/.txt files in, passages out, searched per workspace in a real SQLite DB."""
from __future__ import annotations

import io

import pytest
from docx import Document
from sqlalchemy import func, select

from core.db import transaction
from core.models import Workspace
from core.settings import Settings
from knowledge.chunk import chunk_text
from knowledge.errors import KnowledgeError
from knowledge.extract import extract_text
from knowledge.models import KnowledgeChunk, KnowledgeDoc
from knowledge.search import search, tokenize
from knowledge.store import add_document, delete_document, list_documents

BRAND_GUIDE = [
    ("品牌故事", "山间小叶是一家来自福建安溪的小茶铺，坚持用当季桂花和高山乌龙窨制。我们希望年轻人也能轻松喝到一杯好茶，"
     "所以推出了桂花乌龙冷泡茶系列。"),
    ("语气与措辞", "文案语气亲切、真诚，像朋友推荐一样。多写真实的饮用场景，例如办公室午后、露营、健身之后。"
     "不要夸大功效，不使用绝对化用语。"),
]
PRODUCT_ROWS = [("品名", "桂花乌龙冷泡茶"), ("规格", "3克×15袋"), ("配料", "乌龙茶、桂花"),
                ("保质期", "18个月"), ("产地", "福建安溪")]
FAQ = """# 常见问题

## 品牌和产地
山间小叶的茶叶全部来自福建安溪自有合作茶园，桂花选用广西桂林的当季金桂。每一批茶都有检测报告，可以在店铺首页查看。
我们是小团队，客服在工作日九点到十八点在线，晚上留言第二天一早回复。

## 冷泡茶怎么泡？
取一袋桂花乌龙冷泡茶放入500毫升常温矿泉水或纯净水中，盖好瓶盖放进冰箱冷藏4到6小时即可饮用。冷泡的时间越长，茶味越浓，建议12小时内喝完。
如果赶时间，也可以先用少量热水唤醒茶叶30秒，再加入冰块和冷水，摇匀后静置半小时。

## 可以用热水泡吗？
可以。用90度左右的热水冲泡1分钟即可出汤，可以续泡三到四次。热泡的桂花香更明显，冷泡的口感更清甜。

## 什么时候发货？
工作日下午四点前付款的订单当天发货，其余次日发出，默认中通快递。偏远地区需要多等两到三天，节假日发货时间以店铺公告为准。
收到货如果有破损，请拍照联系客服，我们会免费补发。

## 保存方法
未开封请放在阴凉干燥处，避免阳光直射和异味。开封后请用密封夹夹好，尽快饮用，避免受潮。
保质期为18个月，生产日期印在盒子底部。
"""
PRODUCT_HTML = """<html><body style="font-family: 'Noto Sans CJK SC', sans-serif">
<h1>桂花乌龙冷泡茶 产品资料</h1>
<p>本品选用福建安溪高山乌龙茶，搭配当季金桂窨制，茶汤清甜，带有自然桂花香。</p>
<p>适合人群：喜欢清爽口感的上班族与学生。冷热皆宜，夏季推荐冷饮。</p>
<p>冲泡建议：冷泡、热泡皆可，详见包装背面。</p>
<p>零售价：39元一盒，每盒15袋。</p>
</body></html>"""


@pytest.fixture
def db(tmp_path):
    """A real SQLite database in a fresh data dir, with two workspaces."""
    from core.db import session_factory

    factory = session_factory(Settings(data_dir=tmp_path).db_url)
    with transaction(factory) as s:
        s.add_all([Workspace(id="ws_tea", name="山间小叶"), Workspace(id="ws_other", name="别家店")])
    return factory


@pytest.fixture(scope="session")
def product_pdf() -> bytes:
    """A real PDF with Chinese text, printed by headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_content(PRODUCT_HTML)
        data = page.pdf()
        browser.close()
    return data


def brand_docx() -> bytes:
    doc = Document()
    doc.add_heading("山间小叶品牌手册", level=1)
    for heading, text in BRAND_GUIDE:
        doc.add_heading(heading, level=2)
        doc.add_paragraph(text)
    table = doc.add_table(rows=len(PRODUCT_ROWS), cols=2)
    for row, (key, value) in zip(table.rows, PRODUCT_ROWS):
        row.cells[0].text, row.cells[1].text = key, value
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def add(db, name, data, workspace="ws_tea"):
    with transaction(db) as s:
        return add_document(s, workspace, name, data)


def load_tea_shop(db, product_pdf):
    return {"brand": add(db, "品牌手册.docx", brand_docx()),
            "product": add(db, "产品资料.pdf", product_pdf),
            "faq": add(db, "常见问题.md", FAQ.encode())}


def test_docx_paragraphs_headings_and_table_cells_are_read():
    text = extract_text("品牌手册.docx", brand_docx())
    assert "# 语气与措辞" in text
    assert "不使用绝对化用语" in text
    assert "规格：3克×15袋" in text
    assert text.index("品牌故事") < text.index("保质期")


def test_chinese_pdf_made_by_chromium_is_read(product_pdf):
    text = extract_text("产品资料.pdf", product_pdf)
    assert "桂花乌龙冷泡茶 产品资料" in text
    assert "福建安溪高山乌龙茶" in text  # radical look-alikes (⻰ ⼀) are mapped back to 龙 一
    assert "39" in text and "元一盒" in text


def test_gbk_and_bom_text_files_are_read():
    assert extract_text("说明.txt", "冷泡茶要冷藏。".encode("gb18030")) == "冷泡茶要冷藏。"
    assert extract_text("说明.txt", "\ufeff冷泡茶要冷藏。".encode("utf-8")) == "冷泡茶要冷藏。"


def test_faq_passage_answers_how_to_brew_cold_tea(db, product_pdf):
    docs = load_tea_shop(db, product_pdf)
    with db() as s:
        passages = search(s, "ws_tea", "冷泡茶 怎么泡")
    assert passages[0].doc_id == docs["faq"].id
    assert passages[0].doc_name == "常见问题.md"
    assert "冰箱冷藏4到6小时" in passages[0].text
    assert {p.doc_id for p in passages} <= {d.id for d in docs.values()}
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    with db() as s:
        faq_passages = s.scalar(select(func.count()).select_from(KnowledgeChunk)
                                .where(KnowledgeChunk.doc_id == docs["faq"].id))
        shipping = search(s, "ws_tea", "什么时候发货", k=1)
    assert faq_passages > 1  # the right passage of the FAQ was chosen, not just the right file
    assert "中通快递" in shipping[0].text and "冰箱冷藏" not in shipping[0].text


def test_search_only_sees_its_own_workspace(db, product_pdf):
    load_tea_shop(db, product_pdf)
    other = add(db, "别家问答.txt", "冷泡茶怎么泡？别家店的做法是用冰水泡两小时。".encode(), workspace="ws_other")
    with db() as s:
        tea = search(s, "ws_tea", "冷泡茶 怎么泡 冰水", k=10)
        theirs = search(s, "ws_other", "冷泡茶 怎么泡", k=10)
    assert tea and other.id not in {p.doc_id for p in tea}
    assert [p.doc_id for p in theirs] == [other.id]


def test_deleted_document_leaves_search_and_the_database(db, product_pdf):
    docs = load_tea_shop(db, product_pdf)
    with transaction(db) as s:
        assert delete_document(s, "ws_other", docs["faq"].id) is False  # not theirs to delete
    with transaction(db) as s:
        assert delete_document(s, "ws_tea", docs["faq"].id) is True
    with db() as s:
        found = search(s, "ws_tea", "冷泡茶 怎么泡", k=10)
        left = s.scalar(select(func.count()).select_from(KnowledgeChunk)
                        .where(KnowledgeChunk.doc_id == docs["faq"].id))
        names = [d.name for d in list_documents(s, "ws_tea")]
    assert docs["faq"].id not in {p.doc_id for p in found}
    assert found  # the other documents still answer
    assert left == 0
    assert sorted(names) == ["产品资料.pdf", "品牌手册.docx"]


@pytest.mark.parametrize("name, data, limit", [
    ("报价.xlsx", b"PK\x03\x04 not really", "txt/md/docx/pdf"),
    ("空白.txt", b"  \n ", "非空"),
    ("坏的.docx", b"this is not a zip", "可读取"),
    ("坏的.pdf", b"hello", "可读取"),
    ("图片.txt", bytes(range(256)) * 8, "可读取"),
])
def test_unusable_file_is_a_file_field_error_and_stores_nothing(db, name, data, limit):
    with pytest.raises(KnowledgeError) as e:
        add(db, name, data)
    assert e.value.errors == [{"field": "file", "limit": limit, "message": e.value.message}]
    assert e.value.field == "file"
    with db() as s:
        assert s.scalar(select(func.count()).select_from(KnowledgeDoc)) == 0


def test_file_over_20_mb_is_refused_with_the_limit(db):
    data = ("冷泡茶。" * 10).encode() * (20 * 1024 * 1024 // 120 + 10)
    with pytest.raises(KnowledgeError) as e:
        add(db, "大文件.txt", data)
    assert e.value.limit == "≤ 20 MB"
    assert "20MB" in e.value.message


def test_same_file_twice_in_one_workspace_is_stored_once(db):
    first = add(db, "常见问题.md", FAQ.encode())
    again = add(db, "常见问题-副本.md", FAQ.encode())
    elsewhere = add(db, "常见问题.md", FAQ.encode(), workspace="ws_other")
    assert again.id == first.id
    assert elsewhere.id != first.id
    with db() as s:
        assert len(list_documents(s, "ws_tea")) == 1


def test_long_text_is_cut_into_passages_on_sentence_ends_with_headings_kept():
    sections = [f"# 第{i}章\n" + "".join(f"这是第{i}章的第{j}句话，讲一点茶的知识。" for j in range(30))
                for i in range(3)]
    chunks = chunk_text("\n\n".join(sections))
    assert all(len(c) <= 500 for c in chunks)
    assert all(len(c) >= 120 for c in chunks[:-1])  # no scraps
    assert all(c.endswith("。") for c in chunks)  # never cut mid-sentence
    for i in range(3):
        holder = next(c for c in chunks if f"第{i}章\n" in c)
        assert f"这是第{i}章的第0句话" in holder  # the heading travels with its first sentence
        assert holder.startswith(f"第{i}章\n")  # and a long enough section starts a new passage
    # A passage that ends mid-section hands its last sentence on to the next one.
    assert chunks[1].split("。")[0] == chunks[0].split("。")[-2]


def test_tokens_are_lower_case_words_without_punctuation_or_stop_words():
    assert tokenize("冷泡茶，怎么泡？NO.1 的 iPhone") == ["冷", "泡茶", "泡", "no.1", "iphone"]
