"""The publish page (``/publish/publish``): the upload step and the image-note edit form.

Structure after the real page (2025–2026 releases, from saved DOM and public automation code):
- upload step: tabs ``div.creator-tab`` (``上传视频`` / ``上传图文``) over ``div.upload-content`` with
  ``input.upload-input`` (accept ``.jpg,.jpeg,.png,.webp`` on the image tab);
- after the first image the upload step goes away and the edit form shows ``.img-preview-area .pr``
  previews plus another ``input[type=file][multiple]`` for more images, ``div.title-container`` with
  ``input.d-text``, the tiptap editor in ``div.edit-container``, the ``定时发布`` switch card
  (``.post-time-wrapper .custom-switch-card .d-switch``) and ``button.publishBtn``.
The behaviour is in ``static/publish.js``; this module only renders the initial HTML.
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


def _tab(label: str, target: str, active: bool) -> str:
    cls = "creator-tab active" if active else "creator-tab"
    return f'<div class="{cls}" data-target="{target}"><span class="title">{label}</span><div class="underline"></div></div>'


def _upload_step(target: str) -> str:
    image = target == "image"
    accept = IMAGE_ACCEPT if image else VIDEO_ACCEPT
    what = "图片" if image else "视频"
    info = "（最多支持上传18张）" if image else "支持mp4、mov等格式，大小不超过20GB"
    return f"""
<div class="upload-container">
 <div class="header">{_tab("上传视频", "video", not image)}{_tab("上传图文", "image", image)}</div>
 <div class="upload-content">
  <div class="upload-wrapper"><div class="drag-over">
   <input class="upload-input" type="file" multiple accept="{accept}">
   <div class="wrapper"><p class="drag-text">拖拽{what}到此或点击上传</p><p class="info">{info}</p>
    <div class="btn red upload-button">上传{what}</div></div>
  </div></div>
  <div class="upload-error" hidden></div>
 </div>
</div>"""


def _edit_form(popover: bool) -> str:
    tips = ('<div class="d-popover tips-popover" role="dialog"><p><b>发布小贴士</b></p>'
            '<p>添加合适的话题，让更多人看到你的笔记～</p><button type="button" class="tips-close">我知道了</button></div>'
            ) if popover else ""
    return f"""
<div class="publish-form" hidden>
 <div class="img-upload-area">
  <div class="header">图片编辑<span class="count">0/18</span></div>
  <div class="img-preview-area">
   <div class="entry">+<input type="file" multiple accept="{IMAGE_ACCEPT}"></div>
  </div>
 </div>
 <div class="title-container"><div class="d-input-wrapper"><div class="d-input">
  <input class="d-text" type="text" placeholder="{TITLE_PLACEHOLDER}">
 </div></div></div>
 <div class="edit-container">
  <div class="tiptap ProseMirror" contenteditable="true" role="textbox" translate="no" tabindex="0"><p
   class="is-editor-empty" data-placeholder="{BODY_PLACEHOLDER}"><br></p></div>
  <div class="length-wrapper"><span class="cur">0</span><span class="max-length">/1000</span></div>
 </div>
 <div class="post-time-wrapper">
  <div class="custom-switch-card custom-switch-wrapper post-time-switch-container">
   <span class="title">定时发布</span>
   <div class="d-switch" role="switch" aria-checked="false"><input type="checkbox"><span class="d-switch-simulator"></span></div>
  </div>
  <div class="date-picker-container" hidden>
   <div class="d-datepicker"><div class="d-datepicker-input-filter">
    <input class="d-text" type="text" placeholder="{DATE_PLACEHOLDER}" autocomplete="off">
   </div></div>
   <div class="date-error"></div>
  </div>
 </div>
 <div class="submit">
  <button type="button" class="d-button custom-button red publishBtn disabled" aria-disabled="true"><span
   class="d-text">发布</span></button>
  <button type="button" class="d-button custom-button save-draft"><span class="d-text">暂存离开</span></button>
  {tips}
 </div>
</div>"""


def publish_page(target: str, config: dict, popover: bool) -> str:
    """``config``: timing and fault settings the page script reads (see publish.js)."""
    body = (f'<div class="publish-container" data-config="{escape(json.dumps(config))}">'
            f'{_upload_step(target)}{_edit_form(popover)}</div>')
    return layout("发布笔记 - 小红书创作服务平台", body, script="publish.js")
