"""gunicorn hooks shared by `make run`, `make bench`, the Dockerfile and docker-compose
(`gunicorn -c python:portal.gunicorn_conf …`; options on the command line still apply).
"""

import gc


def post_worker_init(worker) -> None:
    """Once the worker has loaded the app, move every object alive now (modules, models,
    settings: the whole import graph) out of the garbage collector's reach with
    `gc.freeze()`. A full collection then scans only what requests allocate; before, one
    request in ~150 paused 60–90 ms while it walked the import graph (issue 9,
    docs/benchmarks.md). Nothing frozen is ever freed, which is right for objects that live
    as long as the process anyway."""
    gc.collect()
    gc.freeze()
