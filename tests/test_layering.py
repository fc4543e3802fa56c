"""The layering rule: request code never imports the offline tools.

Request code is everything a web process runs: views, urls, forms, template tags, admin,
context processors, the services views call, models and settings. The offline tools are
the importers and the demo data (ingest/) and the load bench (loadbench/): thousands of
lines that no request needs, which must be free to change without touching a page.

Checked twice: statically, following every import of every request module to the end
(so a test names the chain that breaks the rule), and in a fresh process that loads
the whole site as a web server would and lists the modules it imported.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUEST_APPS = ("config", "pages", "benchmarks", "models_registry", "submissions")
OFFLINE_PACKAGES = ("ingest", "loadbench")
# What Django itself loads of the offline apps in every process: their app configs and
# the (empty) packages around them. Nothing here may import an importer or the bench.
LOADED_BY_DJANGO = {
    "ingest",
    "ingest.apps",
    "ingest.models",
    "ingest.admin",
    "loadbench",
    "loadbench.apps",
    "loadbench.models",
    "loadbench.admin",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in (*REQUEST_APPS, *OFFLINE_PACKAGES):
        for path in (ROOT / app).rglob("*.py"):
            modules[module_name(path)] = path
    return modules


MODULES = project_modules()


def is_request_module(name: str) -> bool:
    if name.split(".")[0] not in REQUEST_APPS:
        return False
    # Migrations and commands run from a shell, never in a request.
    return ".migrations" not in name and ".management" not in name


def is_offline(name: str) -> bool:
    return name.split(".")[0] in OFFLINE_PACKAGES and name not in LOADED_BY_DJANGO


def imports_of(name: str) -> set[str]:
    """The project modules a module imports, at any depth of its code (functions too)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # `from package import module` imports the module; `from module import name`
            # the module itself.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            if target in MODULES:
                found.add(target)
    return found


def offline_chain(start: str) -> list[str] | None:
    """The first chain of imports from `start` to an offline module, or None."""
    seen = {start}
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        for imported in sorted(imports_of(path[-1])):
            if imported in seen:
                continue
            if is_offline(imported):
                return [*path, imported]
            seen.add(imported)
            paths.append([*path, imported])
    return None


REQUEST_MODULES = sorted(name for name in MODULES if is_request_module(name))


def test_the_request_apps_are_all_walked():
    """The walk covers every request app and finds their views (a broken walk finds none)."""
    walked_apps = {name.split(".")[0] for name in REQUEST_MODULES}
    assert walked_apps == set(REQUEST_APPS)
    assert {"benchmarks.views", "pages.views", "submissions.views"} <= set(REQUEST_MODULES)
    assert "pages.templatetags.benchboard" in REQUEST_MODULES


@pytest.mark.parametrize("name", REQUEST_MODULES)
def test_request_code_never_imports_the_offline_tools(name):
    assert offline_chain(name) is None, " imports ".join(offline_chain(name))


def test_the_walk_finds_an_offline_import(tmp_path, monkeypatch):
    """The static check can fail: a view that imports the importer is caught, with its chain."""
    view = tmp_path / "view.py"
    view.write_text(
        "from benchmarks.models import Result\n\ndef f():\n    from ingest import llmstats\n"
    )
    helper = tmp_path / "helper.py"
    helper.write_text("from pages.view import f\n")
    monkeypatch.setitem(MODULES, "pages.view", view)
    monkeypatch.setitem(MODULES, "pages.helper", helper)
    assert offline_chain("pages.helper") == ["pages.helper", "pages.view", "ingest.llmstats"]


SITE_LOADER = """
import json, sys
import django
django.setup()
from django.template import engines
from django.urls import get_resolver
import config.wsgi

def every_view(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            every_view(pattern)
        else:
            pattern.callback

every_view(get_resolver())
# Every template tag library, as the first render would load them.
engines["django"].engine.template_libraries
print(json.dumps(sorted(sys.modules)))
"""


def test_a_web_process_loads_no_offline_tool():
    """The site as a web server loads it (settings, apps, admin, every URL's view, every
    template library) imports no importer, demo data or bench module."""
    loaded = subprocess.run(
        [sys.executable, "-c", SITE_LOADER],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1", "PATH": ""},
    )
    modules = json.loads(loaded.stdout)
    assert "benchmarks.views" in modules
    assert "pages.templatetags.benchboard" in modules
    offline = [name for name in modules if name in MODULES and is_offline(name)]
    assert offline == []
