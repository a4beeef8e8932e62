"""gunicorn settings, read from the environment (gunicorn loads this file from the working directory).

    gunicorn            # serves config.wsgi on 127.0.0.1:8000 with these settings
    GUNICORN_WORKERS=8 GUNICORN_BIND=127.0.0.1:9000 gunicorn

Bind to loopback by default: in production a reverse proxy (TLS, buffering of
slow clients) sits in front; set BEHIND_TLS_PROXY / TRUSTED_PROXY_COUNT for it.
"""

import multiprocessing
import os
import re


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threaded workers keep client connections alive between requests (sync workers
# close each one), which measured ~50% more cached reads/s on 2 cores (BENCHMARKS.md).
# Every thread holds one persistent database connection: keep
# workers x threads x servers well under PostgreSQL's max_connections.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)  # a worker silent this long is killed and replaced
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # in-flight requests finish on restart
keepalive = _int("GUNICORN_KEEPALIVE", 5)
backlog = _int("GUNICORN_BACKLOG", 2048)
# Recycle workers now and then (with jitter so they do not all restart at once).
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout
# The access log never holds a comment receipt (`?receipt=` of the status endpoint is redacted).
logger_class = "config.logfilters.ReceiptRedactingLogger"
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "newsroom-comments"


def _control_socket(bind_address: str) -> str:
    """One control socket per instance, named after its bind address (gunicorn's default path is
    one per user, so a second instance on the machine would take over the first one's socket)."""
    folder = os.environ.get("XDG_RUNTIME_DIR") or os.path.join(os.path.expanduser("~"), ".gunicorn")
    return os.path.join(folder, f"{proc_name}-{re.sub(r'[^A-Za-z0-9.-]+', '_', bind_address)}.ctl")


# GUNICORN_CONTROL_SOCKET names the path; "off" turns the control socket off.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or _control_socket(bind)
control_socket_disable = control_socket == "off"
