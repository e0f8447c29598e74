"""python -m sandbox.xiaohongshu --port 8601 [--no-delays]"""
from sandbox.common.cli import serve
from sandbox.xiaohongshu.app import create_app

serve(create_app, "Xiaohongshu creator platform replica", 8601)
