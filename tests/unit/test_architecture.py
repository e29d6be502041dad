"""The imports run one way: data_access → domain → usecases → layouts → callbacks → web, entry points on top.

Read from the source (every import statement, including the ones inside functions), so a lazy import cannot hide
a backwards dependency.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("board", "callbacks", "layouts", "data_access")

# lower may be imported by higher; the same rank may import each other
RANKS = [
    ("data_access", 0),
    ("board.config", 1),
    ("board.domain", 1),
    ("board.usecases", 2),
    ("layouts", 3),
    ("callbacks", 4),
    ("board.web", 5),
    ("board.ingest", 6),
    ("board.reports", 6),
    ("board.demo", 6),
    ("board.cli", 7),
    ("board.wsgi", 7),
    ("board", 0),  # the package itself holds only __version__
]
# what the pure domain must never touch
DOMAIN_FORBIDDEN = ("dash", "dash_bootstrap_components", "dash_ag_grid", "plotly", "sqlalchemy", "flask", "requests")


def _rank(module: str) -> int:
    for prefix, rank in RANKS:
        if module == prefix or module.startswith(prefix + "."):
            return rank
    raise AssertionError(f"{module} belongs to no layer; add it to RANKS")


def _modules():
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            yield ".".join(parts), path


def _imports(module: str, path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from pkg import mod` imports the submodule: judge by it when it exists
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                sub_path = ROOT / sub.replace(".", "/")
                yield (sub if sub_path.with_suffix(".py").exists() or sub_path.is_dir() else target), node.lineno


def test_every_module_belongs_to_a_layer():
    for module, _ in _modules():
        _rank(module)


def test_imports_run_one_way():
    wrong = []
    for module, path in _modules():
        own = _rank(module)
        for target, line in _imports(module, path):
            if target.split(".")[0] not in PACKAGES:
                continue
            if _rank(target) > own:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {module} (rank {own}) imports {target}")
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_domain_is_pure():
    wrong = []
    for module, path in _modules():
        if not module.startswith("board.domain"):
            continue
        for target, line in _imports(module, path):
            top = target.split(".")[0]
            if top in DOMAIN_FORBIDDEN or top == "data_access":
                wrong.append(f"{path.relative_to(ROOT)}:{line}: imports {target}")
    assert not wrong, "board/domain must not do I/O or presentation:\n" + "\n".join(wrong)


@pytest.mark.parametrize("limit", [300])
def test_no_module_over_the_limit(limit):
    long = [f"{p.relative_to(ROOT)}: {n} lines" for _, p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > limit]  # fmt: skip
    assert not long, f"modules over {limit} lines:\n" + "\n".join(long)


def test_the_check_sees_a_backwards_import(tmp_path):
    # the walker must notice what it is there to catch, lazy imports included
    path = tmp_path / "rules.py"
    path.write_text("def f():\n    from layouts.theme import register_templates\n", encoding="utf-8")
    targets = [t for t, _ in _imports("board.domain.rules", path)]
    assert "layouts.theme" in targets and _rank("layouts.theme") > _rank("board.domain.rules")
