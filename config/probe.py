"""`python -m config.probe DATABASE_URL REDIS_URL`: exit 0 when both answer (used by `make test`)."""

import socket
import sys
from urllib.parse import urlparse


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    database_url, redis_url = sys.argv[1], sys.argv[2]
    ok = reachable(database_url, 5432) and reachable(redis_url, 6379)
    sys.exit(0 if ok else 1)
