"""The command line with a pause before every commit, for the test that kills an import mid-way.

    python tests/cli_paused.py SECONDS import FILE --db PATH ...

Each store transaction, once its block has run (every row written, nothing committed yet), prints
"written, about to commit" and sleeps SECONDS; then it commits as usual. The shipped code has no such
hook: this wrapper replaces `saisaat.store.transaction` before calling `saisaat.cli.main`.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from saisaat import cli, store

_transaction = store.transaction


@contextmanager
def paused_transaction(con, seconds: float):
    with _transaction(con) as cur:
        yield cur
        print("written, about to commit", flush=True)
        time.sleep(seconds)


if __name__ == "__main__":
    pause = float(sys.argv[1])
    store.transaction = lambda con: paused_transaction(con, pause)
    sys.exit(cli.main(sys.argv[2:]))
