// Replace the plain form with YASGUI when the script loaded; the form stays as the fallback.
(function () {
  "use strict";
  var box = document.getElementById("yasgui");
  var plain = document.getElementById("plain-editor");
  if (!box || typeof Yasgui === "undefined") { return; }
  var text = document.getElementById("sparql-text").value;
  var endpoint = new URL(box.getAttribute("data-endpoint"), window.location.href).href;
  box.hidden = false;
  plain.hidden = true;
  var yasgui = new Yasgui(box, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "govgraph-sparql-editor",
    yasqe: { value: text, autocompleters: ["variables"], prefixCcApi: null },
  });
  // A new tab starts with the example; a query in the address (?query=) replaces the current one.
  var given = new URLSearchParams(window.location.search).get("query");
  var tab = yasgui.getTab();
  if (tab && given) { tab.setQuery(given); }
  window.govgraphYasgui = yasgui;
})();
