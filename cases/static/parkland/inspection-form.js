// The site inspection form sent with XMLHttpRequest, so that large phone photos show their upload
// progress. The form's hidden key makes a resend safe: the server records the inspection once.
// Without this script the form posts as usual.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-progress]");
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_match, name) {
      return values[name] === undefined ? "" : values[name];
    });
  }

  function megabytes(bytes) {
    var value = bytes / (1024 * 1024);
    return value.toFixed(value < 1 ? 2 : 1);
  }

  function chosenSize(input) {
    var total = 0;
    for (var i = 0; i < input.files.length; i++) total += input.files[i].size;
    return total;
  }

  function bind(current) {
    var input = current.querySelector("input[type=file]");
    var summary = current.querySelector("[data-upload-summary]");
    function summarise() {
      if (!input || !summary) return;
      summary.textContent = input.files.length
        ? say(current.dataset.msgChosen, { count: input.files.length, size: megabytes(chosenSize(input)) })
        : "";
    }
    if (input) input.addEventListener("change", summarise);
    summarise();
    current.addEventListener("submit", function (event) {
      event.preventDefault();
      send(current, input);
    });
  }

  function send(current, input) {
    var state = current.querySelector("[data-upload-state]");
    var progress = current.querySelector("progress");
    var status = current.querySelector("[data-upload-status]");
    var failure = current.querySelector("[data-upload-error]");
    var button = current.querySelector("button[type=submit]");
    var size = megabytes(input ? chosenSize(input) : 0);
    var request = new XMLHttpRequest();

    function fail(message) {
      state.hidden = true;
      failure.textContent = message;
      failure.hidden = false;
      button.disabled = false;
    }

    // Refused before sending rather than by the proxy after minutes of upload.
    if (input && chosenSize(input) > Number(current.dataset.maxBytes || Infinity)) {
      fail(current.dataset.msgTooLarge);
      return;
    }
    request.open("POST", current.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      progress.max = event.total;
      progress.value = event.loaded;
      status.textContent =
        event.loaded < event.total
          ? say(current.dataset.msgSending, { percent: Math.floor((100 * event.loaded) / event.total) + "%", size: size })
          : current.dataset.msgSaving;
    });
    request.addEventListener("load", function () {
      var location = request.getResponseHeader("X-Location");
      if (location) {
        window.location.assign(location);
      } else if (request.status >= 400 && request.status < 500 && request.responseText.indexOf("data-upload-progress") !== -1) {
        replace(current, input, request.responseText);
      } else if (request.status < 300 && request.responseURL) {
        window.location.assign(request.responseURL);
      } else {
        fail(say(current.dataset.msgRefused, { status: request.status }));
      }
    });
    request.addEventListener("error", function () {
      fail(current.dataset.msgLost);
    });
    request.addEventListener("abort", function () {
      fail(current.dataset.msgLost);
    });
    failure.hidden = true;
    state.hidden = false;
    progress.value = 0;
    status.textContent = say(current.dataset.msgSending, { percent: "0%", size: size });
    button.disabled = true;
    request.send(new FormData(current));
  }

  // The server's answer with its messages, keeping the photos already chosen (a browser cannot
  // choose files for the user again) and the same key, so that sending again stays safe.
  function replace(current, input, html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.querySelector("form[data-upload-progress]");
    if (!fresh) return;
    var freshInput = fresh.querySelector("input[type=file]");
    if (input && freshInput) {
      input.className = freshInput.className;
      freshInput.replaceWith(input);
    }
    current.replaceWith(fresh);
    bind(fresh);
    var first = fresh.querySelector(".alert-danger, .is-invalid");
    if (first) first.scrollIntoView({ block: "center" });
  }

  bind(form);
})();
