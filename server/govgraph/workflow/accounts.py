"""Named accounts for the pages: who may sign in, with which role, and the session secret.

The operator adds accounts (`govgraph users add NAME --role drafter`, the password typed or
piped in, never an argument); there are no default accounts or passwords, so with none
configured nobody can sign in. Accounts live in `accounts.json` in the state folder, written
atomically; passwords are stored only as scrypt hashes (werkzeug.security). Roles are the API's
(govgraph.workflow.auth): a signed-in account acts as a `Principal` with its name and role, so
a proposal's author or approver reads the same whether it came by token or by session.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import json
import logging
import os
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govgraph.config import Settings
from govgraph.errors import InputError
from govgraph.files import write_atomically
from govgraph.workflow.auth import RANK, ROLES, Principal

logger = logging.getLogger("govgraph.accounts")
ACCOUNTS_FILE = "accounts.json"
SECRET_FILE = "session-secret"
ACCOUNT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MIN_PASSWORD_LENGTH = 12
PASSWORD_METHOD = "scrypt"


@functools.cache
def _decoy_hash() -> str:
    """Checked against when the name is unknown, so a miss takes as long as a wrong password."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


@dataclass(frozen=True)
class Account:
    """A person who may sign in: a name (recorded as author or approver) and a role."""

    name: str
    role: str

    @property
    def principal(self) -> Principal:
        """The account as whom a request acts."""
        return Principal(self.name, self.role)


class AccountBook:
    """The accounts file: read on each look-up, so an operator's change takes effect at once."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / ACCOUNTS_FILE

    @classmethod
    def for_settings(cls, settings: Settings) -> AccountBook:
        """The accounts file in the settings' state folder."""
        return cls(settings.state_dir)

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise InputError(f"{self.path}: cannot read the accounts file ({exc})") from exc
        return data.get("accounts", {}) if isinstance(data, dict) else {}

    def _write(self, accounts: dict[str, dict[str, str]]) -> None:
        text = json.dumps({"accounts": accounts}, indent=1, sort_keys=True)
        write_atomically(self.path, text.encode("utf-8"))
        os.chmod(self.path, 0o600)

    def accounts(self) -> list[Account]:
        """Every account, sorted by name."""
        return [Account(name, entry["role"]) for name, entry in sorted(self._read().items())]

    def get(self, name: str) -> Account | None:
        """The account called `name`, or None (also when its role is not one we know)."""
        entry = self._read().get(name)
        return Account(name, entry["role"]) if entry and entry.get("role") in RANK else None

    def add(self, name: str, role: str, password: str, *, replace: bool = False) -> Account:
        """Add an account (or, with `replace`, set its role and password)."""
        if not ACCOUNT_NAME.match(name):
            raise InputError(f"account name '{name}': use 1–64 lower-case letters, digits, "
                             "'.', '_' or '-', starting with a letter or digit")
        if role not in RANK:
            raise InputError(f"role '{role}' is not one of: {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise InputError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        from werkzeug.security import generate_password_hash

        accounts = self._read()
        if name in accounts and not replace:
            raise InputError(f"account '{name}' exists already (use --replace to change it)")
        accounts[name] = {"role": role,
                          "password": generate_password_hash(password, method=PASSWORD_METHOD)}
        self._write(accounts)
        return Account(name, role)

    def remove(self, name: str) -> None:
        """Remove an account; InputError when there is none by that name."""
        accounts = self._read()
        if name not in accounts:
            raise InputError(f"no account '{name}'")
        del accounts[name]
        self._write(accounts)

    def verify(self, name: str, password: str) -> Account | None:
        """The account if `password` is its password; None otherwise (in the same time)."""
        from werkzeug.security import check_password_hash

        entry = self._read().get(name.strip())
        stored = entry.get("password") if entry else None
        stored = stored or _decoy_hash()
        matches = check_password_hash(stored, password)
        if not entry or not matches or entry.get("role") not in RANK:
            return None
        return Account(name.strip(), entry["role"])


def session_secret(settings: Settings) -> str:
    """The key that signs session cookies: GOVGRAPH_SECRET_KEY, else a random key kept in the
    state folder (made once, readable by its owner only), so sessions outlive a restart; a
    server that cannot write there signs with a key of its own (sessions end with it)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.state_dir) / SECRET_FILE
    try:
        return path.read_text(encoding="utf-8").strip() or _new_secret(path)
    except FileNotFoundError:
        return _new_secret(path)
    except OSError as exc:
        logger.warning("cannot read %s (%s): sessions last only while this process runs",
                       path, exc.strerror)
        return secrets.token_hex(32)


def _new_secret(path: Path) -> str:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(staged, path)  # never over a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            staged.unlink()
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        logger.warning("cannot keep a session key in %s (%s): sessions last only while this "
                       "process runs", path.parent, exc.strerror)
        return secrets.token_hex(32)


# --- the command line: govgraph users ... ------------------------------------------------------


def add_parser(commands: Any) -> None:
    """`govgraph users add|remove|list`: manage the accounts that may sign in to the pages."""
    users = commands.add_parser("users", help="manage the accounts that may sign in")
    user_commands = users.add_subparsers(title="users commands", metavar="COMMAND")
    add = user_commands.add_parser(
        "add", help="add an account (the password is asked for, or read from standard input)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--replace", action="store_true",
                     help="change the role and password of an existing account")
    add.set_defaults(run=_run_add)
    remove = user_commands.add_parser("remove", help="remove an account")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(run=_run_remove)
    listing = user_commands.add_parser("list", help="list the accounts and their roles")
    listing.set_defaults(run=_run_list)


def _book() -> AccountBook:
    return AccountBook.for_settings(Settings.from_env())


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise InputError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _run_add(args: argparse.Namespace) -> int:
    account = _book().add(args.name, args.role, _read_password(), replace=args.replace)
    print(f"account '{account.name}' ({account.role}) saved")
    return 0


def _run_remove(args: argparse.Namespace) -> int:
    _book().remove(args.name)
    print(f"account '{args.name}' removed")
    return 0


def _run_list(args: argparse.Namespace) -> int:
    for account in _book().accounts():
        print(f"{account.name}\t{account.role}")
    return 0
