"""The Taobao seller back-end (千牛 / 卖家中心): the product model and listing rules so far; the adapter comes later."""
