"""The beat schedule can be applied: every periodic task exists and its limits are coherent."""

from redegov.celery import app


def test_every_scheduled_task_is_registered_with_coherent_time_limits():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        task = app.tasks[entry["task"]]
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft is None or hard is None or soft <= hard, name
