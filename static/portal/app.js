// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("[data-nav-toggle]") : null;
    if (t) {
      var nav = document.getElementById(t.getAttribute("aria-controls"));
      var open = t.getAttribute("aria-expanded") === "true";
      t.setAttribute("aria-expanded", open ? "false" : "true");
      if (nav) nav.classList.toggle("open", !open);
    }
    var c = e.target.closest ? e.target.closest("[data-confirm]") : null;
    if (c) {
      var form = c.form || (c.closest ? c.closest("form") : null);
      // A form the browser would refuse (a required reason left empty) says so first, not after the question.
      if (form && form.checkValidity && !form.checkValidity()) {
        e.preventDefault();
        form.reportValidity();
        return;
      }
      if (!window.confirm(c.getAttribute("data-confirm"))) {
        e.preventDefault();
        return;
      }
      // Asked here: the server skips its own confirmation page (portal/confirm.py).
      var done = form ? form.querySelector('input[name="_confirmed"]') : null;
      if (done) done.value = "1";
    }
    var x = e.target.closest ? e.target.closest("a[data-export]") : null;
    if (x && !e.defaultPrevented && e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      exportDownload(x, x.href);
    }
  });
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.matches && f.matches("form[data-export]") && (f.method || "get").toLowerCase() === "get" && !e.defaultPrevented) {
      e.preventDefault();
      var url = new URL(f.action, window.location.href);
      new FormData(f).forEach(function (v, k) { if (typeof v === "string") url.searchParams.append(k, v); });
      exportDownload(f, url.toString());
    }
  });

  // CSV exports (issue 8): the element says what to show (data-export: the busy text,
  // data-export-error, data-export-done; rendered translated by the page). The file is
  // fetched, then saved under the server's filename; without JS the plain link works.
  function statusFor(el) {
    var id = el.getAttribute("data-export-status");
    var s = id ? document.getElementById(id) : null;
    if (!s && el.parentNode) s = el.parentNode.querySelector(".export-status");
    if (!s) {
      s = document.createElement("span");
      s.className = "export-status";
      s.setAttribute("role", "status");
      el.insertAdjacentElement("afterend", s);
    }
    return s;
  }

  function filenameFrom(header, fallback) {
    if (!header) return fallback;
    var star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
    if (star) { try { return decodeURIComponent(star[1].trim()); } catch (err) { /* fall through */ } }
    var plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
    return plain ? plain[1].trim() : fallback;
  }

  function setBusy(el, busy) {
    var buttons = el.tagName === "FORM" ? el.querySelectorAll("button, input[type=submit]") : [el];
    Array.prototype.forEach.call(buttons, function (b) {
      if (b.tagName === "A") {
        if (busy) b.setAttribute("aria-disabled", "true"); else b.removeAttribute("aria-disabled");
      } else {
        b.disabled = busy;
      }
      if (busy) b.setAttribute("aria-busy", "true"); else b.removeAttribute("aria-busy");
      b.classList.toggle("is-busy", busy);
    });
  }

  function exportDownload(el, url) {
    if (el.getAttribute("data-export-running")) return;
    var status = statusFor(el);
    el.setAttribute("data-export-running", "1");
    setBusy(el, true);
    status.classList.remove("export-error");
    status.textContent = el.getAttribute("data-export") || "…";
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        var name = filenameFrom(r.headers.get("Content-Disposition"), "export.csv");
        return r.blob().then(function (blob) { return { blob: blob, name: name }; });
      })
      .then(function (file) {
        var href = URL.createObjectURL(file.blob);
        var a = document.createElement("a");
        a.href = href;
        a.download = file.name;
        a.hidden = true;
        document.body.appendChild(a);
        a.click();
        a.remove();
        window.setTimeout(function () { URL.revokeObjectURL(href); }, 10000);
        status.textContent = el.getAttribute("data-export-done") || "";
      })
      .catch(function () {
        status.classList.add("export-error");
        status.textContent = el.getAttribute("data-export-error") || "";
      })
      .then(function () {
        el.removeAttribute("data-export-running");
        setBusy(el, false);
      });
  }

  // Long lists filtered or paged with htmx: the results region says it is busy.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var t = e.detail && e.detail.target;
    if (t && t.setAttribute) t.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var t = e.detail && e.detail.target;
    if (t && t.removeAttribute) t.removeAttribute("aria-busy");
  });
})();
