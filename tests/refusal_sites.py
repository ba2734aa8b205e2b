"""The engine's refusal messages as the source code writes them, found by walking the code (ast): every
`RuleRefused`, `BadInput` and `NotFound` raised with a text (a string, an f-string, or a sum of them) in a
module the web application imports (directly or through others), and the pieces such a message is composed
of (the problems a refused import or raise lists, the reasons a step-in threshold names).

Each message becomes a skeleton: its placeholders are filled with sample tokens (`Zq1`, `Zq2`, …) that no
translation knows, so a test can check both that the words around them are translated and that the tokens —
the identifiers, case refs, dates and quoted values a real message carries there — come out untouched. A
placeholder that is a parameter of the enclosing function (`what`, `earliest_what`) is filled, in turn, with
each text literal the engine passes for it, so those phrases are checked in their sentences too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "escalation_engine"
REFUSALS = ("RuleRefused", "BadInput", "NotFound")
# the modules whose lists of problems or reasons are joined into a refusal message
FRAGMENT_MODULES = (
    "escalation_engine/core/sheets.py",
    "escalation_engine/procedures/ladder/rules.py",
    "escalation_engine/procedures/step_in/rules.py",
    "escalation_engine/procedures/kpis/results_import.py",
    "escalation_engine/procedures/kpis/surveys.py",
    "escalation_engine/procedures/kpis/sanction_machine.py",
    "escalation_engine/contracts/participants.py",
)
FRAGMENT_LISTS = ("problems", "missing", "reasons", "parts")


@dataclass(frozen=True)
class Site:
    path: str  # relative to the repository
    line: int
    kind: str  # RuleRefused, BadInput, NotFound, or "fragment"
    skeleton: str  # the text with sample tokens for its placeholders
    tokens: tuple[str, ...]  # the sample tokens put in (each must come out untouched)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    modules = set()
    for dotted in found:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        if dotted:
            modules.add(dotted)
    return modules


def web_reachable() -> dict[str, Path]:
    """The engine's modules the web application imports, directly or through others."""
    known = _modules()
    seen: set[str] = set()
    todo = [name for name in known if name.startswith("escalation_engine.web")]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += sorted(_imports(name, known[name], known) - seen)
    return {name: known[name] for name in sorted(seen)}


class _Filler:
    def __init__(self) -> None:
        self.count = 0

    def token(self) -> str:
        self.count += 1
        return f"Zq{self.count}"


Skeleton = tuple[str, tuple[str, ...]]  # a text with sample tokens, and the tokens


def _skeletons(
    node: ast.expr, param_values: dict[str, list[Skeleton]], filler: _Filler | None = None
) -> list[Skeleton]:
    """The skeletons of a text expression: one per combination of a parameter's literal values."""
    variants: list[tuple[str, tuple[str, ...], dict[str, Skeleton]]] = [("", (), {})]
    filler = filler or _Filler()

    def add_text(text: str) -> None:
        nonlocal variants
        variants = [(done + text, tokens, chosen) for done, tokens, chosen in variants]

    def add_value(expr: ast.expr) -> None:
        nonlocal variants
        name = expr.id if isinstance(expr, ast.Name) else None
        literals = param_values.get(name or "", [])
        if name and literals:
            variants = [
                (done + literal[0], (*tokens, *literal[1]), {**chosen, name: literal})
                for done, tokens, chosen in variants
                for literal in ([chosen[name]] if name in chosen else literals)
            ]
            return
        token = filler.token()
        variants = [(done + token, (*tokens, token), chosen) for done, tokens, chosen in variants]

    def walk(expr: ast.expr) -> None:
        for part in _parts(expr):
            if isinstance(part, str):
                add_text(part)
            else:
                add_value(part)

    walk(node)
    return [(text, tokens) for text, tokens, _ in variants]


