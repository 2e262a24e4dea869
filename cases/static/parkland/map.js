// Pan and zoom for the park map (templates/cases/map.html): the SVG's viewBox is moved and scaled.
// Drag to move, the wheel or the buttons to zoom; a drag does not follow the parcel link under it.
(function () {
  "use strict";
  document.querySelectorAll("svg[data-pan-zoom]").forEach(function (svg) {
    var start = svg.viewBox.baseVal;
    var home = { x: start.x, y: start.y, width: start.width, height: start.height };
    var box = Object.assign({}, home);
    var drag = null;
    var moved = false;

    function apply() {
      svg.setAttribute("viewBox", [box.x, box.y, box.width, box.height].join(" "));
    }

    function toMap(clientX, clientY) {
      var rect = svg.getBoundingClientRect();
      var scale = Math.max(box.width / rect.width, box.height / rect.height);
      var offsetX = (rect.width * scale - box.width) / 2;
      var offsetY = (rect.height * scale - box.height) / 2;
      return { x: box.x - offsetX + (clientX - rect.left) * scale, y: box.y - offsetY + (clientY - rect.top) * scale, scale: scale };
    }

    function zoom(factor, centre) {
      var width = Math.min(home.width * 4, Math.max(home.width / 40, box.width * factor));
      var real = width / box.width;
      var c = centre || { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      box = { x: c.x - (c.x - box.x) * real, y: c.y - (c.y - box.y) * real, width: box.width * real, height: box.height * real };
      apply();
    }

    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 0.8 : 1.25, toMap(event.clientX, event.clientY));
    }, { passive: false });

    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, box: Object.assign({}, box), scale: toMap(event.clientX, event.clientY).scale };
      moved = false;
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!moved) svg.classList.add("dragging");
      moved = true;
      box.x = drag.box.x - dx * drag.scale;
      box.y = drag.box.y - dy * drag.scale;
      apply();
    });
    window.addEventListener("pointerup", function () {
      drag = null;
      svg.classList.remove("dragging");
    });
    svg.addEventListener("click", function (event) {
      if (moved) {
        event.preventDefault();
        moved = false;
      }
    }, true);

    var frame = svg.closest(".map-frame") || document;
    frame.querySelectorAll("[data-map-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.getAttribute("data-map-zoom");
        if (action === "in") zoom(0.67);
        else if (action === "out") zoom(1.5);
        else { box = Object.assign({}, home); apply(); }
      });
    });
  });
})();
