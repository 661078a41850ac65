"""`manage.py check --deploy` with production variables reports nothing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def production_environment(tmp_path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests (tests/e2e/) set it in the test process; production never does.
        if key
        not in (
            "DEBUG",
            "SECRET_KEY",
            "SECURE_SSL_REDIRECT",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="natverk.example.se",
        CSRF_TRUSTED_ORIGINS="https://natverk.example.se",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        EMAIL_URL="smtp://mailpit:1025",
    )
    env.pop("REDIS_URL", None)
    return env


def test_deploy_check_production_variables_report_no_issues(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output


def test_deploy_check_debug_on_is_reported(tmp_path):
    env = production_environment(tmp_path)
    env["DEBUG"] = "1"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr
