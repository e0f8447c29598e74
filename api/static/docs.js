// Starts the self-hosted Swagger UI on /api/docs (a file, not an inline script: the CSP allows only 'self').
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });
});
