"""The publish page (``/publish/publish``): the upload step and the note edit form (image or video).

Structure after the real page (2025–2026 releases, from saved DOM and public automation code):
- upload step: tabs ``div.creator-tab`` (``上传视频`` / ``上传图文``) over ``div.upload-content``; each tab has
  its own ``input.upload-input`` (video accept ``.mp4,.mov,...``, image accept ``.jpg,.jpeg,.png,.webp``), the
  other tab's one hidden but in the DOM, so the bare class matches two inputs as on the saved real page;
- after the first image the upload step goes away and the edit form shows ``.img-preview-area .pr``
  previews plus another ``input[type=file][multiple]`` for more images (added with the form: the real
  page renders the edit form only after the upload); after a video it shows the video
  preview (``上传成功``, ``视频大小``, ``替换视频`` with its own ``input.upload-input``) and ``封面设置``;
- ``div.title-container`` with ``input.d-text``, the editor in ``div.edit-container``, the settings:
  ``添加合集`` (a ``d-select``), the ``原创声明`` switch card, ``添加内容类型声明`` (a ``d-select``), the
  ``定时发布`` switch card (``.post-time-wrapper .custom-switch-card .d-switch``) and ``button.publishBtn``.
- the older generation (fault switch ``legacy_editor``; the saved real ``publish.html``): a quill
  ``div.ql-editor`` with a ``#topicBtn``, ``自主声明`` with the placeholder ``添加自主声明``, and 发布时间 as an
  ``el-radio-group`` (``立即发布`` / ``定时发布``).
The behaviour is in ``static/publish.js`` and ``static/settings.js``; this module only renders the HTML.
"""
from __future__ import annotations

import json
from html import escape

from sandbox.xiaohongshu.pages import layout

IMAGE_ACCEPT = ".jpg,.jpeg,.png,.webp"
VIDEO_ACCEPT = ".mp4,.mov,.flv,.f4v,.mkv,.rm,.rmvb,.m4v,.mpg,.mpeg,.ts"
TITLE_PLACEHOLDER = "填写标题会有更多赞哦～"
BODY_PLACEHOLDER = "输入正文描述，真诚有价值的分享予人温暖"
DATE_PLACEHOLDER = "选择日期和时间"
AI_LABEL = "笔记含AI合成内容"
"""Two public uploaders name this option (one as the select's value list, one as the test of its picker)."""
AI_LABEL_CHANGED = "内容由AI生成"
"""What the ``ai_wording_changed`` switch renders instead: a wording the site may move to."""
COLLECTIONS = ("日常分享", "新品上市")


def _tab(label: str, target: str, active: bool) -> str:
    cls = "creator-tab active" if active else "creator-tab"
    return f'<div class="{cls}" data-target="{target}"><span class="title">{label}</span><div class="underline"></div></div>'


def _upload_pane(kind: str, shown: bool) -> str:
    image = kind == "image"
    accept, what = (IMAGE_ACCEPT, "图片") if image else (VIDEO_ACCEPT, "视频")
    info = "（最多支持上传18张）" if image else "支持mp4、mov等格式，大小不超过20GB，时长不超过60分钟"
    multiple = " multiple" if image else ""
    return (f'<div class="upload-wrapper" data-kind="{kind}"{"" if shown else " hidden"}><div class="drag-over">'
            f'<input class="upload-input" type="file"{multiple} accept="{accept}">'
            f'<div class="wrapper"><p class="drag-text">拖拽{what}到此或点击上传</p><p class="info">{info}</p>'
            f'<div class="btn red upload-button">上传{what}</div></div></div></div>')


def _upload_step(target: str) -> str:
    image = target == "image"
    return f"""
<div class="upload-container">
 <div class="header">{_tab("上传视频", "video", not image)}{_tab("上传图文", "image", image)}</div>
 <div class="upload-content">{_upload_pane("video", not image)}{_upload_pane("image", image)}
  <div class="upload-error" hidden></div>
 </div>
</div>"""


def _media_areas() -> str:
    return f"""
 <div class="img-upload-area" hidden>
  <div class="header">图片编辑<span class="count">0/18</span></div>
  <div class="img-preview-area">
   <div class="entry" data-accept="{IMAGE_ACCEPT}">+</div>
  </div>
 </div>
 <div class="video-upload-area" hidden>
  <div class="header-title">发布视频</div>
  <div class="cover-container"><input class="upload-input" type="file" accept="{VIDEO_ACCEPT}">
   <div class="preview-new"><div class="name"></div>
    <div class="stage"><span class="stage-text">视频正在上传中</span> <span class="progress">0%</span></div>
    <div class="video-size"></div></div>
   <div class="reupload"><span>替换视频</span></div>
  </div>
  <div class="cover-preview">
   <div class="header"><div class="title">封面设置</div>
    <div class="description">默认截取第一帧作为封面，优秀的封面会吸引更多人浏览笔记</div></div>
   <div class="cover"><div class="default"><img class="cover-img" alt="封面" hidden><span class="cover-tip">第一帧</span></div>
    <div class="uploadCover" role="button" tabindex="0">上传封面</div></div>
  </div>
 </div>"""


