"""HTML of the two iframes: the material picker (素材中心, ``sucai-selector-ng``) and the baxia slider page.

The picker keeps its file input hidden: only its ``本地上传`` button opens the file chooser, as on the real
page. The slider page shows ``安全验证`` and the ``#nc_1_n1z`` knob in ``.nc-container``.
Behaviour in ``static/picker.js`` and ``static/punish.js``.
"""
from __future__ import annotations

from html import escape

from sandbox.taobao.pages import document


def picker_page(target: str, limit: int) -> str:
    config = {"target": target, "max": limit}
    body = f"""
<div class="sucai-selector" data-target="{escape(target, quote=True)}">
 <div class="sucai-head"><span class="sucai-title">图片空间</span>
  <button type="button" class="next-btn next-btn-primary upload-local">本地上传</button>
  <input type="file" class="sucai-file" accept="image/*" multiple hidden>
 </div>
 <div class="sucai-status" role="status"></div>
 <div class="sucai-error" role="alert"></div>
 <div id="sucai_tu_selector_scrollMain" class="PicList_pic_list"></div>
 <div class="sucai-foot"><span class="sucai-picked">已选 <b class="picked-count">0</b>/{limit} 张</span>
  <button type="button" class="next-btn sucai-cancel">取消</button>
  <button type="button" class="next-btn next-btn-primary sucai-done">完成</button></div>
</div>"""
    return document("素材中心", body, scripts=("common.js", "picker.js"), config=config, body_class="frame")


def punish_page(token: str) -> str:
    body = """
<div class="baxia-punish">
 <div class="captcha-title">安全验证</div>
 <p class="warnning-text">操作过于频繁，请滑动验证码</p>
 <div id="nc_1_wrapper" class="nc-container">
  <div id="nc_1_nocaptcha" class="nc_wrapper"><div id="nc_1__scale_text" class="nc_scale">
   <div id="nc_1__bg" class="nc_bg"></div>
   <span class="nc-lang-cnt" data-nc-lang="_startTEXT">请按住滑块，拖动到最右边</span>
   <span id="nc_1_n1z" class="nc_iconfont btn_slide" role="slider" aria-label="滑块">&gt;</span>
  </div>
  <div class="errloading" role="button" tabindex="0" hidden>验证失败，点击框体重试</div>
  <div class="nc-ok" hidden>验证通过</div></div>
 </div>
</div>"""
    return document("安全验证", body, scripts=("punish.js",), config={"token": token}, body_class="frame punish")
