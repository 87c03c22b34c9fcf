"""Background work, run by ``manage.py db_worker`` (django-tasks, database backend)."""

from django_tasks import task

from tilts.quality import services


@task()
def build_pack(job_id: int) -> None:
    services.run_pack(job_id)
