/*
 * Informe del Pacto Mundial para la Migración — JavaScript del sitio.
 * Se carga al final de templates/base.html, después de htmx y de Bootstrap.
 * Placeholder: otras personas del equipo añadirán aquí el código (sin
 * dependencias de CDN; usar solo lo que hay en static/vendor/).
 */
