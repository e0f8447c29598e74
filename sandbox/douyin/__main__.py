"""python -m sandbox.douyin --port 8602 [--no-delays]"""
from sandbox.common.cli import serve
from sandbox.douyin.app import create_app

serve(create_app, "Douyin creator center replica", 8602)
