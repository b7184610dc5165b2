"""Typed errors: each carries what a user needs to fix the problem (file, URL, reason)."""

from __future__ import annotations

from pathlib import Path


class EtlError(Exception):
    """Base class: the CLI prints the message and exits non-zero."""

    def lines(self) -> list[str]:
        """What the CLI prints, one line per problem."""
        return [str(self)]


class RawFileError(EtlError):
    """A raw file does not have the publisher's layout."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class NoRawDataError(EtlError):
    """The raw directory holds no file that any source recognises."""


class ValidationError(EtlError):
    """The tidy data broke one or more rules; every problem is listed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("validation failed: " + "; ".join(problems))
        self.problems = problems

    def lines(self) -> list[str]:
        return [f"validation failed: {problem}" for problem in self.problems]


class BuildLockedError(EtlError):
    """Another build is writing the same database."""


class HttpError(EtlError):
    """An HTTP request failed for good (after retries), with the URL that failed."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class NetworkUnavailableError(HttpError):
    """The publisher could not be reached at all (no network, DNS failure, refused)."""
