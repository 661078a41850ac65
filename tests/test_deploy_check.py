"""`manage.py check --deploy` with production variables reports nothing."""

import subprocess
import sys
from pathlib import Path

# The production variables (and nothing of the test process's own, such as the browser tests'
# DJANGO_ALLOW_ASYNC_UNSAFE) are the security tests' own.
from tests.test_security import production_environment

BASE_DIR = Path(__file__).resolve().parent.parent


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
