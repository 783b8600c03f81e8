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
    if (c && !window.confirm(c.getAttribute("data-confirm"))) e.preventDefault();
  });
})();
