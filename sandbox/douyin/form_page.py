"""The publish forms: video (``/content/publish`` and ``/content/post/video``) and image-text (``/content/post/image``).

After the real publish page's DOM: the title ``input.semi-input[placeholder="填写作品标题，为作品获得更多流量"]`` with
its ``span.limit-FToEI9`` counter, the ``div.zone-container[contenteditable]`` description editor, ``设置封面``,
the ``发布时间`` radio row (``label.radio-d4zkru`` around checkbox inputs, as on the real page) and the
``content-confirm-container`` buttons ``发布`` / ``暂存离开``. The video upload's progress lives in
``div.progress-div`` and, once done, in ``div.long-card-s4BQ2a`` with ``重新上传``. In the ``post/video`` variant
the fields sit in a ``<template>`` and are rendered only when the upload has finished.
Behaviour in ``static/form.js`` (+ ``overlays.js``, ``tour.js``).
"""
from __future__ import annotations

from sandbox.douyin.pages import layout
from sandbox.douyin.rules import DECLARATIONS
from sandbox.douyin.upload_page import IMAGE_ACCEPT, VIDEO_ACCEPT

TITLE_PLACEHOLDER = "填写作品标题，为作品获得更多流量"
DESC_PLACEHOLDER = "添加作品简介"  # GUESS: the saved real page had text in the editor
DATE_PLACEHOLDER = "日期和时间"


def _radio(label: str, value: str, checked: bool, group: str) -> str:
    mark = " checked" if checked else ""
    return (f'<label class="radio-d4zkru one-line-pe7juM{" checked-pj6Ut9" if checked else ""}" data-group="{group}">'
            f'<input type="checkbox" class="radio-native-p6VBGt" value="{value}"{mark}><span>{label}</span></label>')


ACTIVITIES = (("多城演出贺新春", "热度：5.0k"), ("《巅峰极速》25S1活动", "现金奖励"))  # as in the saved real page
RECOMMENDED_COVERS = 3
DECLARATION_HINT = "为你的作品添加提示，以便用户可以更好的了解作品创作信息"


def _title(text: str, extra: str = "") -> str:
    return f'<div class="title-rwtzKf{extra}"><p class="title-main-HeLB9j"><span>{text}</span></p></div>'


def _cover() -> str:
    """设置封面: the cover control (opens the upload modal) beside three 智能推荐封面 blocks (each asks
    「是否确认应用此封面？」 before it is applied)."""
    blocks = "".join(f'<div class="recommendCover-vWWsHB" data-index="{i}"><div class="maskBox-FrHA4G">'
                     f'<div class="mask-ivBFbc"></div><div class="recommend-frame frame-{i}"></div></div></div>'
                     for i in range(1, RECOMMENDED_COVERS + 1))
    return f"""
 {_title("设置封面", " title-upload")}
 <div class="content-upload-new"><div class="wrapper-NN3Jh1">
  <div class="coverControl-CjlzqC" role="button" tabindex="0">
   <div class="cover-Jg3T4p"><div class="filter-k_CjvJ"><div class="title-wA45Xd">选择封面</div></div></div>
   <div class="controlContainer-psV7_j"><div class="cover-tip-YkBvmu">竖封面3:4</div></div>
  </div>
  <div class="recommendContainer-xwwJ2i"><div class="recommendDisplay-OgigFx"><span class="recommendTitle-aEUy6n">智能推荐封面</span>
   <div class="recommendCoverContainer-S5XRoQ">{blocks}</div></div></div>
 </div><div class="tip-VIy3et"><div><span>好封面会吸引更多人浏览作品</span><span class="tipSpan-DEPcRe">优质封面示例</span></div></div></div>"""


def _activities() -> str:
    items = "".join(f'<div class="container-BPqaWp activity-right-N1pBMo"><div class="top-kQ9Lkf"><span class="title-XgDTvv">{t}</span>'
                    f'</div><div class="bottom-dpW2P5"><div class="score-oq3_pk">{b}</div></div></div>' for t, b in ACTIVITIES)
    return (f'<div class="title-CjecBf"><p class="title-main-Cx2F4o">作品活动奖励</p></div>'
            f'<div class="activity-list-container-AZzfdV">{items}</div>')


