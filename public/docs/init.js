// Starts the Scalar API reference on /docs (a file, not an inline script, so a strict CSP allows it).
const app = document.getElementById('app')
window.Scalar.createApiReference('#app', {
  url: app?.dataset.openapiUrl || '/openapi.json',
  hideClientButton: false,
  // The bundled fonts come from fonts.scalar.com, which the CSP does not allow: system fonts instead.
  withDefaultFonts: false,
})
