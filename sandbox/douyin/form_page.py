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
from sandbox.douyin.upload_page import IMAGE_ACCEPT, VIDEO_ACCEPT

TITLE_PLACEHOLDER = "填写作品标题，为作品获得更多流量"
DESC_PLACEHOLDER = "添加作品简介"  # GUESS: the saved real page had text in the editor
DATE_PLACEHOLDER = "日期和时间"


def _radio(label: str, value: str, checked: bool, group: str) -> str:
    mark = " checked" if checked else ""
    return (f'<label class="radio-d4zkru one-line-pe7juM{" checked-pj6Ut9" if checked else ""}" data-group="{group}">'
            f'<input type="checkbox" class="radio-native-p6VBGt" value="{value}"{mark}><span>{label}</span></label>')


def _fields(kind: str, max_title: int) -> str:
    cover = "" if kind == "image" else """
 <div class="title-rwtzKf title-upload"><p class="title-main-HeLB9j"><span>设置封面</span></p></div>
 <div class="content-upload-new"><div class="coverControl-CjlzqC" role="button" tabindex="0">
  <div class="cover-Jg3T4p"><div class="title-wA45Xd">选择封面</div></div>
  <div class="controlContainer-psV7_j"><div class="cover-tip-YkBvmu">竖封面3:4</div></div>
 </div><div class="cover-hint">好封面会吸引更多人浏览作品</div></div>"""
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
 </div>{cover}
 <div class="title-rwtzKf"><p class="title-main-HeLB9j">位置</p></div>
 <div class="semi-select location"><input class="semi-input" type="text" placeholder="输入地理位置"></div>
 <div class="title-rwtzKf"><p class="title-main-HeLB9j">设置谁可以看</p></div>
 <div class="row-suTOx_ visibility">{_radio("公开", "0", True, "vis")}{_radio("好友可见", "2", False, "vis")}{_radio("仅自己可见", "1", False, "vis")}</div>
 <div class="schedule-part-V615Zn">
  <div class="title-rwtzKf"><p class="title-main-HeLB9j"><span>发布时间</span></p></div>
  <div class="row-suTOx_ timing">{_radio("立即发布", "0", True, "timing")}{_radio("定时发布", "1", False, "timing")}</div>
  <div class="semi-datepicker" hidden><div class="semi-input-wrapper semi-input-wrapper-default">
   <input class="semi-input semi-input-default" type="text" placeholder="{DATE_PLACEHOLDER}" autocomplete="off"></div>
   <div class="schedule-error"></div></div>
 </div>
 <div class="content-confirm-container-Wp91G7"><button type="button" class="button-dhlUZE primary-cECiOJ fixed-J9O8Yw">发布</button>
  <button type="button" class="button-dhlUZE cancel-btn-zy_rHA cancel-fwlVJc fixed-J9O8Yw">暂存离开</button></div>
</div>"""


def _video_area() -> str:
    reupload = (f'<label class="upload-btn-PdfuUv"><input class="upload-btn-input-UY_qeY" type="file" name="upload-btn" '
                f'accept="{VIDEO_ACCEPT}"><span class="semi-button semi-button-primary semi-button-light">'
                f'<span class="text-JK4gL5">重新上传</span></span></label>')
    return f"""
<div class="video-upload-area">
 <div class="progress-div"><span class="progress-text">上传中 0%</span><div class="progress-bar"><i></i></div>
  <div class="fail-reason"></div><div class="reupload-slot" hidden>{reupload}</div></div>
 <div class="long-card-s4BQ2a" hidden><div class="video-name">视频上传完成</div><div class="preview-button-r8SQPD">{reupload}</div></div>
</div>"""


def _image_area() -> str:
    return f"""
<div class="img-upload-area">
 <div class="img-header">图片 <span class="img-count">0/35</span></div>
 <div class="img-list"><label class="img-add">+ 继续添加<input type="file" multiple accept="{IMAGE_ACCEPT}"></label></div>
</div>"""


def form_page(kind: str, variant: str, config: dict) -> str:
    """``kind`` "video" | "image"; ``variant`` "publish" (fields at once) | "post_video" (after the upload)."""
    fields = _fields(kind, config["maxTitle"])
    late = kind == "video" and variant == "post_video"
    body = (f'<div class="publish-form-root" data-kind="{kind}" data-variant="{variant}">'
            f'{_video_area() if kind == "video" else _image_area()}'
            f'{f"<template id=form-fields-template>{fields}</template>" if late else fields}</div>')
    return layout(body, scripts=("common.js", "tour.js", "overlays.js", "images.js", "form.js"), config=config)
