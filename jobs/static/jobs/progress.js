// A job's progress bar: polls the job's status (JSON) every second while it runs, and reloads the
// page once it has finished, so that the page shows its result or why it failed. No inline script
// or style: the page's Content-Security-Policy allows neither.
(function () {
  "use strict";
  var card = document.querySelector("[data-job-status-url]");
  if (!card || !window.fetch) return;
  var url = card.dataset.jobStatusUrl;
  var bar = card.querySelector("progress");
  var message = card.querySelector("[data-job-message]");
  var count = card.querySelector("[data-job-count]");
  var badge = document.querySelector("[data-job-state]");
  var delay = 1000;

  function show(status) {
    if (status.percent === null) {
      bar.removeAttribute("value");
    } else {
      bar.value = status.percent;
      bar.textContent = status.percent + " %";
    }
    if (status.message) message.textContent = status.message;
    count.textContent = status.total ? status.done + " / " + status.total : "";
    if (badge) badge.textContent = status.state_label;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          delay = 1000;
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, 500);
})();
