// The back office's menu groups are <details> elements sharing one name, so they work with a keyboard and, without
// this script, the browser already keeps one group open at a time (an exclusive accordion). The script adds what a
// menu bar does too: Escape or a click elsewhere closes the open group; it also closes the others in browsers that
// do not know the name attribute.
(function () {
  "use strict";
  var groups = document.querySelectorAll("details[data-nav-group]");
  function closeAll(except) {
    groups.forEach(function (group) {
      if (group !== except) group.open = false;
    });
  }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) closeAll(group);
    });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && group.open) {
        group.open = false;
        group.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("details[data-nav-group]")) closeAll(null);
  });
  document.documentElement.dataset.menu = "ready"; // for the browser tests: the handlers above are in place
})();
