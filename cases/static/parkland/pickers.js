// Searchable pickers: a select with data-picker asks the server for matches as the user types
// (Tom Select). Without this script the select stays a plain one (see cases/forms/pickers.py).
(function () {
  if (typeof TomSelect === "undefined") return;
  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    var data = select.dataset;
    var parkSelect = data.pickerParkField && select.form
      ? select.form.querySelector('[name="' + data.pickerParkField + '"]')
      : null;
    var picker = new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      maxOptions: 50,
      loadThrottle: 250,
      preload: "focus",
      // The empty choice is the placeholder, not an item reading "---------".
      allowEmptyOption: false,
      placeholder: data.pickerPlaceholder,
      plugins: select.required ? [] : { clear_button: { title: data.pickerClear } },
      load: function (query, callback) {
        var params = new URLSearchParams({ q: query });
        var park = parkSelect ? parkSelect.value : data.pickerPark;
        if (park) params.set("park", park);
        fetch(data.picker + "?" + params.toString(), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (body) { callback(body.results); })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function (_data, escape) {
          return '<div class="no-results">' + escape(data.pickerNone) + "</div>";
        },
      },
    });
    // The same words find other rows in another park: ask again rather than reuse the answers.
    if (parkSelect) {
      parkSelect.addEventListener("change", function () {
        picker.clear();
        picker.clearOptions();
        picker.loadedSearches = {};
      });
    }
  });
})();
