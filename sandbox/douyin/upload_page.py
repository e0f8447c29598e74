"""The upload entry page (``/creator-micro/content/upload``), after the real page's DOM.

Tabs ``div.tab-container-DjaX1b > div.tab-item-BcCLTS`` (``发布视频`` / ``发布图文`` / ``发布全景视频``) over the drop
zone ``div.container-drag-AOMYqU`` (``点击上传 或直接将视频文件拖入此区域``) that holds a hidden
``input[type=file]``. The image tab switches the zone and the input's ``accept`` in place.
Behaviour in ``static/upload.js``.
"""
from __future__ import annotations

from sandbox.douyin.pages import layout

VIDEO_ACCEPT = "video/x-flv,video/mp4,video/x-m4v,video/*,.flv,.avi,.wmv,.webm,.ts,.mp4,.mpeg4,.mov,.m4v,.mpg,.mkv,.m4"
IMAGE_ACCEPT = "image/png,image/jpeg,image/jpg,image/webp"
TIPS = [("视频格式", "支持常用视频格式，推荐mp4、webm"), ("视频大小", "视频文件大小不超过16G，时长在60分钟以内"),
        ("视频分辨率", "推荐分辨率范围：720P-1080P，最大支持上传4k(3840 x 2160)")]


def upload_page(config: dict) -> str:
    tabs = "".join(f'<div class="tab-item-BcCLTS{" active-i8Pu0m" if i == 0 else ""}" data-tab="{key}">{name}</div>'
                   for i, (key, name) in enumerate((("video", "发布视频"), ("image", "发布图文"), ("panorama", "发布全景视频"))))
    tips = "".join(f'<div class="tip-item-CQe3T1"><div class="tip-item-right-Mo2FwL"><div class="tip-title">{t}</div>'
                   f'<div class="tip-desc">{d}</div></div></div>' for t, d in TIPS)
    return layout(f"""
<div class="upload-page" data-video-accept="{VIDEO_ACCEPT}" data-image-accept="{IMAGE_ACCEPT}">
 <div class="tab-container-DjaX1b">{tabs}</div>
 <div class="semi-tabs semi-tabs-top"><div role="tab-panel" class="semi-tabs-pane-active semi-tabs-pane">
  <div class="container-F4b8d7">
   <div class="container-drag-AOMYqU" role="presentation" tabindex="0">
    <div class="container-drag-info-Tl0RGH">
     <div class="container-drag-title-p6mssi">点击上传 或直接将视频文件拖入此区域</div>
     <div class="container-drag-sub-title-N0sUwJ">为了更好的观看体验和平台安全，平台将对上传的视频预审。超过40秒的视频建议上传横版视频</div>
    </div>
    <input accept="{VIDEO_ACCEPT}" type="file" tabindex="-1" style="display: none;">
   </div>
   <div class="upload-progress" hidden></div>
   <div class="container-tip-AVNu8S">{tips}</div>
  </div>
 </div></div>
</div>""", scripts=("common.js", "tour.js", "upload.js"), config=config)
