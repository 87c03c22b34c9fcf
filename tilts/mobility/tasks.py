"""Background tasks (django-tasks): large mobility imports are checked and imported by ``manage.py db_worker``."""

from django_tasks import task


@task()
def check_mobility_import(job_id: int) -> None:
    from tilts.mobility import imports

    imports.check_job(job_id)


@task()
def run_mobility_import(job_id: int) -> None:
    from tilts.mobility import imports

    imports.run_job(job_id)
