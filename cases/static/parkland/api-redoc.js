// Starts ReDoc on /api/v1/redoc/ with the schema's address and the request's CSP nonce, which ReDoc
// puts on the <style> elements it writes (the page allows no other inline style). Its search runs in
// a worker made from a blob, which the policy does not allow: it is left off (Swagger UI filters).
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var options = { nonce: container.dataset.nonce, disableSearch: true };
  window.Redoc.init(container.dataset.specUrl, options, container);
})();
