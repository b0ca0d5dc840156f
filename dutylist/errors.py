"""Named errors. Core code raises these; the CLI and the app turn them into messages.

Each message names the file (when there is one), the cause and what to do next.
"""


class DutylistError(Exception):
    """Base class: anything a user can act on."""


class UnsupportedFormat(DutylistError):
    """The file's bytes are not a format any reader handles."""


class UnreadableDocument(DutylistError):
    """The file is of a known format but cannot be read (corrupt, encrypted, empty...)."""


class WorkspaceError(DutylistError):
    """The workspace database cannot be opened or is newer than this program."""


class ModelMissing(DutylistError):
    """No trained model exists yet."""


class ModelTampered(DutylistError):
    """A model file's SHA-256 differs from the one recorded when it was trained."""


class BadInput(DutylistError):
    """An input file (JSONL, corpus) has lines that cannot be used."""


class NoConfirmedList(DutylistError):
    """A township is not in the workspace, or has no confirmed list to check or compare against yet."""


class SignInLocked(DutylistError):
    """Too many failed sign-ins for one name: it is refused, right password or not, until the lock ends."""


class StaleItem(DutylistError):
    """A decision was made on an item whose state changed since the reviewer saw it."""