def _declaration_row(variant: str | None) -> str:
    """The 自主声明 entry inside the form (variants ``form`` and ``select``); the ``assistant`` variant's
    entry is in the side panel (``_assistant``)."""
    if variant == "form":
        return (f'{_title("自主声明")}<div class="declaration-wrap-Rk2pQa">'
                f'<span class="declaration-entry-Ux81Lm" role="button" tabindex="0">添加自主声明</span>'
                f'<p class="declaration-desc-Zt3W0c">{DECLARATION_HINT}</p></div>')
    if variant == "select":
        return (f'<section class="wrapper-Hq0Ek2">{_title("作品声明")}<div class="selectBox-Tn7vXe" role="button" tabindex="0">'
                f'<div class="selectText-Lk2Pq9 placeholder-Ab1Cd2">请选择自主声明</div></div></section>')
    return ""


def _download() -> str:
    return (f'{_title("允许他人保存视频")}<div class="download-content-Lci5tL">'
            f'{_radio("允许", "1", False, "download")}{_radio("不允许", "0", True, "download")}</div>')


def _collection() -> str:
    return f"""<div class="mix-sel-wrap-X7ee1N">{_title("添加到")}<div class="sel-area-uXj3oO">
  <div class="semi-select select-mix-type-G9iqb2 semi-select-single" tabindex="0"><span class="semi-select-selection-text">合集</span></div>
  <div class="semi-select select-collection-nkL6sA semi-select-single" role="combobox" tabindex="0">
   <span class="semi-select-selection-text semi-select-selection-placeholder">请选择合集</span></div></div></div>"""


def _fields(kind: str, max_title: int, declaration: str | None) -> str:
    video = kind != "image"
    return f"""
<div class="form-fields">
 <div class="title-CjecBf"><p class="title-main-Cx2F4o">作品描述</p></div>
 <div class="editor-container-zRPSAi"><div class="container-sGoJ9f">
  <div class="semi-input-wrapper semiInput-EyEyPL semi-input-wrapper__with-suffix semi-input-wrapper-default">
   <input class="semi-input semi-input-default" type="text" placeholder="{TITLE_PLACEHOLDER}" value="">
   <div class="semi-input-suffix"><span class="limit-FToEI9">0/{max_title}</span></div>
  </div></div>
  <div class="editor-box">
   <div class="zone-container editor-kit-container editor editor-comp-publish notranslate" data-zone-id="0"
    data-zone-container="*" data-slate-editor="true" contenteditable="true" spellcheck="false" role="textbox"
    data-placeholder="{DESC_PLACEHOLDER}"></div>
  </div>
  <div class="toolbar-comp-container-Zk3boM"><div class="toolbar-button-spPS4r topic-btn">#添加话题</div>
   <div class="toolbar-button-spPS4r">@好友</div><div class="desc-count">0 / 1000</div></div>
 </div>{_activities() if video else ""}{_cover() if video else ""}
 <div class="anchor-part-xN_guh">{_title("添加标签")}
  <div class="anchor-container-hgj7gj"><div class="semi-select select-lJTtRL semi-select-single"><span class="semi-select-selection-text">位置</span></div>
   <div class="semi-select location"><input class="semi-input" type="text" placeholder="输入地理位置"></div></div></div>
 {_declaration_row(declaration)}{_collection()}{_download() if video else ""}
 <div class="publish-settings-WtW_ZW"><p class="publish-settings-title-FgYlKa">发布设置</p>
 <p class="mytitle-IZegir">设置谁可以看</p>
 <div class="row-suTOx_ visibility">{_radio("公开", "0", True, "vis")}{_radio("好友可见", "2", False, "vis")}{_radio("仅自己可见", "1", False, "vis")}</div>
 <div class="schedule-part-V615Zn">
  {_title("发布时间")}
  <div class="row-suTOx_ timing">{_radio("立即发布", "0", True, "timing")}{_radio("定时发布", "1", False, "timing")}</div>
  <div class="semi-datepicker" hidden><div class="semi-input-wrapper semi-input-wrapper-default">
   <input class="semi-input semi-input-default" type="text" placeholder="{DATE_PLACEHOLDER}" autocomplete="off"></div>
   <div class="schedule-error"></div></div>
 </div></div>
 <div class="content-confirm-container-Wp91G7"><button type="button" class="button-dhlUZE primary-cECiOJ fixed-J9O8Yw">发布</button>
  <button type="button" class="button-dhlUZE cancel-btn-zy_rHA cancel-fwlVJc fixed-J9O8Yw">暂存离开</button></div>
</div>"""


