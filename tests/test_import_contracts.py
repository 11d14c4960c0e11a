"""The direction of imports (docs/architecture.md) as a test: `lint-imports` must pass.

The contracts live in pyproject.toml under [tool.importlinter]: `movies` and `users`
import neither each other nor `lists`; an app's domain (models, services, selectors,
filters) imports no door; a REST door imports no GraphQL door and the other way round;
no product module imports `bench`; the composition (`movie_api`) is above the
apps and the apps above `core`, and inside `core` the response cache is above the
GraphQL machinery, which is above caching. A cycle or a door-to-door import that
comes back fails here with import-linter's report, which names each offending import and line.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_import_contracts_are_kept():
    # given the contracts in pyproject.toml and the code as it is
    # when import-linter checks them (no cache: the graph is built fresh)
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # then every contract is kept
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout
