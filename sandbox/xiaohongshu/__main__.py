"""python -m sandbox.xiaohongshu --port 8601 [--no-delays]"""
import argparse

import uvicorn

from sandbox.xiaohongshu.app import create_app

parser = argparse.ArgumentParser(description="Xiaohongshu creator platform replica")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8601)
parser.add_argument("--no-delays", action="store_true")
args = parser.parse_args()
uvicorn.run(create_app(delays=not args.no_delays), host=args.host, port=args.port, log_level="warning")