def _parts(expr: ast.expr) -> list[str | ast.expr]:
    """A text expression as its literal pieces and the expressions put in between, in order."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.JoinedStr):
        return [
            str(part.value) if isinstance(part, ast.Constant) else part.value
            for part in expr.values
            if isinstance(part, ast.Constant | ast.FormattedValue)
        ]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return [*_parts(expr.left), *_parts(expr.right)]
    return [expr]


def _is_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.BinOp) and (_is_text(node.left) or _is_text(node.right))


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return node.func.attr if isinstance(node.func, ast.Attribute) else None


def _parameters(trees: dict[str, ast.Module]) -> dict[str, list[str]]:
    """Each function's parameter names, by the function's name."""
    params: dict[str, list[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                args = node.args
                params.setdefault(
                    node.name, [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
                )
    return params


def _literal_arguments(trees: dict[str, ast.Module]) -> dict[tuple[str, str], list[Skeleton]]:
    """(function, parameter) → the texts (literals and f-strings, as skeletons) the engine passes for that
    parameter, anywhere; a parameter passed on from the caller's own parameter (`require_line(value, what)`)
    gets the caller's texts too."""
    params = _parameters(trees)
    found: dict[tuple[str, str], set[Skeleton]] = {}
    filler = _Filler()
    passed_on: list[tuple[tuple[str, str], tuple[str, str]]] = []  # (callee, param) ← (caller, its param)
    for tree in trees.values():
        owner = _enclosing(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _callee(node) not in params:
                continue
            callee = _callee(node) or ""
            pairs = list(zip(params[callee], node.args, strict=False))
            pairs += [(k.arg, k.value) for k in node.keywords if k.arg]
            caller = owner[node].name if node in owner else ""
            for name, value in pairs:
                if isinstance(value, ast.Constant | ast.JoinedStr) and _is_text(value):
                    found.setdefault((callee, name), set()).update(_skeletons(value, {}, filler))
                elif isinstance(value, ast.Name) and value.id in params.get(caller, []):
                    passed_on.append(((callee, name), (caller, value.id)))
    for _ in range(3):  # a parameter passed on through up to three functions
        for target, origin in passed_on:
            found.setdefault(target, set()).update(found.get(origin, set()))
    return {key: sorted(values) for key, values in found.items()}


def _enclosing(tree: ast.Module) -> dict[ast.AST, ast.FunctionDef]:
    """Each node's innermost enclosing function."""
    owner: dict[ast.AST, ast.FunctionDef] = {}
    for node in ast.walk(tree):  # outside in: an inner function's nodes are claimed again by it
        if isinstance(node, ast.FunctionDef):
            for inner in ast.walk(node):
                owner[inner] = node
    return owner


def _texts_in(node: ast.expr) -> Iterator[ast.expr]:
    """The text expressions of a list (display or comprehension) or of a conditional expression."""
    if isinstance(node, ast.List):
        for element in node.elts:
            yield from _texts_in(element)
    elif isinstance(node, ast.ListComp):
        yield from _texts_in(node.elt)
    elif isinstance(node, ast.IfExp):
        yield from _texts_in(node.body)
        yield from _texts_in(node.orelse)
    elif _is_text(node):
        yield node


def _fragments(tree: ast.Module) -> Iterator[tuple[ast.expr, int]]:
    """The texts a module puts into a list of problems or reasons, and the texts its functions return."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "append"
            and (getattr(node.func.value, "id", None) or getattr(node.func.value, "attr", None))
            in FRAGMENT_LISTS
            and node.args
        ):
            yield from ((text, node.lineno) for text in _texts_in(node.args[0]))
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if {getattr(t, "id", None) or getattr(t, "attr", None) for t in targets} & set(FRAGMENT_LISTS):
                yield from ((text, node.lineno) for text in _texts_in(node.value))
        elif isinstance(node, ast.Return) and node.value is not None:
            yield from ((text, node.lineno) for text in _texts_in(node.value) if _has_words(text))


def _has_words(node: ast.expr) -> bool:
    """A text with a word of its own (not only placeholders and punctuation)."""
    parts = [node] if isinstance(node, ast.Constant) else getattr(node, "values", [])
    return any(isinstance(p, ast.Constant) and any(c.isalpha() for c in str(p.value)) for p in parts)


def _composed(tree: ast.Module, function: ast.FunctionDef | None, message: ast.expr) -> Iterator[ast.expr]:
    """The texts a message is composed of in its function: a local variable's text (`step`, `what`), the
    text a helper of the same module returns (`_who(actor)`)."""
    helpers = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    for node in ast.walk(message):
        if isinstance(node, ast.Name) and function is not None:
            for assign in ast.walk(function):
                if isinstance(assign, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == node.id for t in assign.targets
                ):
                    yield from (text for text in _texts_in(assign.value) if _has_words(text))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
            for ret in ast.walk(helpers[node.func.id]):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    yield from (text for text in _texts_in(ret.value) if _has_words(text))


def sites() -> list[Site]:
    """Every refusal message (and message piece) of the modules the web application reaches."""
    modules = web_reachable()
    trees = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in modules.items()}
    literals = _literal_arguments(trees)
    found: list[Site] = []
    for name, tree in trees.items():
        path = modules[name].relative_to(ROOT).as_posix()
        owner = _enclosing(tree)
        texts: list[tuple[ast.expr, int, str, ast.AST]] = []
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _callee(node) in REFUSALS
                and node.args
                and _is_text(node.args[0])
            ):
                texts.append((node.args[0], node.lineno, _callee(node) or "", node))
                texts += [
                    (text, node.lineno, "fragment", node)
                    for text in _composed(tree, owner.get(node), node.args[0])
                ]
        if path in FRAGMENT_MODULES:
            texts += [(expr, line, "fragment", expr) for expr, line in _fragments(tree)]
        for expr, line, kind, node in texts:
            function = owner.get(node)
            values: dict[str, list[Skeleton]] = {}
            if function is not None:
                values = {
                    arg.arg: literals.get((function.name, arg.arg), [])
                    for arg in [*function.args.args, *function.args.kwonlyargs]
                }
            for skeleton, tokens in _skeletons(expr, values):
                found.append(Site(path, line, kind, skeleton, tokens))
    return sorted(set(found), key=lambda s: (s.path, s.line, s.skeleton))
