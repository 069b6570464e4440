"""Background work of the judging app (django-tasks), defined in services/uploads.py next to the step it
runs and re-exported here, the path the worker and already-queued rows name. Arguments are ids only."""

from .services.uploads import process_entry_file

__all__ = ["process_entry_file"]
