"""Core's background task (django-tasks): a list export's file; ``manage.py db_worker`` runs it."""

from django_tasks import task

from tilts.core import listexports


@task()
def run_list_export(export_id: int) -> None:
    listexports.run_export(export_id)
