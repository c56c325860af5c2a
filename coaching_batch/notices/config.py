"""The SMTP config: a small TOML file naming the mail server, the sender and the coordinator.

```toml
host = "smtp.example.org"
port = 587
from = "coaching@example.org"
starttls = true
username = "coaching"        # optional; the password comes only from COACHING_BATCH_SMTP_PASSWORD
coordinator = "coordinator@example.org"
```

A password is never read from a file: a ``password`` key is refused, so it cannot end up in an
inbox, a backup or a repository.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .address import email_address

PASSWORD_VARIABLE = "COACHING_BATCH_SMTP_PASSWORD"
DEFAULT_TIMEOUT_SECONDS = 30.0  # a server that does not answer in this time is down
KEYS = {"host", "port", "from", "starttls", "username", "coordinator", "timeout"}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # the file's `from`
    starttls: bool
    coordinator: str
    username: str | None = None
    password: str | None = None  # from the environment, never from the file
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    def __repr__(self) -> str:  # never print the password
        return f"SmtpConfig(host={self.host!r}, port={self.port}, sender={self.sender!r}, starttls={self.starttls})"


def load_smtp_config(path: Path, environ: Mapping[str, str] | None = None, *, sending: bool = True) -> SmtpConfig:
    """The config in ``path``, with the password from ``environ`` (default: the process's environment);
    any problem is a UsageError naming the file and the key. A dry run (``sending`` false) logs in to
    nothing, so it does not need the password."""
    environ = os.environ if environ is None else environ
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no such SMTP config file: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read the SMTP config file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} is not a valid TOML file: {exc}") from None
    if "password" in data:
        raise UsageError(f"{path}: a password in the SMTP config file is refused; set the environment variable "
                         f"{PASSWORD_VARIABLE} instead")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise UsageError(f"{path}: unknown key {unknown[0]!r} (the keys are {', '.join(sorted(KEYS))})")

    def required(key: str, kind: type, what: str):
        if key not in data:
            raise UsageError(f"{path}: {key!r} is missing ({what})")
        value = data[key]
        if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
            raise UsageError(f"{path}: {key!r} should be {what}, not {value!r}")
        return value

    host = required("host", str, "the mail server's name").strip()
    port = required("port", int, "a port number such as 587")
    starttls = required("starttls", bool, "true or false")
    sender, coordinator = (required(key, str, "an email address") for key in ("from", "coordinator"))
    if not host:
        raise UsageError(f"{path}: 'host' is empty")
    if not 0 < port < 65536:
        raise UsageError(f"{path}: 'port' should be between 1 and 65535, not {port}")
    for key, value in (("from", sender), ("coordinator", coordinator)):
        if email_address(value) is None:
            raise UsageError(f"{path}: {key!r} is not an email address: {value!r}")
    username = data.get("username")
    if username is not None and (not isinstance(username, str) or not username.strip()):
        raise UsageError(f"{path}: 'username' should be the login name, not {username!r}")
    timeout = data.get("timeout", DEFAULT_TIMEOUT_SECONDS)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise UsageError(f"{path}: 'timeout' should be a number of seconds, not {timeout!r}")
    password = environ.get(PASSWORD_VARIABLE) or None
    if username and password is None and sending:
        raise UsageError(f"{path} names a username but the environment variable {PASSWORD_VARIABLE} is not set")
    return SmtpConfig(host=host, port=port, sender=email_address(sender), starttls=starttls,
                      coordinator=email_address(coordinator), username=username.strip() if username else None,
                      password=password if username else None, timeout=float(timeout))
