"""Every setting is declared here; dev, test and prod only override."""

from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from config.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "import_export",
    "simple_history",
    "programs",
    "recommender",
    "pathways",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", str(BASE_DIR / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Chinese first: zh-hans is the default, English the second language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL", "")}
        if env_str("REDIS_URL", "")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: no broker URL means no services; tasks then run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Three queues, so a city recompute or a training run never holds up a student waiting on a page:
# interactive (the default: small per-student work), recompute (chunks of the city recompute), train (model training).
CELERY_TASK_DEFAULT_QUEUE = "interactive"
CELERY_TASK_ROUTES = {
    "pathways.tasks.recompute_recommendations": {"queue": "recompute"},
    "pathways.tasks.recompute_stale_recommendations": {"queue": "recompute"},
    "pathways.tasks.recompute_chunk": {"queue": "recompute"},
    "pathways.tasks.train_recommender_and_recompute": {"queue": "train"},
}
# Retrain the recommender (with the re-ranker on all feedback) every Monday at 03:00, then recompute.
CELERY_BEAT_SCHEDULE = {
    "retrain-recommender-weekly": {
        "task": "pathways.tasks.train_recommender_and_recompute",
        "schedule": crontab(minute=0, hour=3, day_of_week=1),
    },
    # Catalog edits (programs, routes, industries) make stored sets stale: redo those every quarter of an hour.
    "purge-expired-personal-data": {
        "task": "pathways.tasks.purge_expired_personal_data",
        "schedule": crontab(minute=30, hour=2),
    },
    "recompute-stale-recommendations": {
        "task": "pathways.tasks.recompute_stale_recommendations",
        "schedule": crontab(minute="*/15"),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}

# An import is all-or-nothing: any bad row rolls the whole file back.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
# CSV and XLSX only, in this order (the admin form posts the index). Formulae are escaped on export.
IMPORT_EXPORT_FORMATS = [CSV, XLSX]
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Upload limit for admin imports (bytes).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

CATALOG_PAGE_SIZE = 20

# Where trained recommender models are written (signed joblib files; see recommender/artifacts.py).
RECOMMENDER_ARTIFACT_DIR = env_str("RECOMMENDER_ARTIFACT_DIR", str(BASE_DIR / "var" / "models"))
# Seconds between checks of which model version is active (a flip in the same process shows at once).
RECOMMENDER_POINTER_TTL = env_int("RECOMMENDER_POINTER_TTL", 2)

# Students who have not signed in for this long are deleted with all their data (see docs/privacy.md).
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 3 * 365)

# Demo logins with a published password: development and tests only.
DEMO_USERS_ALLOWED = env_bool("DEMO_USERS_ALLOWED", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
