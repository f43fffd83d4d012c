import tempfile

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
DEMO_USERS_ALLOWED = True

# Each test run trains into its own folder, never into the development models.
RECOMMENDER_ARTIFACT_DIR = tempfile.mkdtemp(prefix="zhitu-models-")
RECOMMENDER_POINTER_TTL = 0  # tests flip versions and read them back at once
# The email reset pages are on, so the URL walks reach them; mail goes to django.core.mail.outbox.
PASSWORD_RESET_BY_EMAIL = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
