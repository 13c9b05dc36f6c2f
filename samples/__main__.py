"""python -m samples OUTPUT [--count N] [--seed S] [--today YYYY-MM-DD]"""
import argparse
from datetime import date
from pathlib import Path

from . import write_exports

parser = argparse.ArgumentParser(prog="python -m samples", description="Write a synthetic sample export.")
parser.add_argument("output", type=Path)
parser.add_argument("--count", type=int, default=300, help="number of penalty decisions")
parser.add_argument("--seed", type=int, default=2026)
parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 25))
args = parser.parse_args()
print(write_exports(args.count, args.output, seed=args.seed, today=args.today))
