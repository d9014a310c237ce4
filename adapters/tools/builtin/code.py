"""The `code` builtin: simple_code runs a script (Python or JavaScript) in the code sandbox and answers with
what it printed. The script is wrapped in the `main` the CodeRunner port calls, which captures its output."""

import json
from collections.abc import Mapping
from typing import Any

from adapters.tools.builtin.base import BuiltinProvider, BuiltinTool, param
from domain.tools.entities import ParameterForm, ParameterType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolInvokeError
from domain.workflows.sandbox import CodeExecutionFailed, CodeRunner

_PYTHON = """
def main(script: str) -> dict:
    import contextlib, io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(script, "<simple_code>", "exec"), {"__name__": "__main__"})
    return {"stdout": out.getvalue()}
"""

_JAVASCRIPT = """
async function main({ script }) {
  const lines = [];
  const saved = console.log;
  console.log = (...args) => lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  try {
    await new Function(script)();
  } finally {
    console.log = saved;
  }
  return { stdout: lines.length ? lines.join("\\n") + "\\n" : "" };
}
"""


def code_provider(runner: CodeRunner) -> BuiltinProvider:
    async def simple_code(parameters: Mapping[str, Any], _: ToolInvocation) -> list[ToolMessage]:
        language = str(parameters.get("language") or "python3")
        if language not in runner.languages():
            raise ToolInvokeError(f"Unsupported language: {language}")
        wrapper = _PYTHON if language == "python3" else _JAVASCRIPT
        try:
            result = await runner.run(language, wrapper, {"script": str(parameters.get("code") or "")})
        except CodeExecutionFailed as error:
            raise ToolInvokeError(f"Code failed: {error.message}") from None
        stdout = result.get("stdout")
        return [ToolMessage.of_text(stdout if isinstance(stdout, str) else json.dumps(stdout))]

    return BuiltinProvider(
        ToolProviderInfo(
            id="code",
            type="builtin",
            name="code",
            label="Code Interpreter",
            plugin_id="langgenius/code",
            description="Run a piece of code and get the result back.",
        ),
        [
            BuiltinTool(
                Tool(
                    "simple_code",
                    "Code Interpreter",
                    "Runs code in a sandbox and returns what it printed.",
                    (
                        param(
                            "language",
                            ParameterType.SELECT,
                            form=ParameterForm.LLM,
                            required=True,
                            default="python3",
                            options=("python3", "javascript"),
                            description="python3 or javascript",
                        ),
                        param("code", required=True, description="The code; print what you want back"),
                    ),
                ),
                simple_code,
            )
        ],
    )
