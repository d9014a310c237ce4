"""A safe evaluator for arithmetic expressions (the `maths` tool): Python's own parser, then a walk over an
allow-list of nodes. No names but the listed functions and constants, no attributes, no calls of anything
else, and bounds on size so `9**9**9` cannot stall the process."""

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

MAX_LENGTH = 1000
MAX_EXPONENT = 10_000
MAX_MAGNITUDE = 1e300

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "log": math.log,
    "log10": math.log10,
    "log2": math.log2,
    "exp": math.exp,
    "abs": abs,
    "round": round,
    "floor": math.floor,
    "ceil": math.ceil,
    "min": min,
    "max": max,
    "pow": pow,
    "factorial": math.factorial,
}
CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}


class ExpressionError(ValueError):
    """The expression is not plain arithmetic, or its value is undefined or too large."""


def _check(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExpressionError("the expression must be a number")
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ExpressionError("the result is not a finite number")
    if abs(value) > MAX_MAGNITUDE:
        raise ExpressionError("the result is too large")
    return value


def _power(base: Any, exponent: Any) -> Any:
    if abs(exponent) > MAX_EXPONENT or (abs(base) > 1 and abs(exponent) * math.log10(abs(base)) > 300):
        raise ExpressionError("the power is too large")
    return base**exponent


def _walk(node: ast.AST) -> Any:
    if isinstance(node, ast.Expression):
        return _walk(node.body)
    if isinstance(node, ast.Constant):
        return _check(node.value)
    if isinstance(node, ast.Name):
        if node.id not in CONSTANTS:
            raise ExpressionError(f"unknown name {node.id!r}")
        return CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _check(_UNARY[type(node.op)](_walk(node.operand)))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _walk(node.left), _walk(node.right)
        if isinstance(node.op, ast.Pow):
            return _check(_power(left, right))
        return _check(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        function = FUNCTIONS.get(node.func.id)
        if function is None:
            raise ExpressionError(f"unknown function {node.func.id!r}")
        arguments = [_walk(a) for a in node.args]
        if node.func.id == "factorial" and (len(arguments) != 1 or arguments[0] > 170):
            raise ExpressionError("factorial takes one number up to 170")
        if node.func.id == "pow" and len(arguments) == 2:
            return _check(_power(*arguments))
        return _check(function(*arguments))
    raise ExpressionError(f"{type(node).__name__} is not allowed in an expression")


def evaluate(expression: str) -> int | float:
    """The value of an arithmetic expression (`2 * (3 + 4)`, `sqrt(2) ** 2`, `10 % 3`, `pi * 2`); `^` is
    read as a power, as people write it. Raises ExpressionError for anything else."""
    text = (expression or "").strip().replace("^", "**")
    if not text:
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ExpressionError("the expression is not valid arithmetic") from None
    try:
        return _walk(tree)
    except ZeroDivisionError:
        raise ExpressionError("division by zero") from None
    except (ValueError, TypeError, OverflowError) as error:
        if isinstance(error, ExpressionError):
            raise
        raise ExpressionError(str(error)) from None
