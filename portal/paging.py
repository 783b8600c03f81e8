"""Pages without a `COUNT(*)` (issue 9).

Django's `Paginator.get_page` counts every row of the query to validate the page
number; for a partner with 10,000 clients or 10,000 received quote requests that
count costs more than the page itself. `page_without_count` fetches one row more
than the page holds to know whether a next page exists, and offers what
`templates/partials/pagination.html` uses (previous / page N / next).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

MAX_PAGE = 10_000  # a page number beyond this is taken as the last one asked for


class CountlessPage(Sequence):
    paginator = None  # no total: templates must not ask for page.paginator.count

    def __init__(self, object_list: list[Any], number: int, has_next: bool) -> None:
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __getitem__(self, index):
        return self.object_list[index]

    def __len__(self) -> int:
        return len(self.object_list)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def page_without_count(queryset, number: Any, per_page: int) -> CountlessPage:
    """Page `number` (1-based, anything invalid is 1) of `queryset`, which must be ordered."""
    n = page_number(number)
    start = (n - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return CountlessPage(rows[:per_page], n, has_next=len(rows) > per_page)
