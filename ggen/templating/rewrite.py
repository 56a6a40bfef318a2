"""Check a parsed Tera template and rewrite it onto :class:`TeraRuntime`.

:func:`check` refuses every Jinja2 construct that Tera does not have, naming
it and its line, so a template never silently renders with Jinja2's meaning.
:func:`rewrite` then replaces variables, ``set``, ``for``, macros, includes,
comparisons and arithmetic with calls into the runtime (see ``dialect``).
"""

from __future__ import annotations

from typing import Any, TypeGuard, cast

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.visitor import NodeTransformer

from ggen.templating.dialect import (
    _GLOBAL_MARK,
    _MACRO_SEPARATOR,
    EXTENSION_ID,
    UnsupportedConstruct,
)

# Jinja2 nodes with no Tera counterpart, and how to name them to a user.
_JINJA_ONLY = {
    "CondExpr": "inline `x if cond else y` expression",
    "Slice": "slice `[a:b]`",
    "Dict": "dict literal `{...}`",
    "Tuple": "tuple",
    "FloorDiv": "`//` operator",
    "Pow": "`**` operator",
    "With": "`{% with %}` block",
    "CallBlock": "`{% call %}` block",
    "FromImport": "`{% from ... import ... %}`",
    "AssignBlock": "block assignment `{% set x %}...{% endset %}`",
    "NSRef": "namespace attribute assignment",
    "ScopedEvalContextModifier": "`{% autoescape %}` block",
    "EvalContextModifier": "`{% autoescape %}` block",
    "Scope": "scoped block",
    "OverlayScope": "overlay scope",
    "ExprStmt": "`{% do %}` statement",
}

_COMPARISONS = {"eq", "ne", "lt", "lteq", "gt", "gteq", "in", "notin"}
_MATH = {"Add": "add", "Sub": "sub", "Mul": "mul", "Div": "div", "Mod": "mod"}


def _refuse(node: nodes.Node, construct: str, name: str | None) -> UnsupportedConstruct:
    """The error for a construct Tera does not support."""
    message = f"{construct} is not supported in Tera templates"
    return UnsupportedConstruct(message, node.lineno, name)


class _Checker:
    """Walks the parsed tree and raises on the first non-Tera construct."""

    def __init__(self, name: str | None) -> None:
        self.name = name

    def check(self, node: nodes.Node, in_loop: bool, top_level: bool) -> None:
        """Check ``node`` and everything under it."""
        kind = type(node).__name__
        if kind in _JINJA_ONLY:
            raise _refuse(node, _JINJA_ONLY[kind], self.name)
        self._check_node(node, in_loop, top_level)
        # Loop targets are names, checked by _check_for; only the rest descends.
        skip = node.target if isinstance(node, nodes.For) else None
        for child in node.iter_child_nodes():
            if child is skip:
                continue
            inner_loop = in_loop or isinstance(node, nodes.For)
            if isinstance(node, nodes.Macro):
                inner_loop = False
            self.check(child, inner_loop, isinstance(node, nodes.Template))

    def _check_node(self, node: nodes.Node, in_loop: bool, top_level: bool) -> None:
        """Rules for single node kinds."""
        if isinstance(node, nodes.Const) and node.value is None:
            raise _refuse(node, "the `none` literal", self.name)
        if isinstance(node, nodes.Filter | nodes.Call) and (
            node.dyn_args or node.dyn_kwargs
        ):
            raise _refuse(node, "`*args`/`**kwargs` in a call", self.name)
        if isinstance(node, nodes.Filter) and node.args:
            raise _refuse(
                node, f"a positional argument to filter `{node.name}`", self.name
            )
        if isinstance(node, nodes.Call):
            self._check_call(node)
        if isinstance(node, nodes.Compare) and len(node.ops) != 1:
            raise _refuse(node, "a chained comparison", self.name)
        if isinstance(node, nodes.For):
            self._check_for(node)
        if isinstance(node, nodes.Assign) and not isinstance(node.target, nodes.Name):
            raise _refuse(node, "assigning to several names at once", self.name)
        if isinstance(node, nodes.Macro) and not top_level:
            raise _refuse(node, "a macro defined inside another block", self.name)
        if isinstance(node, nodes.Break | nodes.Continue) and not in_loop:
            word = "break" if isinstance(node, nodes.Break) else "continue"
            raise _refuse(node, f"`{{% {word} %}}` outside a loop", self.name)
        if isinstance(node, nodes.Test) and node.kwargs:
            raise _refuse(node, f"named arguments to test `{node.name}`", self.name)

    def _check_call(self, node: nodes.Call) -> None:
        """Calls are functions or macros by name, with named arguments only."""
        if not isinstance(node.node, nodes.Name):
            raise _refuse(node, "calling a method or an expression", self.name)
        if node.node.name == "super":
            return
        if node.args:
            what = node.node.name
            raise _refuse(
                node, f"a positional argument in the call to `{what}`", self.name
            )

    def _check_for(self, node: nodes.For) -> None:
        """``for x in ...`` or ``for k, v in ...``, without Jinja2 extras."""
        if node.test is not None:
            raise _refuse(node, "a loop filter `{% for x in y if cond %}`", self.name)
        if node.recursive:
            raise _refuse(node, "a recursive loop", self.name)
        target = node.target
        if isinstance(target, nodes.Name):
            return
        items = target.items if isinstance(target, nodes.Tuple) else []
        if len(items) != 2 or not all(isinstance(i, nodes.Name) for i in items):
            raise _refuse(node, "this loop target", self.name)


