"""Background tasks (django-tasks); ``manage.py db_worker`` runs them, the test settings run them at once."""

from django_tasks import task

from tilts.exports import services


@task()
def run_export_job(job_id: int) -> None:
    services.run_job(job_id)
