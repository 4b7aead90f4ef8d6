"""The callcoach exception tree.

    CallcoachError
    ├── InputError                  bad input from a user: the CLI exits 2, the API answers 4xx
    │   ├── UnsupportedInput        a file type we cannot read
    │   ├── UnsupportedAudio        audio that cannot be decoded, or has no samples
    │   ├── EmptyInput              zero bytes, no speech, no utterances
    │   ├── RecordingTooLong        longer than settings.max_recording_s
    │   ├── MalformedTranscript     JSON / WebVTT / SRT that does not parse or breaks the contract
    │   ├── MalformedMetadata       a --meta file that does not parse or breaks the contract
    │   └── Conflict                an id already in use (a call id, another team's deal id)
    ├── Forbidden                   the caller's key may not do this (a rep or team not theirs)
    ├── NotFound                    a call, rep, deal or alert that does not exist
    ├── ModelUnavailable            a model (whisper, spaCy, embeddings) that cannot be loaded
    └── StorageError                the database refused or is unreachable

Every message names the file or object and the problem, so that a user can act on it.
Third-party errors are translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations

from pathlib import Path


class CallcoachError(Exception):
    """Root of every error callcoach raises on purpose."""


class InputError(CallcoachError):
    """The user's input is wrong; retrying will not help."""

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


class UnsupportedInput(InputError):
    pass


class UnsupportedAudio(InputError):
    pass


class EmptyInput(InputError):
    pass


class RecordingTooLong(InputError):
    pass


class MalformedTranscript(InputError):
    pass


class MalformedMetadata(InputError):
    pass


class Conflict(InputError):
    """The input names something that is taken: the API answers 409."""


class Forbidden(CallcoachError):
    """The caller may not act for this rep, team or deal: the API answers 403."""


class NotFound(CallcoachError):
    pass


class ModelUnavailable(CallcoachError):
    pass


class StorageError(CallcoachError):
    pass