def check(tree: nodes.Template, name: str | None) -> None:
    """Raise :class:`UnsupportedConstruct` for the first non-Tera construct."""
    checker = _Checker(name)
    for child in tree.body:
        checker.check(child, in_loop=False, top_level=True)


def _ext(name: str, lineno: int) -> nodes.ExtensionAttribute:
    """The runtime helper ``name``."""
    return nodes.ExtensionAttribute(EXTENSION_ID, name, lineno=lineno)


def _call(helper: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    """A call of a runtime helper with positional arguments."""
    return nodes.Call(_ext(helper, lineno), args, [], None, None, lineno=lineno)


def _context(lineno: int) -> nodes.ContextReference:
    """The running template context."""
    return nodes.ContextReference(lineno=lineno)


def _const(value: Any, lineno: int) -> nodes.Const:
    """A constant."""
    return nodes.Const(value, lineno=lineno)


class _Rewriter(NodeTransformer):
    """Turns a checked template into calls of the Tera runtime."""

    def __init__(self, next_loop_id: Any) -> None:
        self.next_loop_id = next_loop_id

    def _statements(self, items: list[nodes.Node]) -> list[nodes.Node]:
        """Rewrite a statement list (a visit may return several statements)."""
        out: list[nodes.Node] = []
        for item in items:
            result = self.visit(item)
            if isinstance(result, list):
                out.extend(result)
            elif result is not None:
                out.append(result)
        return out

    def visit_Template(self, node: nodes.Template) -> nodes.Template:
        """Rewrite the body, with macros first: Tera macros exist before use."""
        body = self._statements(node.body)
        macros = [n for n in body if isinstance(n, nodes.Macro | nodes.Import)]
        node.body = macros + [n for n in body if n not in macros]
        return node

    def visit_Name(self, node: nodes.Name) -> nodes.Expr:
        """A variable read becomes a frame lookup."""
        if node.ctx != "load":
            return node
        return _call(
            "lookup",
            [_context(node.lineno), _const(node.name, node.lineno)],
            node.lineno,
        )

    def visit_Getattr(self, node: nodes.Getattr) -> nodes.Expr:
        """``a.b`` becomes one path lookup."""
        return self._path(node)

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Expr:
        """``a["b"]`` becomes one path lookup."""
        return self._path(node)

    def _path(self, node: nodes.Getattr | nodes.Getitem) -> nodes.Expr:
        """A chain of ``.x`` and ``[y]`` rooted at a variable, as one lookup."""
        keys: list[nodes.Expr] = []
        current: nodes.Node = node
        while isinstance(current, nodes.Getattr | nodes.Getitem):
            if isinstance(current, nodes.Getattr):
                keys.append(_const(current.attr, current.lineno))
            else:
                keys.append(self.visit(current.arg))
            current = current.node
        keys.reverse()
        if isinstance(current, nodes.Name) and current.ctx == "load":
            root = _const(current.name, node.lineno)
            return _call("lookup", [_context(node.lineno), root, *keys], node.lineno)
        value: nodes.Expr = self.visit(current)
        for key in keys:
            value = _call("item", [value, key], node.lineno)
        return value

    def visit_Call(self, node: nodes.Call) -> nodes.Expr:
        """Function and macro calls by name, with their named arguments."""
        target = node.node
        assert isinstance(target, nodes.Name)  # the checker guarantees it
        if target.name == "super":
            return node
        kwargs = [self.visit(keyword) for keyword in node.kwargs]
        line = node.lineno
        if _MACRO_SEPARATOR in target.name:
            namespace, name = target.name.split(_MACRO_SEPARATOR, 1)
            args = [_context(line), _const(namespace, line), _const(name, line)]
            callee = _call("macro", args, line)
        else:
            callee = _call("function", [_const(target.name, line)], line)
        return nodes.Call(callee, [], kwargs, None, None, lineno=line)

    def visit_Assign(self, node: nodes.Assign) -> nodes.Node:
        """``set`` and ``set_global`` store into Tera frames."""
        assert isinstance(node.target, nodes.Name)
        name = node.target.name
        is_global = name.startswith(_GLOBAL_MARK)
        name = name.removeprefix(_GLOBAL_MARK)
        line = node.lineno
        value = self.visit(node.node)
        args = [_context(line), _const(name, line), value, _const(is_global, line)]
        return nodes.ExprStmt(_call("assign", args, line), lineno=line)

    def visit_For(self, node: nodes.For) -> list[nodes.Node]:
        """A loop driven by the runtime, which pushes and resets its frame."""
        line = node.lineno
        key_name: str | None = None
        if isinstance(node.target, nodes.Tuple):
            key, value = node.target.items
            assert isinstance(key, nodes.Name) and isinstance(value, nodes.Name)
            key_name, value_name = key.name, value.name
        else:
            assert isinstance(node.target, nodes.Name)
            value_name = node.target.name
        loop_id = self.next_loop_id()
        args = [
            _context(line),
            self.visit(node.iter),
            _const(key_name, line),
            _const(value_name, line),
            _const(loop_id, line),
        ]
        step = nodes.Name("_tera_step", "store", lineno=line)
        body, else_ = self._statements(node.body), self._statements(node.else_)
        loop = nodes.For(
            step, _call("loop", args, line), body, else_, None, False, lineno=line
        )
        done = _call("loop_done", [_context(line), _const(loop_id, line)], line)
        return [loop, nodes.ExprStmt(done, lineno=line)]

    def visit_Macro(self, node: nodes.Macro) -> nodes.Macro:
        """A macro body runs in its own frame holding just its arguments."""
        line = node.lineno
        pairs = [
            nodes.Pair(
                _const(arg.name, line), nodes.Name(arg.name, "load", lineno=line)
            )
            for arg in node.args
        ]
        arguments = nodes.Dict(pairs, lineno=line)
        enter_args = [_context(line), _const(node.name, line), arguments]
        enter = nodes.ExprStmt(_call("enter_macro", enter_args, line), lineno=line)
        leave = nodes.ExprStmt(
            _call("leave_macro", [_context(line)], line), lineno=line
        )
        node.defaults = [self.visit(default) for default in node.defaults]
        node.body = [enter, *self._statements(node.body), leave]
        return node

    def visit_Include(self, node: nodes.Include) -> nodes.Output:
        """Include renders inside the current frames, as Tera does."""
        line = node.lineno
        args = [
            _context(line),
            self.visit(node.template),
            _const(node.ignore_missing, line),
        ]
        return nodes.Output([_call("include", args, line)], lineno=line)

    def visit_Import(self, node: nodes.Import) -> nodes.Import:
        """Imported macros see the render context, as in Tera."""
        node.with_context = True
        return node

    def visit_Compare(self, node: nodes.Compare) -> nodes.Expr:
        """Comparisons with Tera's rules."""
        operand = node.ops[0]
        line = node.lineno
        if operand.op not in _COMPARISONS:
            raise UnsupportedConstruct(f"operator `{operand.op}`", line)
        args = [
            _const(operand.op, line),
            self.visit(node.expr),
            self.visit(operand.expr),
        ]
        return _call("compare", args, line)

    def visit_BinExpr(self, node: nodes.BinExpr) -> nodes.Expr:
        """Arithmetic with Tera's rules."""
        line = node.lineno
        operation = _MATH[type(node).__name__]
        args = [_const(operation, line), self.visit(node.left), self.visit(node.right)]
        return _call("math", args, line)

    visit_Add = visit_Sub = visit_Mul = visit_Div = visit_Mod = visit_BinExpr

    def visit_Neg(self, node: nodes.Neg) -> nodes.Expr:
        """Unary minus."""
        return _call("negate", [self.visit(node.node)], node.lineno)

    def visit_Pos(self, node: nodes.Pos) -> nodes.Expr:
        """Unary plus changes nothing."""
        result: nodes.Expr = self.visit(node.node)
        return result

    def visit_Concat(self, node: nodes.Concat) -> nodes.Expr:
        """``~`` joins strings and numbers."""
        return _call("concat", [self.visit(part) for part in node.nodes], node.lineno)

    def _truth(self, expr: nodes.Expr) -> nodes.Expr:
        """Tera truthiness of a rewritten expression."""
        value: nodes.Expr = self.visit(expr)
        # A comparison, or and/or/not of truth values, is already a bool,
        # which truth() would hand back unchanged.
        if _is_helper_call(value, "compare") or isinstance(
            value, nodes.And | nodes.Or | nodes.Not
        ):
            return value
        return _call("truth", [value], expr.lineno)

    def visit_And(self, node: nodes.And) -> nodes.Expr:
        """``and`` on Tera truth values."""
        return nodes.And(
            self._truth(node.left), self._truth(node.right), lineno=node.lineno
        )

    def visit_Or(self, node: nodes.Or) -> nodes.Expr:
        """``or`` on Tera truth values."""
        return nodes.Or(
            self._truth(node.left), self._truth(node.right), lineno=node.lineno
        )

    def visit_Not(self, node: nodes.Not) -> nodes.Expr:
        """``not`` on a Tera truth value."""
        return nodes.Not(self._truth(node.node), lineno=node.lineno)

    def visit_Output(self, node: nodes.Output) -> nodes.Output:
        """A printed variable path becomes one ``show`` call, not two steps."""
        printed: list[nodes.Expr] = []
        for child in node.nodes:
            result = self.visit(child)
            if _is_helper_call(result, "lookup"):
                result = _call("show", result.args, result.lineno)
            printed.append(result)
        node.nodes = printed
        return node

    def visit_If(self, node: nodes.If) -> nodes.If:
        """Conditions use Tera truthiness."""
        node.test = self._truth(cast(nodes.Expr, node.test))
        node.body = self._statements(node.body)
        node.elif_ = [self.visit(branch) for branch in node.elif_]
        node.else_ = self._statements(node.else_)
        return node


def rewrite(tree: nodes.Template, next_loop_id: Any) -> nodes.Template:
    """Rewrite a checked Tera template onto the runtime helpers."""
    result = _Rewriter(next_loop_id).visit(tree)
    assert isinstance(result, nodes.Template)
    return result


def _is_helper_call(node: object, helper: str | None = None) -> TypeGuard[nodes.Call]:
    """Whether ``node`` calls a runtime helper (``helper``, or any of them)."""
    if not isinstance(node, nodes.Call):
        return False
    target = node.node
    return (
        isinstance(target, nodes.ExtensionAttribute)
        and target.identifier == EXTENSION_ID
        and (helper is None or target.name == helper)
        and not (node.kwargs or node.dyn_args or node.dyn_kwargs)
    )


# Jinja2 names its own locals l_*, t_* and a few fixed words; this is none.
_RUNTIME_LOCAL = "tera_runtime"


class TeraCodeGenerator(CodeGenerator):
    """Jinja2's code generator, calling the runtime helpers directly.

    Jinja2 routes every call through ``context.call``, which inspects the
    callee for ``pass_context`` markers on each call. The helpers carry no
    such marker and take the context as an explicit argument, so a direct call
    means the same and is the largest saving per printed variable. Calls of
    template functions and macros still go through ``context.call``.
    """

    def visit_Call(
        self, node: nodes.Call, frame: Frame, forward_caller: bool = False
    ) -> None:
        """A helper call as a plain Python call; anything else as Jinja2 does."""
        if forward_caller or not _is_helper_call(node):
            # Jinja2's visit_Call is wrapped: it takes this flag by keyword only.
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.visit(node.node, frame)
        self.write("(")
        for index, arg in enumerate(node.args):
            if index:
                self.write(", ")
            self.visit(arg, frame)
        self.write(")")

    def write_commons(self) -> None:
        """Jinja2's preamble of root and block functions, plus the runtime."""
        super().write_commons()
        # One local instead of a global, a dict and an attribute per call;
        # macros are nested in root, so they see it too.
        self.writeline(f"{_RUNTIME_LOCAL} = environment.extensions[{EXTENSION_ID!r}]")

    def visit_ExtensionAttribute(
        self, node: nodes.ExtensionAttribute, frame: Frame
    ) -> None:
        """A runtime helper through the local bound in :meth:`write_commons`."""
        if node.identifier != EXTENSION_ID:
            super().visit_ExtensionAttribute(node, frame)
            return
        self.write(f"{_RUNTIME_LOCAL}.{node.name}")

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        """``show`` already returns the printed text: no ``str``, no finalize."""
        if not _prints_itself(node, frame):
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        """The closing half of :meth:`_output_child_pre`."""
        if not _prints_itself(node, frame):
            super()._output_child_post(node, frame, finalize)


def _prints_itself(node: nodes.Expr, frame: Frame) -> bool:
    """Whether an output child is a ``show`` call in a frame that never escapes."""
    context = frame.eval_ctx
    plain = not (context.volatile or context.autoescape)
    return plain and _is_helper_call(node, "show")
