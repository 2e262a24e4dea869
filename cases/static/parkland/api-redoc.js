// Starts ReDoc on /api/v1/redoc/ with the schema's address and the request's CSP nonce, which ReDoc
// puts on the <style> elements it writes (the page allows no other inline style).
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  window.Redoc.init(container.dataset.specUrl, { nonce: container.dataset.nonce }, container);
})();
