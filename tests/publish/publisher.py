"""A separate process that publishes versions (used by the crash and concurrency tests).

``python publisher.py DB_URL COUNT [PAUSE_S]`` publishes COUNT versions of
:data:`versions.SCENARIO`, printing ``PUBLISHED <version>`` after each. With
PAUSE_S, each publication stops inside its transaction after its rows are
written (``IN_TRANSACTION <version> <rows>`` is printed) and sleeps PAUSE_S
seconds before COMMIT, so a test can kill the process there.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from versions import new_version  # noqa: E402

from scheduler.publish.schema import AssignmentRow, PublicationRow  # noqa: E402
from scheduler.publish.store import open_store  # noqa: E402


def main(url: str, count: int, pause_s: float | None) -> None:
    def pause(session: Session, version: int) -> None:
        rows = session.scalar(
            select(func.count(AssignmentRow.id)).join(PublicationRow).where(PublicationRow.version == version)
        )
        print(f"IN_TRANSACTION {version} {rows}", flush=True)
        time.sleep(pause_s or 0.0)

    with open_store(url) as store:
        for _ in range(count):
            published = store.publish(new_version(by=f"pid{os.getpid()}"),
                                      before_commit=pause if pause_s else None)
            print(f"PUBLISHED {published.version}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else None)
