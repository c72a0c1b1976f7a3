"""Settings come from the environment; a bad value stops start-up and names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery.app.defaults import DEFAULTS as CELERY_DEFAULTS
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "daibiao.example.gov.cn",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def _start(extra_env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    clean.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ("check",))], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://localhost/x"),
        ("DATABASE_URL", "postgres://localhost:notaport/x"),
        ("DATABASE_URL", "postgres://localhost:5432/"),
        ("CELERY_BROKER_URL", "localhost:6379"),
        ("AXES_FAILURE_LIMIT", "five"),
        ("SWEEP_EVERY_SECONDS", "0"),
        ("SWEEP_EVERY_SECONDS", "soon"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    result = _start({variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


def test_no_default_secret_when_debug_is_off():
    result = _start({"DEBUG": "false", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy():
    result = _start(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("Yes", True), ("off", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.env_bool("SOME_FLAG", not expected) is expected


def test_env_int_enforces_its_minimum(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env.env_int("SOME_NUMBER", 5, minimum=1)


def test_sqlite_is_the_default_database(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.env_database("DATABASE_URL", "sqlite:////tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"


def test_postgres_url_is_parsed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@db.internal:5433/deputies")
    config = env.env_database("DATABASE_URL", "sqlite:///x")
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql", "db.internal", 5433, "deputies"
    )


def test_every_celery_setting_is_a_name_celery_knows():
    names = [name for name in dir(settings) if name.startswith("CELERY_")]
    assert names, "no CELERY_ settings found"
    # Read by Celery's Django fixup (celery.fixups.django) rather than listed among Celery's defaults.
    fixup = {"db_reuse_max"}
    unknown = [name for name in names if name[len("CELERY_"):].lower() not in {*CELERY_DEFAULTS, *fixup}]
    assert unknown == []


def test_the_django_fixup_sees_the_connection_reuse_setting():
    from celery.fixups.django import DjangoWorkerFixup

    from config.celery import app

    assert DjangoWorkerFixup(app).db_reuse_max == settings.CELERY_DB_REUSE_MAX > 0


def test_task_time_limits_stay_below_the_visibility_timeout():
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < settings.BROKER_VISIBILITY_TIMEOUT
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_chinese_first_in_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
