"""TemplateRenderer on Jinja2's ImmutableSandboxedEnvironment.

The sandbox refuses access to private attributes (`__class__`, `__globals__` …), calls of unsafe callables
and mutation of the inputs (no `list.append`, `dict.update`). On top of it, `*` and `**` are intercepted so a
template cannot allocate a gigabyte string (`"a" * 10**10`) or compute a huge power inside weir's process.
Not isolated: CPU time. A template that loops for long runs in a worker thread that cannot be killed; the
sandbox's range() cap (100 000 items) keeps a single loop bounded.
"""

import asyncio
import functools
from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from domain.workflows.sandbox import TemplateFailed

MAX_REPEATED_LENGTH = 1_000_000
MAX_EXPONENT = 10_000


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, (str, list, tuple))
                    and isinstance(times, int)
                    and len(seq) * times > MAX_REPEATED_LENGTH
                ):
                    raise SecurityError(f"the result of * would be longer than {MAX_REPEATED_LENGTH}")
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponents above {MAX_EXPONENT} are not allowed")
        return super().call_binop(context, operator, left, right)


class SandboxedJinjaRenderer:
    def __init__(self, cache_size: int = 256) -> None:
        self._env = _BoundedEnvironment(autoescape=False, keep_trailing_newline=True)
        self._compile = functools.lru_cache(maxsize=cache_size)(self._env.from_string)

    async def render(self, template: str, variables: Mapping[str, Any]) -> str:
        return await asyncio.to_thread(self.render_now, template, variables)

    def render_now(self, template: str, variables: Mapping[str, Any]) -> str:
        try:
            return self._compile(template).render(**dict(variables))
        except TemplateError as error:
            raise TemplateFailed(f"{type(error).__name__}: {error}") from None
        except Exception as error:  # an error inside the template (1/0, bad filter argument …) is the author's
            raise TemplateFailed(f"{type(error).__name__}: {error}") from None
