/*
 * Ficha técnica: word counters, challenges list, autosave and a local backup.
 *
 * Nothing typed is lost: every change is copied to localStorage (key per ficha, with the
 * version it started from) until the server confirms a save; a failed save says why and how
 * to recover. Texts come from the page (json_script "ficha-textos"), already translated.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------- word rule
  // The rule of reporting/text.py (count_words), which the server applies on «Enviar a
  // revisión»: a run of letters/digits (Python's \w is [\p{L}\p{N}_]) with its accents typed as
  // combining marks, joined by inner - ' ’ . , or a soft/non-breaking hyphen. Both are checked
  // against tests/data/word_count_cases.json (tests/browser/test_word_count.py).
  var LETTERS = "[\\p{L}\\p{N}_][\\p{L}\\p{N}_\\u0300-\\u036f]*";
  var WORD = new RegExp(LETTERS + "(?:[-'’.,\\u00ad\\u2010\\u2011]" + LETTERS + ")*", "gu");

  function countWords(text) {
    var m = (text || "").match(WORD);
    return m ? m.length : 0;
  }
  // Exposed so that a page (and the browser test) counts exactly like the form's counters.
  window.pmmCountWords = countWords;

  var form = document.getElementById("ficha-form");
  if (!form) return;
  var T = JSON.parse(document.getElementById("ficha-textos").textContent);
  var statusBox = document.getElementById("estado-guardado");
  var errorsBox = document.getElementById("errores-autoguardado");
  var live = document.getElementById("aviso-palabras");
  // The autosave's outcome for screen readers: «Guardando…» is only shown, so that leaving a
  // field is announced once (it was twice: «Guardando…», then «Guardado a las…»).
  var announcer = document.getElementById("aviso-guardado");
  var versionInput = document.getElementById("id_version");
  var list = document.getElementById("retos-lista");
  var template = document.getElementById("reto-vacio");
  var addButton = document.getElementById("agregar-reto");
  var submitButton = document.getElementById("enviar-revision");
  var limit = parseInt(form.dataset.wordLimit, 10) || 180;
  var AUTOSAVE_MS = 30000;

  var dirty = false;
  var editSeq = 0;
  var inFlight = false;
  var pending = false;
  var leaving = false;
  var waitingSubmit = null;
  var overLimit = {};

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_m, k) {
      return values[k] === undefined ? "" : String(values[k]);
    });
  }

  // ---------------------------------------------------------------- word counters
  function updateCounters() {
    var totals = {};
    form.querySelectorAll("[data-word-section]").forEach(function (el) {
      var row = el.closest("[data-reto]");
      if (row && row.hidden) return;
      var s = el.dataset.wordSection;
      totals[s] = (totals[s] || 0) + countWords(el.value);
    });
    form.querySelectorAll("[data-word-counter]").forEach(function (c) {
      var s = c.dataset.wordCounter;
      var n = totals[s] || 0;
      var over = n > limit;
      var text = fmt(T.words, { n: n, limit: limit, section: c.dataset.sectionLabel });
      if (over) text += " " + fmt(T.wordsOver, { extra: n - limit });
      c.textContent = text;
      c.classList.toggle("text-danger", over);
      c.classList.toggle("fw-semibold", over);
    });
    Object.keys(totals).forEach(function (s) {
      var over = totals[s] > limit;
      var counter = form.querySelector('[data-word-counter="' + s + '"]');
      var values = { section: counter ? counter.dataset.sectionLabel : s, limit: limit };
      if (over && !overLimit[s]) {
        live.textContent = fmt(T.wordsOverAnnounce, values);
      } else if (!over && overLimit[s]) {
        // Back under the limit: said too (issue 11), not only going over it.
        live.textContent = fmt(live.dataset.backUnder || "", values);
      }
      overLimit[s] = over;
    });
  }

  // ---------------------------------------------------------------- challenges (retos)
  var total = form.querySelector('[name="retos-TOTAL_FORMS"]');
  var initial = form.querySelector('[name="retos-INITIAL_FORMS"]');

  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-reto]"));
  }
  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }
  function setIndex(row, i) {
    var re = /retos-(\d+|__prefix__)-/;
    row.querySelectorAll("[name]").forEach(function (el) {
      el.name = el.name.replace(re, "retos-" + i + "-");
    });
    row.querySelectorAll("[id]").forEach(function (el) {
      el.id = el.id.replace(re, "retos-" + i + "-");
    });
    row.querySelectorAll("label[for]").forEach(function (el) {
      el.htmlFor = el.htmlFor.replace(re, "retos-" + i + "-");
    });
    row.querySelectorAll("[aria-describedby]").forEach(function (el) {
      el.setAttribute("aria-describedby", el.getAttribute("aria-describedby").replace(re, "retos-" + i + "-"));
    });
  }
  // Django wants stored rows first; the order the person sees travels in «position».
  function renumber() {
    var all = rows();
    var stored = all.filter(function (r) { return field(r, "id") && field(r, "id").value; });
    var fresh = all.filter(function (r) { return stored.indexOf(r) === -1; });
    stored.concat(fresh).forEach(setIndex);
    total.value = all.length;
    initial.value = stored.length;
    positions();
  }
  function positions() {
    var n = 0;
    rows().forEach(function (row) {
      var pos = field(row, "position");
      if (row.hidden) return;
      if (pos) pos.value = n;
      n += 1;
      var label = row.querySelector(".reto-numero");
      if (label) label.textContent = n;
    });
  }
  function enhanceRow(row) {
    var nojs = row.querySelector(".reto-borrar-nojs");
    if (nojs) nojs.hidden = true;
    var buttons = row.querySelector(".reto-botones");
    if (buttons) buttons.hidden = false;
  }
  function addRow() {
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("ol");
    holder.innerHTML = html;
    var row = holder.querySelector("[data-reto]");
    list.appendChild(row);
    enhanceRow(row);
    total.value = index + 1;
    positions();
    return row;
  }
  function changed() {
    dirty = true;
    editSeq += 1;
    scheduleBackup();
    updateCounters();
  }

  if (list && template) {
    rows().forEach(enhanceRow);
    addButton.hidden = false;
    positions();
    addButton.addEventListener("click", function () {
      var row = addRow();
      field(row, "texto").focus();
      changed();
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-reto-action]");
      if (!button) return;
      var row = button.closest("[data-reto]");
      var action = button.dataset.retoAction;
      var visible = rows().filter(function (r) { return !r.hidden; });
      var at = visible.indexOf(row);
      if (action === "up" && at > 0) {
        list.insertBefore(row, visible[at - 1]);
        live.textContent = T.retoMoved;
      } else if (action === "down" && at < visible.length - 1) {
        list.insertBefore(visible[at + 1], row);
        live.textContent = T.retoMoved;
      } else if (action === "remove") {
        field(row, "DELETE").checked = true;
        row.hidden = true;
        live.textContent = T.retoRemoved;
        addButton.focus();
        positions();
        changed();
        return;
      } else {
        return;
      }
      positions();
      button.focus();
      changed();
    });
  }

  // ---------------------------------------------------------------- local backup
  // One key per person and ficha: on a shared computer, one account is never offered another
  // account's unsaved text (a new ficha used to share "pmm:ficha:nueva" across accounts).
  // Backups older than a week are dropped when any ficha page opens.
  var BACKUP_DAYS = 7;
  function storeKey() {
    return "pmm:" + form.dataset.userKey + ":ficha:" + form.dataset.fichaId;
  }
  function dropOldBackups() {
    try {
      var limit = Date.now() - BACKUP_DAYS * 24 * 3600 * 1000;
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (!key || key.indexOf("pmm:") !== 0) continue;
        var parts = key.split(":");
        var saved = JSON.parse(window.localStorage.getItem(key) || "null");
        // The old shared keys ("pmm:ficha:N") had no owner: never offer them to anyone.
        if (parts[1] === "ficha" || !saved || !saved.at || saved.at < limit) {
          window.localStorage.removeItem(key);
        }
      }
    } catch (_e) {
      /* Storage unavailable: nothing to drop. */
    }
  }
  dropOldBackups();
  // The form url-encoded, as its own «Guardar» posts it: the form has no file, and the server
  // parses this in a fraction of multipart's time. Line breaks become CRLF, as the browser's
  // own submission makes them (URLSearchParams would send LF): the same text is stored the
  // same way by both, so an audited save sees no change (docs/load-test.md §L8b).
  function urlEncoded(form) {
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      body.append(key, typeof value === "string" ? value.replace(/\r\n|\r|\n/g, "\r\n") : value);
    });
    return body;
  }
  function formPairs() {
    var pairs = [];
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrfmiddlewaretoken" && key !== "version") pairs.push([key, String(value)]);
    });
    return pairs;
  }
  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (_e) {
      /* Private mode or full storage: the page still holds the text. */
    }
  }
  function load(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (_e) {
      return null;
    }
  }
  function backup() {
    store(storeKey(), { version: versionInput.value, at: Date.now(), data: formPairs() });
  }
  var backupTimer = null;
  function scheduleBackup() {
    clearTimeout(backupTimer);
    backupTimer = setTimeout(backup, 400);
  }

  function restore(pairs) {
    var wanted = 0;
    pairs.forEach(function (p) { if (p[0] === "retos-TOTAL_FORMS") wanted = parseInt(p[1], 10) || 0; });
    while (rows().length < wanted) addRow();
    var values = {};
    pairs.forEach(function (p) { (values[p[0]] = values[p[0]] || []).push(p[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "version") return;
      var v = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = v.indexOf(el.value) !== -1 || (el.value === "on" && v.length > 0);
      else if (el.type !== "button" && el.type !== "submit") el.value = v.length ? v[0] : "";
    });
    rows().forEach(function (row) {
      var del = field(row, "DELETE");
      row.hidden = !!(del && del.checked);
    });
    positions();
    updateCounters();
  }

  function offerRecovery() {
    var saved = load(storeKey());
    if (!saved || !saved.data) return;
    if (JSON.stringify(saved.data) === JSON.stringify(formPairs())) {
      store(storeKey(), null);
      return;
    }
    var banner = document.getElementById("recuperacion");
    var hhmm = clock(saved.at);
    var detail = fmt(T.recoverDetail, { hora: hhmm });
    if (String(saved.version) !== String(versionInput.value)) detail += " " + T.recoverNewer;
    document.getElementById("recuperacion-detalle").textContent = detail;
    banner.hidden = false;
    document.getElementById("recuperar").addEventListener("click", function () {
      restore(saved.data);
      banner.hidden = true;
      dirty = true;
      editSeq += 1;
      setStatus(T.recovered);
      save();
    });
    document.getElementById("descartar").addEventListener("click", function () {
      store(storeKey(), null);
      banner.hidden = true;
      setStatus(T.discarded);
    });
  }

  // «HH:MM» of a timestamp in the server's time zone (Mexico City), as the save messages say
  // it, whatever the browser's own zone (docs/accessibility.md §S3).
  function clock(ms) {
    var zone = live.dataset.timeZone || undefined;
    try {
      return new Intl.DateTimeFormat("es-MX", {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone,
      }).format(new Date(ms));
    } catch (_e) {
      var when = new Date(ms);
      return ("0" + when.getHours()).slice(-2) + ":" + ("0" + when.getMinutes()).slice(-2);
    }
  }

  // ---------------------------------------------------------------- autosave
  function setStatus(text, isError, quiet) {
    statusBox.textContent = text;
    statusBox.classList.toggle("text-danger", !!isError);
    statusBox.classList.toggle("fw-semibold", !!isError);
    if (!quiet && announcer) announcer.textContent = text;
  }
  function showErrors(errors) {
    errorsBox.innerHTML = "";
    (errors || []).forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.href;
      a.textContent = (e.label ? e.label + ": " : "") + e.message;
      li.appendChild(a);
      errorsBox.appendChild(li);
    });
    errorsBox.hidden = !errors || !errors.length;
  }

  function applySaved(data) {
    versionInput.value = data.version;
    if (form.dataset.fichaId !== String(data.id)) {
      var old = storeKey();
      form.dataset.fichaId = String(data.id);
      store(old, null);
      form.action = data.edit_url;
      form.dataset.autosaveUrl = data.autosave_url;
      if (submitButton) {
        submitButton.setAttribute("formaction", data.submit_url);
        submitButton.hidden = false;
      }
      window.history.replaceState(null, "", data.edit_url);
    }
    if (list && data.retos) {
      data.retos.forEach(function (r) {
        var idInput = form.querySelector('[name="' + r.prefix + '-id"]');
        if (!idInput) return;
        var row = idInput.closest("[data-reto]");
        if (r.id) {
          idInput.value = r.id;
        } else if (row && row.hidden) {
          row.remove();
        } else {
          idInput.value = "";
        }
      });
      renumber();
    }
  }

  function save() {
    if (leaving) return;
    if (inFlight) {
      pending = true;
      return;
    }
    if (!dirty) return;
    inFlight = true;
    var seq = editSeq;
    backup();
    setStatus(T.saving, false, true);
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: urlEncoded(form),
      headers: { "X-Autosave": "1" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (response.redirected && response.url.indexOf(form.dataset.loginUrl) !== -1) {
          setStatus(T.sessionExpired, true);
          return;
        }
        return response
          .json()
          .catch(function () { return null; })
          .then(function (data) {
            if (!data) {
              setStatus(response.status === 403 ? T.csrfFailed : T.serverFailed, true);
            } else if (data.ok) {
              applySaved(data);
              showErrors([]);
              if (seq === editSeq) {
                dirty = false;
                store(storeKey(), null);
              } else {
                backup();
              }
              setStatus(fmt(T.savedAt, { hora: data.saved_at }));
            } else if (data.errors) {
              showErrors(data.errors);
              setStatus(T.invalid, true);
            } else {
              setStatus(data.message + " " + T.keptLocally, true);
            }
          });
      })
      .catch(function () {
        setStatus(T.networkFailed, true);
      })
      .then(function () {
        inFlight = false;
        if (waitingSubmit) {
          // The person pressed a button during the save: submit now, with the new version.
          var submitter = waitingSubmit;
          waitingSubmit = null;
          pending = false;
          form.requestSubmit(submitter === true ? undefined : submitter);
          return;
        }
        if (pending) {
          pending = false;
          save();
        }
      });
  }

  // ---------------------------------------------------------------- wiring
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function (event) {
    if (dirty && event.target.name) save();
  });
  setInterval(save, AUTOSAVE_MS);
  form.addEventListener("submit", function (event) {
    if (inFlight) {
      event.preventDefault();
      waitingSubmit = event.submitter || true;
      return;
    }
    leaving = true;
    backup();
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !leaving) {
      backup();
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The sticky action bar (static/css/app.css) never hides the focused control: the page keeps
  // the bar's height free when it scrolls a control into view (scroll-padding-bottom).
  var bar = form.querySelector(".ficha-acciones");
  function barHeight() {
    var sticky = bar && window.getComputedStyle(bar).position === "sticky";
    document.documentElement.style.setProperty(
      "--ficha-acciones-alto", sticky ? Math.ceil(bar.getBoundingClientRect().height + 16) + "px" : "0px");
  }
  if (bar) {
    barHeight();
    if (window.ResizeObserver) new ResizeObserver(barHeight).observe(bar);
    window.addEventListener("resize", barHeight);
  }

  updateCounters();
  offerRecovery();
  var summary = document.getElementById("resumen-errores");
  if (summary) summary.focus();
  // A refused «Enviar a revisión» is shown by /fichas/N/enviar/: show the ficha's own address,
  // so that reloading or bookmarking opens the ficha (reload then fetches it; the text still
  // unsaved stays in this browser's backup, offered by «Recuperar el texto»).
  var pageUrl = form.dataset.pageUrl;
  if (pageUrl && window.location.pathname !== pageUrl) {
    window.history.replaceState(null, "", pageUrl + window.location.hash);
  }
})();
