/*
 * Aviso de cierre de sesión por inactividad (coordinación y administración; reporting/idle.py).
 *
 * templates/base.html carga este archivo con data-status-url y data-login-url. Al cargar la
 * página pregunta al servidor cuánto queda (GET: no cuenta como actividad, porque otra pestaña
 * pudo haber extendido la sesión) y, unos minutos antes del cierre, abre un diálogo
 * role="alertdialog" con el foco en «Seguir trabajando». Ese botón, Escape o Intro avisan al
 * servidor (POST) y la sesión vuelve a contar desde cero. Si el tiempo se acaba, el servidor
 * cierra la sesión y la página va al inicio de sesión, que regresa aquí.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var statusUrl = script.dataset.statusUrl;
  var loginUrl = script.dataset.loginUrl;
  if (!statusUrl || !loginUrl) return;

  var timer = null;
  var ticker = null;
  var dialog = null;
  var countdown = null;
  var deadline = 0;
  var returnFocus = null;

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function schedule(seconds) {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, Math.max(1, seconds) * 1000);
  }

  function expired() {
    var here = window.location.pathname + window.location.search;
    window.location.assign(loginUrl + "?next=" + encodeURIComponent(here));
  }

  function ask(method) {
    var options = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method === "POST") options.headers["X-CSRFToken"] = csrfToken();
    return window.fetch(statusUrl, options).then(function (response) {
      if (response.status === 401) return { expired: true };
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  function answer(state) {
    if (state.expired || state.remaining === 0) {
      expired();
      return;
    }
    if (state.remaining === null || state.remaining === undefined) return; // no idle limit
    var warning = state.warning || 120;
    if (state.remaining > warning) {
      closeDialog();
      schedule(state.remaining - warning);
    } else {
      openDialog(state.remaining);
      schedule(state.remaining + 1);
    }
  }

  function check() {
    ask("GET").then(answer, function () { schedule(30); });
  }

  function stay() {
    ask("POST").then(answer, function () { schedule(10); });
  }

  function format(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var rest = s % 60;
    return Math.floor(s / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    countdown.textContent = format((deadline - Date.now()) / 1000);
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function build() {
    dialog = element("dialog", {
      role: "alertdialog",
      "aria-modal": "true",
      "aria-labelledby": "sesion-aviso-titulo",
      "aria-describedby": "sesion-aviso-texto",
      class: "border-0 rounded-3 shadow p-4",
    });
    dialog.style.maxWidth = "32rem";
    dialog.appendChild(element("h2", { id: "sesion-aviso-titulo", class: "h4" }, "¿Sigue trabajando?"));
    var text = element("p", { id: "sesion-aviso-texto" }, "Por inactividad, su sesión se cerrará en ");
    countdown = element("strong", {});
    text.appendChild(countdown);
    text.appendChild(document.createTextNode(". Lo que no haya guardado se perderá."));
    dialog.appendChild(text);
    var buttons = element("div", { class: "d-flex flex-wrap gap-2" });
    var keep = element("button", { type: "button", class: "btn btn-primary" }, "Seguir trabajando");
    var leave = element("button", { type: "button", class: "btn btn-outline-secondary" }, "Cerrar sesión");
    buttons.appendChild(keep);
    buttons.appendChild(leave);
    dialog.appendChild(buttons);
    keep.addEventListener("click", stay);
    leave.addEventListener("click", signOut);
    // Escape is a person at the keyboard: the same as «Seguir trabajando».
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      stay();
    });
    document.body.appendChild(dialog);
  }

  function signOut() {
    var form = document.querySelector("form[action$='/logout/']");
    if (form) form.submit();
    else expired();
  }

  function openDialog(remaining) {
    if (!dialog) build();
    deadline = Date.now() + remaining * 1000;
    tick();
    window.clearInterval(ticker);
    ticker = window.setInterval(tick, 1000);
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
      dialog.querySelector(".btn-primary").focus();
    }
  }

  function closeDialog() {
    window.clearInterval(ticker);
    if (dialog && dialog.open) {
      dialog.close();
      if (returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
    }
  }

  check();
})();
