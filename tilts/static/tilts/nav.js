// The back office's menu groups are <details> elements, so they work with a keyboard and without this script.
// It only makes them behave like a menu bar: one group open at a time, Escape or a click elsewhere closes it.
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
})();
