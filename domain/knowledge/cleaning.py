"""Dify's pre-processing rules, applied to extracted text before it is split."""

import re

# Control characters other than \t \n \r, DEL, and the U+FFFE non-character. (Dify's own pattern also lists
# the bytes EF BF BE as characters, which strips "ï", "¿" and "¾" from real text; weir does not.)
_INVALID_SYMBOLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe]")
_LINE_BREAKS = re.compile(r"\r\n?")
_THREE_OR_MORE_NEWLINES = re.compile(r"\n{3,}")
_HORIZONTAL_SPACE_RUN = re.compile("[\t\f\r \u00a0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]{2,}")
_EMAIL = re.compile(r"[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+")
# A Markdown image keeps its URL (it is how a chunk points at its picture); any other http(s) URL goes.
_IMAGE_OR_URL = re.compile(r"(?P<image>!\[[^\]]*\]\(https?://[^\s)]+\))|https?://[^\s)]+")


def default_clean(text: str) -> str:
    """Always applied: `<|`/`|>` lose their pipes, invisible control characters go, line ends become \\n.

    Normalising \\r\\n lets a "\\n" separator split Windows text too (Dify leaves the \\r in).
    """
    text = text.replace("<|", "<").replace("|>", ">")
    text = _LINE_BREAKS.sub("\n", text)
    return _INVALID_SYMBOLS.sub("", text)


def remove_extra_spaces(text: str) -> str:
    """Three or more newlines become two; a run of two or more spaces/tabs (any horizontal space) one space."""
    text = _THREE_OR_MORE_NEWLINES.sub("\n\n", text)
    return _HORIZONTAL_SPACE_RUN.sub(" ", text)


def remove_urls_emails(text: str) -> str:
    """Deletes e-mail addresses and http(s) URLs, except the URL of a Markdown image."""
    text = _EMAIL.sub("", text)
    return _IMAGE_OR_URL.sub(lambda m: m.group("image") or "", text)


def clean(text: str, *, extra_spaces: bool, urls_emails: bool) -> str:
    """The default clean, then the enabled rules.

    URLs and e-mails go before spaces are collapsed, so a removed address leaves no double space behind
    (Dify applies the rules in the order the request lists them).
    """
    text = default_clean(text)
    if urls_emails:
        text = remove_urls_emails(text)
    if extra_spaces:
        text = remove_extra_spaces(text)
    return text
