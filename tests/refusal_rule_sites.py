"""The rules the engine's refusals name (`EngineError.rule`) as the source code writes them, found by walking
the code (ast): the `rule=` of every exception of the engine's tree (`EngineError` and its subclasses, by
class name) raised anywhere in the package, each marked with whether the web application reaches its module
(`refusal_sites.web_reachable`).

A rule is a text (a string, an f-string, a sum of them) or a name for one: a module's constant (`RULE`), a
local variable (`verb`), a module's table looked up (`KIND_NAMES[kind]`: each of its values), or a parameter
of the enclosing function — `fire(..., rule="respond")` raises `f"wrong state ({rule})"` — filled with every
text the engine passes for it at the calls that reach that very function (its module's own or imported, so
the three `require_role` of the ladder, the plans and step-in stay apart), also when a caller passes on its
own parameter. Any other placeholder becomes a sample token (`Zq1`, …) no translation knows, so a test can
check that the words around it are translated and the token comes out untouched. A rule taken over from
elsewhere (`exc.rule`, `timer.rule`: another refusal's, a stored deadline's) is no text of its own here: it
is checked where it is written.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass
from pathlib import Path

from refusal_sites import ROOT, _enclosing, _parts, module_name, web_reachable

PACKAGE = ROOT / "escalation_engine"
ROUNDS = 4  # a parameter passed on through up to four functions

Skeleton = tuple[str, tuple[str, ...]]  # a text with sample tokens, and the tokens
Key = tuple[str, str]  # (module, function)


@dataclass(frozen=True)
class RuleSite:
    path: str  # relative to the repository
    line: int
    skeleton: str  # the rule with sample tokens for its placeholders
    tokens: tuple[str, ...]  # the sample tokens put in (each must come out untouched)
    web: bool  # the web application reaches the module


def _base(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


class _Code:
    """The package's modules, their functions and imported names, and the texts passed for parameters."""

    def __init__(self) -> None:
        self.paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
        self.trees = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in self.paths.items()}
        self.functions: dict[Key, ast.FunctionDef] = {}
        self.names: dict[str, dict[str, Key]] = {}  # per module: a name it calls by → the function's key
        self.constants: dict[str, dict[str, ast.expr]] = {}  # per module: its top-level constants
        self.owner = {name: _enclosing(tree) for name, tree in self.trees.items()}
        self.tokens: dict[int, str] = {}
        for name, tree in self.trees.items():
            self.names[name] = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef):
                    self.functions.setdefault((name, node.name), node)
                    self.names[name].setdefault(node.name, (name, node.name))
                elif isinstance(node, ast.ImportFrom):
                    base = _base(name, self.paths[name], node)
                    for alias in node.names:
                        self.names[name][alias.asname or alias.name] = (base, alias.name)
            self.constants[name] = {
                target.id: node.value
                for node in tree.body
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
        self.arguments: dict[tuple[Key, str], list[Skeleton]] = {}
        for _ in range(ROUNDS):
            self.arguments = self._arguments()

    def resolve(self, module: str, name: str) -> Key | None:
        """The function `name` means in `module` (an import followed through re-exports)."""
        key = self.names.get(module, {}).get(name)
        for _ in range(5):
            if key is None or key in self.functions:
                return key
            key = self.names.get(key[0], {}).get(key[1])
        return None

    def token(self, node: ast.AST) -> Skeleton:
        """A sample token for a placeholder the walk cannot fill (the same one each time for one node)."""
        token = self.tokens.setdefault(id(node), f"Zq{len(self.tokens) + 1}")
        return token, (token,)

    def texts(
        self, expr: ast.expr, module: str, function: ast.FunctionDef | None, depth: int = 0
    ) -> list[Skeleton]:
        """Every text `expr` can be (none: not a text of its own)."""
        if depth > 6:
            return []
        if isinstance(expr, ast.IfExp):
            return [
                *self.texts(expr.body, module, function, depth + 1),
                *self.texts(expr.orelse, module, function, depth + 1),
            ]
        if isinstance(expr, ast.Name):
            return self._named(expr.id, module, function, depth)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
            table = self.constants[module].get(expr.value.id)
            if isinstance(table, ast.Dict):
                return [text for value in table.values for text in self.texts(value, module, None, depth + 1)]
            return []
        parts = _parts(expr)
        if parts == [expr] and not (isinstance(expr, ast.Constant) and isinstance(expr.value, str)):
            return []
        pieces: list[list[Skeleton]] = []
        for part in parts:
            if isinstance(part, str):
                pieces.append([(part, ())])
            else:
                pieces.append(self.texts(part, module, function, depth + 1) or [self.token(part)])
        return sorted(
            {
                ("".join(t for t, _ in combo), tuple(k for _, ks in combo for k in ks))
                for combo in itertools.product(*pieces)
            }
        )

    def _named(self, name: str, module: str, function: ast.FunctionDef | None, depth: int) -> list[Skeleton]:
        if function is not None:
            if name in _parameter_names(function):
                return self.arguments.get(((module, function.name), name), [])
            assigned = [
                node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            ]
            if assigned:
                return [text for value in assigned for text in self.texts(value, module, function, depth + 1)]
        constant = self.constants[module].get(name)
        return self.texts(constant, module, None, depth + 1) if constant is not None else []

    def _arguments(self) -> dict[tuple[Key, str], list[Skeleton]]:
        found: dict[tuple[Key, str], set[Skeleton]] = {}
        for module, tree in self.trees.items():
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                key = self.resolve(module, node.func.id)
                if key is None:
                    continue
                caller = self.owner[module].get(node)
                pairs = list(zip(_parameter_names(self.functions[key]), node.args, strict=False))
                pairs += [(k.arg, k.value) for k in node.keywords if k.arg]
                for param, value in pairs:
                    texts = self.texts(value, module, caller)
                    if texts:
                        found.setdefault((key, param), set()).update(texts)
        return {key: sorted(values) for key, values in found.items()}


def _parameter_names(function: ast.FunctionDef) -> list[str]:
    args = function.args
    return [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]


def _exceptions(code: _Code) -> set[str]:
    """The names of `EngineError` and every class of the package derived from it."""
    bases = {
        node.name: {
            base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases
        }
        for tree in code.trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    found = {"EngineError"}
    while grown := {name for name, of in bases.items() if of & found} - found:
        found |= grown
    return found


def rule_sites() -> list[RuleSite]:
    """Every rule a refusal of the engine names, with whether a web page can show it."""
    code = _Code()
    exceptions = _exceptions(code)
    web = set(web_reachable())
    found: set[RuleSite] = set()
    for module, tree in code.trees.items():
        path = code.paths[module].relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if callee not in exceptions:
                continue
            for keyword in node.keywords:
                if keyword.arg == "rule":
                    for skeleton, tokens in code.texts(keyword.value, module, code.owner[module].get(node)):
                        found.add(RuleSite(path, node.lineno, skeleton, tokens, module in web))
    return sorted(found, key=lambda s: (s.path, s.line, s.skeleton))
