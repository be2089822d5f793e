// The interactive API documentation: the vendored Swagger UI drawing this
// gateway's own OpenAPI document. "Try it out" calls go to this origin
// with the signed-in session, under the same rules as any other call.
window.addEventListener('DOMContentLoaded', () => {
  const root = document.getElementById('api-docs');
  window.SwaggerUIBundle({
    url: root.dataset.document,
    domNode: root,
    // Deep links would put a link inside each operation's button (nested
    // interactive controls, which screen readers cannot reach).
    deepLinking: false,
    docExpansion: 'none',
    defaultModelsExpandDepth: 0,
  });
});
