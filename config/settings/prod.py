from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, SECRET_KEY

DEBUG = False

if not SECRET_KEY or SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Production needs a real SECRET_KEY (50+ random characters) in the environment.")

# Production mode runs on real services: PostgreSQL for data, Redis for the cache (sessions, throttles) and the broker.
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production needs DATABASE_URL=postgres://… (SQLite is for development only).")
if str(CACHES["default"]["BACKEND"]).endswith("LocMemCache"):
    raise ImproperlyConfigured("Production needs REDIS_URL=redis://… for the shared cache (sessions and throttles).")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Shared school computers: sessions end with the browser and after two idle hours.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the two hours count from the last request, not from signing in
# Read from Redis, kept in PostgreSQL (Django's cached_db); an unchanged session is rewritten at most once a minute,
# so the two idle hours count from the last request to the minute (config/sessions.py).
SESSION_ENGINE = "config.sessions"
CSRF_COOKIE_HTTPONLY = True
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = False
DEMO_USERS_ALLOWED = False
