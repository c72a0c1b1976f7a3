// Small progressive enhancements shared by every page. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  document.querySelectorAll("select.js-autosubmit").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
// On a wide screen the menu is a plain row of links: keep the <details> open.
(function () {
  "use strict";
  var menu = document.querySelector("details.menu");
  if (menu && window.matchMedia("(min-width: 900px)").matches) { menu.open = true; }
})();
// A table that scrolls inside its own box can be scrolled from the keyboard and is named for screen
// readers (the nearest heading); a list shown as cards on a phone does not scroll.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) {
          var section = wrap.closest("section");
          var heading = (section && section.querySelector("h2")) || document.querySelector("main h1");
          wrap.setAttribute("aria-label", heading ? heading.textContent.trim() : "");
        }
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
// A form sent back with errors: the summary at the top takes the focus, and each of its links
// moves the focus to its field.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.querySelectorAll("a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) { event.preventDefault(); field.focus(); field.scrollIntoView({block: "center"}); }
    });
  });
})();
// An irreversible form (withdraw, not accept, merge…) asks before it is sent.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm-submit]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm-submit"))) { event.preventDefault(); }
    });
  });
})();
// Error pages: "back" only when there is somewhere to go back to.
(function () {
  "use strict";
  document.querySelectorAll(".js-back").forEach(function (button) {
    if (window.history.length > 1) {
      button.hidden = false;
      button.addEventListener("click", function () { window.history.back(); });
    }
  });
})();
