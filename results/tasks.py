"""Background work of the results app (django-tasks), defined in results/services.py next to the services
it runs and re-exported here, the path the worker and already-queued rows name."""

from .services import build_certificate_batch, generate_certificates

__all__ = ["build_certificate_batch", "generate_certificates"]
