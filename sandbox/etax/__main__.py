"""python -m sandbox.etax --port 8604 [--no-delays]"""
import argparse

import uvicorn

from sandbox.etax.app import create_app

parser = argparse.ArgumentParser(description="Electronic tax bureau (tpass + portal) replica")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8604)
parser.add_argument("--no-delays", action="store_true")
args = parser.parse_args()
uvicorn.run(create_app(delays=not args.no_delays), host=args.host, port=args.port, log_level="warning")
