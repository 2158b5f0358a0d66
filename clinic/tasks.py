from celery import shared_task


@shared_task(name="clinic.tasks.health_ping")
def health_ping() -> str:
    """A trivial task proving that a worker takes work from the broker."""
    return "pong"


@shared_task(name="clinic.tasks.noop", ignore_result=False)
def noop() -> None:
    """The benchmark's yardstick: a task that does nothing."""


@shared_task(name="clinic.pass_chunk", ignore_result=True, bind=True)
def pass_chunk(self, chunk_id: int) -> str:
    """One chunk of a pass (clinic/passes.py); its only argument is the chunk's id."""
    from clinic.passes import pass_chunk_run

    return pass_chunk_run(chunk_id, worker=self.request.hostname or "").state


@shared_task(name="clinic.pass_start", ignore_result=True)
def pass_start(name: str) -> str:
    """Start a run of the named pass (beat)."""
    from clinic.passes import pass_start as start

    return str(start(name).pk)


@shared_task(name="clinic.passes_sweep", ignore_result=True)
def passes_sweep() -> dict:
    """Every 2 minutes: queue again the chunks that were lost."""
    from clinic.passes import passes_sweep as sweep

    result = sweep()
    return {"requeued": result.requeued, "failed": result.failed}
