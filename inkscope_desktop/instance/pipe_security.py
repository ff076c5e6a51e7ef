"""Who may use the Windows named pipe, and its name: this user's logon in this session, nobody else.

- The name carries the user's SID and the session id (``pipe_name_for``), not the user name: a local and a
  domain account with the same name, or one user logged on twice (fast user switching, a remote desktop),
  never meet on one pipe.
- The pipe's security descriptor (``PIPE_SDDL``: a protected DACL) gives full access to the user's SID and to
  SYSTEM only, where Windows' default lets Everyone read it.
- ``PIPE_REJECT_REMOTE_CLIENTS`` refuses connections from other machines.

The ctypes parts (``current_identity``, ``security_attributes``) run only on Windows and are not run by this
project's CI; the names and the descriptor string are pure and tested.
"""

from __future__ import annotations

import re
from typing import Any

PIPE_REJECT_REMOTE_CLIENTS = 0x00000008
#: D: DACL, P: protected (no inherited entries); A: allow; GA: generic all; SY: the SYSTEM account.
PIPE_SDDL = "D:P(A;;GA;;;{sid})(A;;GA;;;SY)"
_SID = re.compile(r"S-1(-\d+){1,15}")


def pipe_sddl(sid: str) -> str:
    if not _SID.fullmatch(sid):
        raise ValueError(f"not a SID: {sid!r}")
    return PIPE_SDDL.format(sid=sid)


def pipe_name_for(sid: str, session_id: int, app: str = "inkscope-desktop") -> str:
    r"""``\\.\pipe\inkscope-desktop-S-1-5-21-…-1001-s1``: one pipe per user and logon session."""
    if not _SID.fullmatch(sid):
        raise ValueError(f"not a SID: {sid!r}")
    return rf"\\.\pipe\{app}-{sid}-s{int(session_id)}"


def current_identity() -> tuple[str, int]:
    """(this process's user SID as a string, its session id), through advapi32 and kernel32."""
    import ctypes
    from ctypes import wintypes

    advapi32: Any = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32: Any = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    token_query, token_user = 0x0008, 1
    token = wintypes.HANDLE()
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    if not advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), token_query, ctypes.byref(token)):
        raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
    try:
        size = wintypes.DWORD(0)
        advapi32.GetTokenInformation(token, token_user, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value)
        if not advapi32.GetTokenInformation(token, token_user, buffer, size, ctypes.byref(size)):
            raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
        sid_pointer = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0]  # TOKEN_USER.User.Sid
        text = wintypes.LPWSTR()
        if not advapi32.ConvertSidToStringSidW(ctypes.c_void_p(sid_pointer), ctypes.byref(text)):
            raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
        sid = text.value or ""
        kernel32.LocalFree(text)
    finally:
        kernel32.CloseHandle(token)
    session = wintypes.DWORD(0)
    if not kernel32.ProcessIdToSessionId(kernel32.GetCurrentProcessId(), ctypes.byref(session)):
        raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
    return sid, int(session.value)


def security_attributes(sid: str) -> Any:
    """A SECURITY_ATTRIBUTES with ``pipe_sddl(sid)``'s descriptor; keep it alive while the pipe is created."""
    import ctypes
    from ctypes import wintypes

    class SecurityAttributes(ctypes.Structure):
        _fields_ = [("nLength", wintypes.DWORD), ("lpSecurityDescriptor", ctypes.c_void_p),
                    ("bInheritHandle", wintypes.BOOL)]

    advapi32: Any = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    descriptor = ctypes.c_void_p()
    if not advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(pipe_sddl(sid), 1, ctypes.byref(descriptor),
                                                                        None):
        raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
    attributes = SecurityAttributes(ctypes.sizeof(SecurityAttributes), descriptor, False)
    return attributes
