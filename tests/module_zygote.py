"""The Python that runs the modules in the tests: each module process forked from one that has already imported
what every module imports (ansible-core's module_utils, requests).

Ansible still packs the module (AnsiballZ), writes it to the target's temporary folder and starts the interpreter
it is told to use on it; that interpreter is a small launcher (written by :func:`write_launcher`) which hands its
standard input and output, arguments, environment and folder to this server and exits with the module's exit
code. The module then runs from its AnsiballZ file exactly as it would in a fresh interpreter, except that the
interpreter start and those imports are paid once per test process instead of once per module run.
"""

import array
import ast
import os
import runpy
import signal
import socket
import sys
import types
import zipimport

PRELOADED = ["ansible.module_utils.basic", "ansible.module_utils.common.text.converters",
             "ansible.module_utils.common.arg_spec", "ansible.module_utils.common.validation",
             "ansible.module_utils.parsing.convert_bool", "ansible.module_utils.six", "requests", "urllib3", "json",
             "zipfile", "base64", "shutil", "tempfile", "datetime", "hashlib", "uuid", "threading", "queue",
             "concurrent.futures", "fcntl", "re", "random", "cryptography.x509", "yaml"]

# The launcher: as little as possible runs per module process. No site, and no import beyond the built-in _socket:
# json, socket and array would cost each module run twice the interpreter's own start. The request is a Python
# literal (repr escapes every newline and undecodable byte), the file descriptors are packed C ints.
LAUNCHER = """#!{python} -SI
import _socket, os, sys
client = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
client.connect({socket_path!r})
request = repr({{"argv": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}}).encode("ascii", "backslashreplace")
fds = b"".join(fd.to_bytes({int_size}, sys.byteorder) for fd in (0, 1, 2))
client.sendmsg([request + b"\\n"], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
answer = b""
while not answer.endswith(b"\\n"):
    chunk = client.recv(64)
    if not chunk:
        sys.exit(250)
    answer += chunk
sys.exit(int(answer.split(b":")[1].strip(b" }}\\n")))
"""


def write_launcher(path, socket_path, python=None):
    with open(path, "w") as handle:
        handle.write(LAUNCHER.format(python=python or sys.executable, socket_path=socket_path,
                                     int_size=array.array("i").itemsize))
    os.chmod(path, 0o755)


def _receive(connection):
    fds = array.array("i")
    data, ancillary, unused_flags, unused_address = connection.recvmsg(1 << 20, socket.CMSG_LEN(3 * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:len(payload) - (len(payload) % fds.itemsize)])
    while not data.endswith(b"\n"):
        chunk = connection.recv(1 << 20)
        if not chunk:
            break
        data += chunk
    return ast.literal_eval(data.decode("ascii")), list(fds)


def _run_module(connection, request, fds):
    """In the forked child: become the module process the launcher stands for."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for source, target in zip(fds, (0, 1, 2)):
        os.dup2(source, target)
        os.close(source)
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", closefd=False)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    script = request["argv"][0]
    sys.argv = list(request["argv"])
    # This file runs as a script from tests/, beside ansible_forkserver.py.
    from ansible_forkserver import finish_child

    finish_child(connection, lambda: runpy.run_path(script, run_name="__main__"), crash_rc=1)


def _code_cache():
    """Code objects of every Python file a module's AnsiballZ payload can hold (ansible-core's module_utils, this
    collection's modules and module_utils), keyed by their source bytes.

    A payload's files are imported from its zip archive, which holds sources only: each module run would compile
    them again, the largest part of its CPU. The archive is still what the imports read (a file missing from it
    still fails to import); only the compiling of bytes already compiled here is skipped.
    """
    import ansible.module_utils

    roots = [os.path.dirname(ansible.module_utils.__file__),
             os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plugins")]
    cache = {}
    for root in roots:
        for folder, unused_dirs, files in os.walk(root):
            for name in files:
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    with open(path, "rb") as handle:
                        source = handle.read().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                    try:
                        cache[source] = compile(source, path, "exec", dont_inherit=True)
                    except SyntaxError:
                        pass  # a file for another Python; the import compiles (and fails) as it would
    return cache


def _renamed(code, filename):
    """``code`` as if compiled from ``filename`` (tracebacks name the file inside the payload)."""
    consts = tuple(_renamed(const, filename) if isinstance(const, types.CodeType) else const
                   for const in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _compile_from_cache(cache, compile_source):
    def compile_with_cache(pathname, source):
        code = cache.get(source.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        return compile_source(pathname, source) if code is None else _renamed(code, pathname)
    return compile_with_cache


def serve(socket_path):
    for name in PRELOADED:
        try:
            __import__(name)
        except ImportError:
            pass
    zipimport._compile_source = _compile_from_cache(_code_cache(), zipimport._compile_source)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    listener.settimeout(1)
    print("ready", flush=True)
    parent = os.getppid()
    while os.getppid() == parent:  # ends with the test process that started it
        while True:
            try:
                pid, unused_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        try:
            connection, unused_address = listener.accept()
        except socket.timeout:
            continue
        connection.settimeout(None)
        request, fds = _receive(connection)
        if os.fork() == 0:
            listener.close()
            _run_module(connection, request, fds)
        for fd in fds:
            os.close(fd)
        connection.close()


if __name__ == "__main__":
    serve(sys.argv[1])
