"""`python -m bench.child TASK JSON`: one measurement in a process of its own.

Peak memory only ever grows, so a figure about memory needs a process that did
nothing else first. The parent (`common.run_child`) passes the task's
arguments as JSON; the figures come back as one JSON line.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def main(argv: list[str]) -> int:
    task, arguments = argv
    kwargs: dict[str, Any] = json.loads(arguments)
    if task == "checkins":
        from bench import checkins
        from bench._bot import load_content, load_settings

        found = checkins.claims(load_content(load_settings().content_dir), **kwargs)
    elif task == "lateness":
        from bench import lateness
        from bench._bot import load_content, load_settings

        found = lateness.send_day(load_content(load_settings().content_dir), **kwargs)
    elif task == "collector":
        from bench import startup

        found = startup.collector()
    elif task == "jobqueue":
        from bench import jobqueue

        found = jobqueue.jobs(**kwargs)
    else:
        raise SystemExit(f"unknown task {task!r}")
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
