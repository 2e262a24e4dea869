// Show only the fields of the chosen revitalisation method; the server ignores the others anyway.
(function () {
  var method = document.querySelector("select[name=method]");
  if (!method) return;
  function update() {
    document.querySelectorAll("[data-method]").forEach(function (input) {
      var group = input.closest(".col-md-6") || input.parentElement;
      group.hidden = input.dataset.method !== method.value;
    });
  }
  method.addEventListener("change", update);
  update();
})();
