// Swagger UI over the API description named by #swagger-ui's data-spec; nothing else is fetched
// (no validator badge, no remote configuration).
(function () {
  var element = document.getElementById("swagger-ui");
  if (!element || typeof SwaggerUIBundle === "undefined") { return; }
  SwaggerUIBundle({
    url: element.getAttribute("data-spec"),
    domNode: element,
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
}());
