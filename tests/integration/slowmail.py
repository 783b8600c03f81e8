"""A file mail backend that can be slow: lets a test kill a worker mid-send."""

from __future__ import annotations

import os
import pathlib
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    """Writes `sending-<pid>` next to the mails, sleeps SLOW_MAIL_SECONDS, then writes the mail."""

    def send_messages(self, email_messages):
        delay = float(os.environ.get("SLOW_MAIL_SECONDS", "0") or 0)
        if delay:
            marker = pathlib.Path(self.file_path).parent / f"sending-{os.getpid()}"
            marker.write_text("\n".join(m.extra_headers.get("X-Portal-Idempotency-Key", "") for m in email_messages))
            time.sleep(delay)
        return super().send_messages(email_messages)
