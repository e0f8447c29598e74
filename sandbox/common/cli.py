"""Every replica's command line: ``python -m sandbox.<site> --port N [--host H] [--no-delays]``."""
from __future__ import annotations

import argparse
from typing import Callable

import uvicorn
from fastapi import FastAPI


def serve(create_app: Callable[..., FastAPI], description: str, port: int) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--no-delays", action="store_true")
    args = parser.parse_args()
    uvicorn.run(create_app(delays=not args.no_delays), host=args.host, port=args.port, log_level="warning")
