"""Dask preload: a worker machine that cannot grade as the course grades does not start.

Start the grading workers of each machine from the course's environment with::

    dask worker tls://SCHEDULER:8786 --preload-nanny grader.worker --nworkers N --nthreads 1 \
        --tls-ca-file ca.pem --tls-cert worker.pem --tls-key worker-key.pem

Before its workers start, each nanny checks that this machine can sandbox a kernel
(bubblewrap, user namespaces, sandbox user ids and cgroups) and logs the environment
fingerprint the client compares with its own (:func:`grader.jobs.describe`). A machine
that cannot sandbox stops with the reason, unless started with ``--preload-argv
--unsandboxed`` (and then the client still refuses it without ``--allow-unsandboxed``).
A failing preload is only logged by Dask, so the nanny closes itself instead. The same
module works as a worker preload (``--preload``) where workers run without a nanny.
"""

import asyncio
import logging

import click

from grader import jobs

logger = logging.getLogger("distributed.grader")


@click.command()
@click.option("--unsandboxed", is_flag=True, help="start even if this machine cannot sandbox")
def dask_setup(server, unsandboxed):
    problem = jobs.sandbox_problem()
    if problem and not unsandboxed:
        logger.error("this machine cannot grade: %s; stopping", problem)
        asyncio.get_running_loop().call_soon(
            lambda: asyncio.ensure_future(server.close(reason="cannot grade")))
        return
    logger.info("grading environment %s, %s", jobs.environment()[:12],
                f"unsandboxed: {problem}" if problem else "sandboxed")
