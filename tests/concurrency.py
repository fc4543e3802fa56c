"""Two database writers at once, for the races that run on PostgreSQL only."""

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction

# How long the first writer keeps its transaction open once its work is done.
HOLD_SECONDS = 0.5


def second_during_first(first: Callable[[], None], second: Callable[[], None]) -> float:
    """Run first() in a transaction that stays open HOLD_SECONDS after it returns, and
    second() in another thread as soon as first() has returned. Each thread closes its
    own connection. Gives the seconds from the start until second() ended: at least
    HOLD_SECONDS when it had to wait for the first transaction's locks."""
    first_done = threading.Event()
    ended: dict[str, float] = {}

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                first_done.set()
                time.sleep(HOLD_SECONDS)
        finally:
            first_done.set()
            connection.close()

    def run_second() -> None:
        first_done.wait(timeout=10)
        try:
            second()
        finally:
            ended["second"] = time.monotonic()
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return ended["second"] - started
