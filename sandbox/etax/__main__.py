"""python -m sandbox.etax --port 8604 [--no-delays]"""
from sandbox.common.cli import serve
from sandbox.etax.app import create_app

serve(create_app, "Electronic tax bureau (tpass + portal) replica", 8604)
