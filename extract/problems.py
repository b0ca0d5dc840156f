"""Why a document could not be read, with the reason and the advice kept apart.

The batch stores `reason` and `hint` in two columns of the documents table; `str(exc)` is the whole message
(file, cause, what to do) for anyone who shows the exception itself.

>>> exc = Unreadable("a.pdf", "文件已加密", "请提供未加密版本", "encrypted")
>>> str(exc)
'a.pdf: 文件已加密。请提供未加密版本 / encrypted'
"""

from pathlib import Path

from dutylist.errors import UnreadableDocument, UnsupportedFormat


class _Explained:
    def __init__(self, path: str | Path, reason: str, hint: str, gloss: str = "") -> None:
        self.path, self.reason, self.hint = str(path), reason, hint
        super().__init__(f"{Path(path).name}: {reason}。{hint}" + (f" / {gloss}" if gloss else ""))


class Unreadable(_Explained, UnreadableDocument):
    """A known format that cannot be read: corrupt, truncated, encrypted."""


class Unsupported(_Explained, UnsupportedFormat):
    """Bytes of a type no reader handles."""


class NoText(_Explained, UnreadableDocument):
    """Readable, but without any text (a scan, an empty file): the document needs attention, not a retry."""
