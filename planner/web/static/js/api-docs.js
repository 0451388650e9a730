// Renders /api/openapi.json with the vendored Swagger UI. validatorUrl: null keeps the page
// from asking an outside validator about the document: it works offline.
window.addEventListener("load", function () {
  var box = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: box.dataset.spec,
    domNode: box,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