def _assistant(declaration: str | None) -> str:
    """The 发文助手 side panel: 自主声明 (the ``assistant`` variant's entry, as in the saved real page) and
    快速检测, which reports once the upload has been checked."""
    declared = "" if declaration != "assistant" else f"""
  <section class="contentWrapper-9uN4bw userDeclarationWrapper-rmhQRG"><div class="userDeclarationTitle-NSmGFO">
   <p class="contentTitle-LNuyQS">自主声明</p><p class="contentTitle-LNuyQS addUserDeclaration-AH7tvx" role="button" tabindex="0">添加声明</p></div>
   <p class="userDeclarationDesc-iSLzyH">{DECLARATION_HINT}</p></section><div class="divider-W_wd6n"></div>"""
    return f"""
<section class="postAssistant-Fc978B"><p class="titleWrapper-UKcKVF"><span class="title-TSkDJV">发文助手</span></p>
 <div class="box-NTf9Er">{declared}
  <section class="contentWrapper-c_8UdR normalContentWrapper-EWz8RT"><div class="pointerTitle-KRNtpD"><p class="contentTitle-NtZeOT">快速检测</p></div>
   <div class="right-RTfWIa"><p class="btn-Z0Zgw2" role="button">重新检测</p></div></section>
  <div class="detectItemTitle-X5pTL9">检测中…</div>
 </div></section>"""


def _video_area() -> str:
    """Only the progress box is in the page at first: the 重新上传 card is added when the upload is done."""
    reupload = (f'<label class="upload-btn-PdfuUv"><input class="upload-btn-input-UY_qeY" type="file" name="upload-btn" '
                f'accept="{VIDEO_ACCEPT}"><span class="semi-button semi-button-primary semi-button-light">'
                f'<span class="text-JK4gL5">重新上传</span></span></label>')
    return f"""
<div class="video-upload-area">
 <div class="progress-div"><span class="progress-text">上传中 0%</span><div class="progress-bar"><i></i></div>
  <div class="fail-reason"></div><div class="reupload-slot" hidden>{reupload}</div></div>
 <template id="long-card-template"><div class="long-card-s4BQ2a"><div class="video-name">视频上传完成</div><div class="preview-button-r8SQPD">{reupload}</div></div></template>
</div>"""


def _image_area() -> str:
    return f"""
<div class="img-upload-area">
 <div class="img-header">图片 <span class="img-count">0/35</span></div>
 <div class="img-list"><label class="img-add">+ 继续添加<input type="file" multiple accept="{IMAGE_ACCEPT}"></label></div>
</div>"""


def form_page(kind: str, variant: str, config: dict) -> str:
    """``kind`` "video" | "image"; ``variant`` "publish" (fields at once) | "post_video" (after the upload)."""
    fields = _fields(kind, config["maxTitle"], config.get("declaration"))
    late = kind == "video" and variant == "post_video"
    body = (f'<div class="publish-form-root" data-kind="{kind}" data-variant="{variant}">'
            f'{_video_area() if kind == "video" else _image_area()}'
            f'{f"<template id=form-fields-template>{fields}</template>" if late else fields}'
            f'{_assistant(config.get("declaration"))}</div>')
    config = {**config, "declarations": list(DECLARATIONS)}
    return layout(body, scripts=("common.js", "tour.js", "overlays.js", "sections.js", "images.js", "form.js"),
                  config=config)
