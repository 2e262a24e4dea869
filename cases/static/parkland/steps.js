// A step's reason box and figures show once the step is chosen: the first press of its button
// opens them, the next sends the step. Without this script they all show, and a step the server
// refused stays open with what was typed.
document.querySelectorAll("form.transition-form").forEach(function (form) {
  var fields = form.querySelector(".step-fields");
  var button = form.querySelector("button[type=submit]");
  if (!fields || !button || form.hasAttribute("data-refused")) return;
  fields.hidden = true;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", fields.id);
  form.addEventListener("submit", function (event) {
    if (!fields.hidden) return;
    event.preventDefault();
    fields.hidden = false;
    button.setAttribute("aria-expanded", "true");
    var first = fields.querySelector("textarea, input:not([type=hidden]), select");
    if (first) first.focus();
  });
});
