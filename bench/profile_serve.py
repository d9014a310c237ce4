"""Runs `entrypoints.serve` under cProfile timed by CPU (process_time), so waiting on the network or the
database costs nothing and what is left is weir's own work; the stats are written when the server stops.

    python bench/profile_serve.py OUT.prof        # then: python -m pstats OUT.prof, or bench/profile_summary.py

SIGUSR1 starts a fresh profile (what came before, startup and warm-up included, is dropped), so a bench can
profile only its measured part: chat_stream.py sends it before its weir round.

bench/chat_stream.py and bench/workflow.py start weir this way with `--profile OUT.prof`.
"""

import cProfile
import runpy
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # weir's checkout, as `python -m` from it would


def main() -> None:
    out = sys.argv[1]
    sys.argv = ["entrypoints.serve"]
    current = [cProfile.Profile(time.process_time)]

    def restart(*_):
        current[0].disable()
        current[0] = cProfile.Profile(time.process_time)
        current[0].enable()

    signal.signal(signal.SIGUSR1, restart)
    current[0].enable()
    try:
        runpy.run_module("entrypoints.serve", run_name="__main__", alter_sys=True)
    finally:
        current[0].disable()
        current[0].dump_stats(out)


if __name__ == "__main__":
    main()
