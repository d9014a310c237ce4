# Runs inside the sandbox under `python -I -S`: reads {"code", "inputs", "block_sockets", "site_packages",
# "proxy_socket"} as JSON on stdin,
# calls main(**inputs) and writes {"result": ...} or {"error": ...} as JSON on the original stdout. What the
# code prints goes to stderr, so it cannot corrupt the answer. Only the harness's own process answers: a
# process the code forked that returns or raises out of main ends quietly instead of writing a second answer.
import contextlib
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


def _add_packages(folders):
    # The packages' virtualenv (bound read-only): its site-packages on sys.path as a venv's would be, .pth
    # files included. `import site` under -S does not run site.main(), so nothing else of the host comes in.
    import site

    for folder in folders:
        site.addsitedir(folder)


def _relay_to_proxy(path):
    # The network namespace has only a loopback: a listener on 127.0.0.1 here, relayed to the egress proxy's
    # unix socket, is the code's HTTP_PROXY/HTTPS_PROXY. One thread (a selector) serves every connection, so
    # the relay costs the run's process budget one task however many requests the code makes.
    import selectors
    import socket
    import threading

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)

    def close(a, b):
        for s in (a, b):
            with contextlib.suppress(KeyError, ValueError):
                selector.unregister(s)
            s.close()

    def loop():
        while True:
            for key, _ in selector.select():
                if key.data is None:
                    try:
                        client, _ = listener.accept()
                        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    except OSError:
                        continue
                    try:
                        upstream.connect(path)
                    except OSError:
                        client.close()
                        upstream.close()
                        continue
                    client.setblocking(False)
                    upstream.setblocking(False)
                    selector.register(client, selectors.EVENT_READ, upstream)
                    selector.register(upstream, selectors.EVENT_READ, client)
                    continue
                source, sink = key.fileobj, key.data
                try:
                    data = source.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if data:
                    try:
                        sink.setblocking(True)
                        sink.sendall(data)
                        sink.setblocking(False)
                    except OSError:
                        data = b""
                if not data:
                    close(source, sink)

    previous = threading.stack_size(256 * 1024)  # RLIMIT_AS counts a thread's stack: 8 MB by default
    try:
        threading.Thread(target=loop, name="egress-relay", daemon=True).start()
    finally:
        threading.stack_size(previous)
    proxy = f"http://127.0.0.1:{listener.getsockname()[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        os.environ[name] = proxy
    for name in ("NO_PROXY", "no_proxy"):
        os.environ.pop(name, None)


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
    if request.get("site_packages"):
        _add_packages(request["site_packages"])
    if request.get("proxy_socket"):
        try:
            _relay_to_proxy(request["proxy_socket"])
        except OSError as error:  # the code still runs, without network
            print(f"weir: no network for this code run: {error}", file=sys.stderr)
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
