from . import converters  # noqa: F401 - registers <id:…> before any app's URLs are read
from .celery import app as celery_app

__all__ = ("celery_app",)
