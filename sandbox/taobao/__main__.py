"""python -m sandbox.taobao --port 8603 [--no-delays]"""
from sandbox.common.cli import serve
from sandbox.taobao.app import create_app

serve(create_app, "Taobao seller back-end replica", 8603)
