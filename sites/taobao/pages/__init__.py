"""Page objects of the Taobao seller back-end (千牛 / 卖家中心), one per real page or frame."""
