"""The taskiq scheduler `./dev/start-beat` runs: periodic tasks declared with `schedule=` labels."""

from taskiq import TaskiqScheduler
from taskiq.schedule_sources import LabelScheduleSource

from entrypoints.worker.broker import broker

scheduler = TaskiqScheduler(broker, sources=[LabelScheduleSource(broker)])