def _editor(legacy: bool) -> str:
    if legacy:
        return f"""
 <div class="edit-container">
  <div id="quillEditor" class="editor-container ql-container ql-snow">
   <div class="ql-editor ql-blank" contenteditable="true" data-placeholder="{BODY_PLACEHOLDER}"><p><br></p></div>
  </div>
  <div class="length-wrapper"><span class="cur">0</span><span class="max-length">/1000</span></div>
  <div class="btns"><button type="button" id="topicBtn" class="contentBtn">#&nbsp;话题</button></div>
 </div>"""
    return f"""
 <div class="edit-container">
  <div class="tiptap ProseMirror" contenteditable="true" role="textbox" translate="no" tabindex="0"><p
   class="is-editor-empty" data-placeholder="{BODY_PLACEHOLDER}"><br></p></div>
  <div class="length-wrapper"><span class="cur">0</span><span class="max-length">/1000</span></div>
 </div>"""


def _select(cls: str, placeholder: str) -> str:
    return (f'<div tabindex="1" class="d-select-wrapper d-inline-block {cls}"><div class="d-select">'
            f'<div class="d-select-content"><div class="d-text d-select-description"></div>'
            f'<div class="d-text d-select-placeholder">{placeholder}</div></div>'
            f'<div class="d-select-suffix">▾</div></div></div>')


def _settings(legacy: bool, declaration_entry: bool) -> str:
    collection = (f'<form class="d-new-form collection"><div class="d-new-form-item collection-container">'
                  f'<span class="d-form-item__title">添加合集</span>{_select("select", "选择合集")}</div></form>')
    # The older form (the saved real page) has no 原创声明 card.
    original = "" if legacy else ('<div class="custom-switch-card original-card"><span class="has-tips">原创声明</span>'
                                  '<div class="d-switch" role="switch" aria-checked="false"><input type="checkbox">'
                                  '<span class="d-switch-simulator"></span></div></div>')
    title, placeholder = ("自主声明", "添加自主声明") if legacy else ("内容类型声明", "添加内容类型声明")
    declaration = (f'<div class="flexbox declaration"><div class="_title">{title}</div>'
                   f'<div class="wrapper">{_select("declaration-wrapper", placeholder)}</div></div>'
                   ) if declaration_entry else ""
    return f'<div class="media-settings">{collection}{original}{declaration}</div>'


def _schedule(legacy: bool) -> str:
    picker = f"""
  <div class="date-picker-container" hidden>
   <div class="d-datepicker"><div class="d-datepicker-input-filter">
    <input class="d-text" type="text" placeholder="{DATE_PLACEHOLDER}" autocomplete="off">
   </div></div>
   <div class="date-error"></div>
  </div>"""
    if legacy:
        radio = ('<label class="el-radio{cls}"><span class="el-radio__input{cls}"><input class="el-radio__original" '
                 'name="post-time" type="radio" value="{v}"{checked}><span class="el-radio__inner"></span></span>'
                 '<span class="el-radio__label">{label}</span></label>')
        radios = (radio.format(cls=" is-checked", v=0, checked=" checked", label="立即发布")
                  + radio.format(cls="", v=1, checked="", label="定时发布"))
        return (f'<div class="post-time-wrapper legacy"><div class="flexbox"><div class="_title">发布时间</div>'
                f'<div class="el-radio-group" role="radiogroup" aria-label="radio-group">{radios}</div></div>'
                f'{picker}</div>')
    return f"""
 <div class="post-time-wrapper">
  <div class="custom-switch-card custom-switch-wrapper post-time-switch-container">
   <span class="title">定时发布</span>
   <div class="d-switch" role="switch" aria-checked="false"><input type="checkbox"><span class="d-switch-simulator"></span></div>
  </div>{picker}
 </div>"""


def _edit_form(popover: bool, legacy: bool, declaration_entry: bool) -> str:
    tips = ('<div class="d-popover tips-popover" role="dialog"><p><b>发布小贴士</b></p>'
            '<p>添加合适的话题，让更多人看到你的笔记～</p><button type="button" class="tips-close">我知道了</button></div>'
            ) if popover else ""
    return f"""
<div class="publish-form" hidden>{_media_areas()}
 <div class="title-container"><div class="d-input-wrapper"><div class="d-input">
  <input class="d-text" type="text" placeholder="{TITLE_PLACEHOLDER}">
 </div></div></div>{_editor(legacy)}{_settings(legacy, declaration_entry)}{_schedule(legacy)}
 <div class="submit">
  <button type="button" class="d-button custom-button red publishBtn disabled" aria-disabled="true"><span
   class="d-text">发布</span></button>
  <button type="button" class="d-button custom-button save-draft"><span class="d-text">暂存离开</span></button>
  {tips}
 </div>
</div>"""


def publish_page(target: str, config: dict, popover: bool, *, legacy: bool = False,
                 declaration_entry: bool = True) -> str:
    """``config``: timing and fault settings the page scripts read (see publish.js, settings.js)."""
    body = (f'<div class="publish-container" data-config="{escape(json.dumps(config))}">'
            f'{_upload_step(target)}{_edit_form(popover, legacy, declaration_entry)}</div>'
            '<script src="/static/settings.js"></script>')
    return layout("发布笔记 - 小红书创作服务平台", body, script="publish.js")
