"""The benchmark's floor (issue 9, docs/benchmarks.md): the cheapest authenticated page.

Only routed when `settings.BENCH_FLOOR_ENABLED` (env `BENCH_FLOOR_ENABLED=1`,
set by `scripts/bench.sh`). It goes through the whole middleware stack (session,
user, CSRF, CSP, locale, acting org left lazy) and answers a few bytes, so every
measured page is compared with what the stack alone costs.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def floor(request):
    return HttpResponse(f"ok {request.user.pk}\n", content_type="text/plain; charset=utf-8")
