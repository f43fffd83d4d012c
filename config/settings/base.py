"""Every setting is declared here; dev, test and prod only override."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_database, env_int, env_list, env_rates, env_str
from programs.web.spreadsheets import SafeCSV, SafeXLSX

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
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "programs",
    "recommender",
    "pathways",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The visitor's language first (it reads only the language cookie, checked against LANGUAGES), so that even a
    # refusal is in it; then, before the session, NUL and other control characters go no further.
    "config.middleware.ChosenLanguageMiddleware",
    "config.middleware.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.ZhituCSPMiddleware",
    "recommender.middleware.RecommenderUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy: everything from our own origin, no inline script or style, no framing. The pages load
# no asset from elsewhere (schools' networks are often closed), so nothing else is needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

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
                "pathways.students.context.unread_notifications",
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
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out user+IP pair before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout is keyed on the username AND the address together, so someone guessing passwords from one machine cannot
# lock a student out of every other computer: 5 failures in a row lock that pair for 15 minutes.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# And one address failing this often within the window, whatever usernames it tries, is refused sign-in until the
# window ends (pathways/students/signin.py). Set it above what a whole school behind one address mistypes in a lesson.
SIGNIN_ADDRESS_FAILURES = env_int("SIGNIN_ADDRESS_FAILURES", 30)
SIGNIN_ADDRESS_WINDOW_MINUTES = env_int("SIGNIN_ADDRESS_WINDOW_MINUTES", 15)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address for the lockout and the throttles alike: X-Forwarded-For counts only through the number of
# proxies the operator says are in front of the app (default none: the connection's own address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "programs.web.addresses.client_address"
AXES_VERBOSE = False
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

# Redis as a cache fails soft: while it is down every read is a miss and every write is skipped (config/cache.py),
# and a call gives up after CACHE_TIMEOUT_MS, so pages, the API and its throttles keep working.
CACHE_TIMEOUT_SECONDS = env_int("CACHE_TIMEOUT_MS", 500) / 1000
CACHES = {
    "default": (
        {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": env_str("REDIS_URL", ""),
            "OPTIONS": {"socket_connect_timeout": CACHE_TIMEOUT_SECONDS, "socket_timeout": CACHE_TIMEOUT_SECONDS},
        }
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
# Reliability (docs/architecture.md). Redis has no per-connection acks: the message of a worker killed mid-task is
# put back once it has been out TASK_VISIBILITY_TIMEOUT seconds, so that must exceed the longest task (a training
# run); a task killed inside a live worker (its pool process dies) is put back at once.
TASK_VISIBILITY_TIMEOUT = env_int("TASK_VISIBILITY_TIMEOUT", 900)
TASK_RESTORE_INTERVAL = env_int("TASK_RESTORE_INTERVAL", 10)  # seconds between a worker's looks for such messages
TASK_MAX_DELIVERIES = env_int("TASK_MAX_DELIVERIES", 5)  # a message delivered more often is dropped as poison
TASK_DB_RETRIES = env_int("TASK_DB_RETRIES", 5)  # transient database errors: retries, with exponential backoff
TASK_RETRY_BACKOFF = env_int("TASK_RETRY_BACKOFF", 2)  # seconds before the first retry (doubling, full jitter)
TASK_RETRY_BACKOFF_MAX = env_int("TASK_RETRY_BACKOFF_MAX", 300)  # below the visibility timeout, or a wait redelivers
BROKER_TIMEOUT_SECONDS = env_int("BROKER_TIMEOUT_MS", 500) / 1000  # per connection attempt; an enqueue tries twice
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits out a broker outage of any length
# The broker's own options depend on the broker. Kombu's Redis transport keeps the unacknowledged messages itself and
# puts them back after the visibility timeout; RabbitMQ keeps them on the broker (a dead worker's come back when its
# connection closes) and confirms each publish, so an enqueue returns only once the broker holds the message. Its
# consumer_timeout (a server setting) must exceed the longest task, as the visibility timeout must on Redis (README).
REDIS_BROKER_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": TASK_RESTORE_INTERVAL,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": 5,
}
AMQP_BROKER_OPTIONS = {"confirm_publish": True}
AMQP_SCHEMES = ("amqp://", "amqps://", "pyamqp://")
BROKER_CONFIRM_TIMEOUT_SECONDS = 2 * BROKER_TIMEOUT_SECONDS  # an enqueue's wait for RabbitMQ's confirm, per attempt
CELERY_BROKER_TRANSPORT_OPTIONS = (
    AMQP_BROKER_OPTIONS if CELERY_BROKER_URL.startswith(AMQP_SCHEMES) else REDIS_BROKER_OPTIONS
)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Students per recompute chunk (one task, one transaction each), and how often stale sets are redone.
RECOMPUTE_CHUNK_SIZE = env_int("RECOMPUTE_CHUNK_SIZE", 20_000)
RECOMPUTE_STALE_EVERY = env_int("RECOMPUTE_STALE_EVERY", 15 * 60)
# Three queues, so a city recompute or a training run never holds up a student waiting on a page:
# interactive (the default: small per-student work), recompute (chunks of the city recompute), train (model training).
CELERY_TASK_DEFAULT_QUEUE = "interactive"
CELERY_TASK_ROUTES = {
    "pathways.tasks.recompute_recommendations": {"queue": "recompute"},
    "pathways.tasks.recompute_stale_recommendations": {"queue": "recompute"},
    "pathways.tasks.recompute_chunk": {"queue": "recompute"},
    "pathways.tasks.train_recommender_and_recompute": {"queue": "train"},
}
# celery beat keeps its last run times in this file: outside the checkout (README, "Production").
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILE", "/var/tmp/zhitu-celerybeat-schedule")
# Retrain the recommender (with the re-ranker on all feedback) every Monday at 03:00, then recompute.
CELERY_BEAT_SCHEDULE = {
    "retrain-recommender-weekly": {
        "task": "pathways.tasks.train_recommender_and_recompute",
        "schedule": crontab(minute=0, hour=3, day_of_week=1),
    },
    "clear-expired-sessions": {
        "task": "pathways.tasks.clear_expired_sessions",
        "schedule": crontab(minute=45, hour=2),
    },
    "purge-expired-personal-data": {
        "task": "pathways.tasks.purge_expired_personal_data",
        "schedule": crontab(minute=30, hour=2),
    },
    # Catalog edits, a model flip, or a recompute that could not be enqueued while the broker was down leave stored
    # sets stale: redo those every quarter of an hour.
    "recompute-stale-recommendations": {
        "task": "pathways.tasks.recompute_stale_recommendations",
        "schedule": float(RECOMPUTE_STALE_EVERY),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    # Deny by default: a view opens itself up explicitly (AllowAny on the public catalog and scoring).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "programs.web.api.Pages",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["programs.web.api.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON with the checks of programs/web/inputs.py (depth, control characters, numbers); form bodies are checked by
    # config.middleware.InputGuardMiddleware before they reach a view.
    "DEFAULT_PARSER_CLASSES": [
        "programs.web.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "programs.web.api.AnonThrottle",
        "programs.web.api.UserThrottle",
        "programs.web.api.ScopedThrottle",
    ],
    # Per user (per address when signed out). A whole school may share one address, so the anonymous rate is high.
    "DEFAULT_THROTTLE_RATES": {
        "anon": "600/min",
        "user": "600/min",
        "quiz": "30/min",
        "recommendations": "60/min",
        "export": "10/hour",
        # The HTML pages count too: the quiz form, sign-up, and typing class join codes.
        "quiz_page": "60/min",
        "signup": "100/hour",
        "join": "20/hour",
        "account_code": "20/hour",  # one-time password codes typed on /accounts/code/
        **env_rates("THROTTLE_RATES"),
    },
}
API_MAX_PAGE_SIZE = 100
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhitu API",
    "DESCRIPTION": "职途 career-pathway guidance for Chongqing's vocational students: the catalog, routes and "
    "pathways, the interest quiz, recommendations, counselor review and a student's own data. "
    "Interest data: O*NET 29.3 Database, U.S. Department of Labor, CC BY 4.0.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "programs.models.Level",
        "ProgramStatusEnum": "programs.models.ProgramStatus",
        "ReviewStatusEnum": "pathways.models.review.ReviewStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "programs.web.schema.add_error_responses",
    ],
}

# An import is all-or-nothing: any bad row rolls the whole file back.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
# CSV and XLSX only, in this order (the admin form posts the index). Cells that would run as formulae are written as
# text on export (programs/web/spreadsheets.py).
IMPORT_EXPORT_FORMATS = [SafeCSV, SafeXLSX]
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Request limits: a form or JSON body over 1 MiB is refused (400), and an uploaded file (admin import, roster) over
# UPLOAD_MAX_BYTES is refused by the form with a clear message.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CATALOG_PAGE_SIZE = 20

# Where trained recommender models are written (signed joblib files; see recommender/artifacts.py).
# Model files are signed with this key and refused if the signature does not match. Set it apart from SECRET_KEY in
# production, so that rotating SECRET_KEY does not make every trained model unloadable.
RECOMMENDER_SIGNING_KEY = env_str("RECOMMENDER_SIGNING_KEY", SECRET_KEY)
RECOMMENDER_ARTIFACT_DIR = env_str("RECOMMENDER_ARTIFACT_DIR", str(BASE_DIR / "var" / "models"))
# Seconds between checks of which model version is active (a flip in the same process shows at once).
RECOMMENDER_POINTER_TTL = env_int("RECOMMENDER_POINTER_TTL", 2)

# Students who have not signed in for this long are deleted with all their data (see docs/privacy.md).
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 3 * 365)

# One-time password codes (pathways/students/codes.py) need no email. Where the operator runs a mail server, a person
# whose account has an email address may also reset the password by email (Django's reset link, valid a day).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "zhitu@localhost")
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_HOST)
PASSWORD_RESET_TIMEOUT = 24 * 3600

# Demo logins with a published password: development and tests only.
DEMO_USERS_ALLOWED = env_bool("DEMO_USERS_ALLOWED", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
