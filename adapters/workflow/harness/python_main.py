# Runs inside the sandbox under `python -I -S`: reads {"code", "inputs", "block_sockets"} as JSON on stdin,
# calls main(**inputs) and writes {"result": ...} or {"error": ...} as JSON on the original stdout. What the
# code prints goes to stderr, so it cannot corrupt the answer. Only the harness's own process answers: a
# process the code forked that returns or raises out of main ends quietly instead of writing a second answer.
import errno
import json
import os
import signal
import sys
import traceback


class CpuLimitExceeded(BaseException):
    """Raised at the soft RLIMIT_CPU (SIGXCPU); a BaseException so `except Exception` in the code lets it by.
    Code that swallows it anyway is killed at the hard limit a second later."""


def _cpu_exhausted(signum, frame):
    raise CpuLimitExceeded()


def _block_sockets():
    import socket

    def refused(*args, **kwargs):
        raise PermissionError("network access is disabled in code nodes")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refused()

    socket.socket = NoSocket
    socket.create_connection = refused
    socket.getaddrinfo = refused
    socket.socketpair = refused
    sys.modules["_socket"] = None


ORIGINAL_PID = os.getpid()


def _answer(payload):
    if os.getpid() != ORIGINAL_PID:
        sys.stderr.flush()
        os._exit(0 if "result" in payload else 1)
    stdout = sys.__stdout__.buffer
    stdout.write(json.dumps(payload, ensure_ascii=True, allow_nan=False).encode())
    stdout.flush()


def _run(request):
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    exec(compile(request["code"], "<code>", "exec"), namespace)
    entry = namespace.get("main")
    if not callable(entry):
        return {"error": "The code must define a function named main"}
    result = entry(**request["inputs"])
    if not isinstance(result, dict):
        return {"error": f"main must return a dict, got {type(result).__name__}"}
    return {"result": result}


def main():
    request = json.loads(sys.stdin.buffer.read())
    sys.stdout = sys.stderr
    if request.get("block_sockets"):
        _block_sockets()
    signal.signal(signal.SIGXCPU, _cpu_exhausted)
    try:
        answer = _run(request)
        json.dumps(answer, allow_nan=False)
    except CpuLimitExceeded:
        answer = {"error": "CPU time limit exceeded", "limit": "cpu"}
    except MemoryError:
        answer = {"error": "MemoryError: the code used more memory than its limit allows"}
    except BlockingIOError as error:  # EAGAIN from fork/clone: the run's process limit (the runner names it)
        limit = {"limit": "processes"} if error.errno == errno.EAGAIN else {}
        answer = {"error": f"{type(error).__name__}: {error}", **limit}
    except BaseException as error:  # everything the author's code raises is reported
        lines = traceback.format_exception(error)
        answer = {"error": f"{type(error).__name__}: {error}", "traceback": "".join(lines[-6:])}
    _answer(answer)


main()
