"""The ``Content-Disposition`` of a download, for any file name (RFC 6266 with RFC 5987's ``filename*``).

A header is Latin-1 on the wire: an id such as ``café-жж`` (ids are lower-case letters of any script)
cannot be put in ``filename="..."`` as it is. The name is sent twice: an ASCII stand-in for old
clients in ``filename`` and the exact name, UTF-8 and percent-encoded, in ``filename*``, which every
current browser prefers.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE_ASCII = re.compile(r'[^A-Za-z0-9._ ()+,-]')


def disposition(filename: str, inline: bool = False) -> str:
    """The header's value for ``filename``, ``attachment`` (or ``inline``).

    Examples
    --------
    >>> disposition("events-20240212.ics")
    'attachment; filename="events-20240212.ics"'
    >>> disposition("café-жж.ics", inline=True)
    'inline; filename="cafe-.ics"; filename*=UTF-8\\'\\'caf%C3%A9-%D0%B6%D0%B6.ics'
    >>> disposition('a"b\\r\\nX: 1.csv')
    'attachment; filename="a_b__X_ 1.csv"; filename*=UTF-8\\'\\'a%22b%0D%0AX%3A%201.csv'
    """
    kind = "inline" if inline else "attachment"
    stand_in = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    stand_in = _UNSAFE_ASCII.sub("_", stand_in).strip() or "download"
    if stand_in == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename=\"{stand_in}\"; filename*=UTF-8''{quote(filename, safe='')}"
