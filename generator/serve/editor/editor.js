/* fiches serve — atelier d'écriture : the editing page's script.
 *
 * Served by the program only (/_edit/static/editor.js), never copied into
 * the built site. CodeMirror 5 (Debian's libjs-codemirror) is the editor
 * component; without it a plain text area still works.
 *
 * Flow: every change is kept in localStorage at once (a crash loses
 * nothing), then after a short pause the text is sent to /_edit/api/apercu,
 * which checks it with the build's validator and renders the page with the
 * build's renderer; the diagnostics go to the gutter and the list, the page
 * to the preview frame. Saving names the version the text was edited from:
 * the server refuses it when the file changed on disk since, and both
 * versions are then shown side by side.
 */
(function () {
  'use strict';

  var PAUSE_MS = 25;        /* a pause in typing this long triggers a check */
  var DRAFT_PREFIX = 'fiches-brouillon:';
  var SET_ASIDE_PREFIX = 'fiches-version-ecartee:';

  var data = JSON.parse(document.getElementById('donnees').textContent);
  var chemin = data.chemin;
  var fichier = 'content/' + chemin;
  var base = data.version;        /* version of the disk text this text starts from */
  var savedText = data.texte;     /* what the disk holds, as far as we know */
  var lastErrors = 0;
  var measures = window.__fichesMesures = { apercu: [], diagnostics: [], chargement: 0 };

  var $ = function (id) { return document.getElementById(id); };
  var statusEl = $('etat');

  /* ------------------------------------------------------------ editor */

  /*
   * The page comes with the text in a plain text area, readable and
   * editable at the first paint; CodeMirror (deferred scripts) takes its
   * place once the page has been painted (upgrade(), below). Until then
   * the text area is the editor: checks, saves and the toolbar work on it.
   */
  var textarea = $('texte');
  /* Typed into before this script ran: that text is the coordinator's, kept. */
  if (textarea.value === textarea.defaultValue && textarea.value !== data.texte) textarea.value = data.texte;
  var cm = null;
  var listeners = [];
  function changed() { listeners.forEach(function (f) { f(); }); }
  textarea.addEventListener('input', function () { if (!cm) changed(); });
  var sel = function () { return [textarea.selectionStart, textarea.selectionEnd]; };
  var editor = {
    get: function () { return cm ? cm.getValue() : textarea.value; },
    set: function (t) {
      if (cm) cm.setValue(t);
      else { textarea.value = t; changed(); }
    },
    onChange: function (f) { listeners.push(f); },
    selection: function () {
      if (cm) return cm.getSelection();
      var s = sel(); return textarea.value.slice(s[0], s[1]);
    },
    replace: function (t, selectInner) {
      if (cm) { cm.replaceSelection(t, selectInner ? 'around' : 'end'); cm.focus(); return; }
      textarea.setRangeText(t, sel()[0], sel()[1], selectInner ? 'select' : 'end');
      textarea.focus();
      changed();
    },
    lineText: function () {
      if (cm) return cm.getLine(cm.getCursor().line);
      var v = textarea.value, s = sel()[0];
      return v.slice(v.lastIndexOf('\n', s - 1) + 1, (v.indexOf('\n', s) + 1 || v.length + 1) - 1);
    },
    prefixLines: function (prefix) {
      if (cm) {
        var from = cm.getCursor('from').line, to = cm.getCursor('to').line;
        cm.operation(function () {
          for (var l = from; l <= to; l++) cm.replaceRange(prefix, { line: l, ch: 0 });
        });
        cm.focus();
        return;
      }
      var v = textarea.value, at = v.lastIndexOf('\n', sel()[0] - 1) + 1;
      textarea.setRangeText(prefix, at, at, 'end');
      textarea.focus();
      changed();
    },
    append: function (t) {
      if (cm) {
        var last = cm.lastLine();
        cm.replaceRange(t, { line: last, ch: cm.getLine(last).length });
        return;
      }
      textarea.value += t;
      changed();
    },
    goTo: function (line, col) {
      if (cm) {
        cm.focus();
        cm.setCursor({ line: Math.max(0, line - 1), ch: Math.max(0, col - 1) });
        cm.scrollIntoView(null, 80);
        return;
      }
      var v = textarea.value, at = 0;
      for (var i = 1; i < line; i++) at = v.indexOf('\n', at) + 1;
      at = Math.min(v.length, at + Math.max(0, (col || 1) - 1));
      textarea.focus();
      textarea.setSelectionRange(at, at);
    },
    focus: function () { if (cm) cm.focus(); else textarea.focus(); }
  };

  /*
   * CodeMirror in place of the text area, with what was typed there, the
   * selection, the focus and the scroll position: nothing typed before is
   * lost (fromTextArea reads the text area's value in this same task).
   */
  function upgrade() {
    if (cm || !window.CodeMirror) return;
    var hadFocus = document.activeElement === textarea;
    var selStart = textarea.selectionStart, selEnd = textarea.selectionEnd, top = textarea.scrollTop;
    textarea.classList.remove('simple');
    cm = window.CodeMirror.fromTextArea(textarea, {
      mode: { name: 'yaml-frontmatter', base: 'markdown' },
      lineNumbers: true,
      lineWrapping: true,
      /*
       * The hidden-textarea input: with 'contenteditable', redrawing a line
       * (a diagnostic marker arriving) while the keystroke was not read yet
       * from the DOM loses it.
       */
      inputStyle: 'textarea',
      spellcheck: true,
      screenReaderLabel: 'Texte de la fiche, en Markdown',
      gutters: ['diagnostics', 'CodeMirror-linenumbers'],
      extraKeys: {
        'Enter': 'newlineAndIndentContinueMarkdownList',
        'Ctrl-S': function () { save(false); },
        'Cmd-S': function () { save(false); },
        'Ctrl-B': function () { wrap('**', '**', 'texte en gras'); },
        'Ctrl-I': function () { wrap('*', '*', 'texte en italique'); },
        /* Tab leaves the editor (keyboard users must be able to get out). */
        'Tab': false,
        'Shift-Tab': false
      }
    });
    cm.getWrapperElement().setAttribute('lang', 'fr');
    /* The scrolling area is reachable with the keyboard too (arrows scroll it). */
    cm.getScrollerElement().setAttribute('tabindex', '0');
    cm.getScrollerElement().setAttribute('aria-label', 'Défilement du texte');
    cm.setSelection(cm.posFromIndex(selStart), cm.posFromIndex(selEnd));
    cm.scrollTo(null, top);
    if (hadFocus) cm.focus();
    cm.on('changes', changed);
    /* The problems already listed get their marks in the gutter. */
    if (lastShown) showDiagnostics(lastShown.list, lastShown.errors, lastShown.warnings);
    measures.codemirror = performance.now();
  }

  /*
   * After the deferred scripts (CodeMirror) have run, and once the page
   * with its text and problems has been painted: a frame, then a task (a
   * hidden tab has no frames: the timer does it then). The first preview
   * follows (afterUpgrade): its page's layout would only delay the editor.
   */
  var settled = false, afterUpgrade = [];
  function flush() {
    settled = true;
    afterUpgrade.splice(0).forEach(function (f) { f(); });
  }
  function settle() {
    upgrade();
    flush();
  }
  /* CodeMirror slow to come (a slow link): the preview does not wait for it. */
  setTimeout(flush, 400);
  function upgradeAfterPaint() {
    requestAnimationFrame(function () { setTimeout(settle, 0); });
    setTimeout(settle, 250);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', upgradeAfterPaint);
  else upgradeAfterPaint();

  /* ------------------------------------------------------------ status */

  function dirty() { return editor.get() !== savedText; }
  /* For rename.js: a renaming starts from the saved text. */
  window.fichesAtelier = { modifie: dirty };

  function showStatus() {
    if (dirty()) {
      statusEl.textContent = 'Modifications non enregistrées';
      statusEl.className = 'modifie';
    } else if (lastErrors > 0) {
      statusEl.textContent = 'Enregistré, avec des erreurs\u202f: le site garde sa dernière version correcte';
      statusEl.className = 'erreurs';
    } else {
      statusEl.textContent = 'Enregistré';
      statusEl.className = 'enregistre';
    }
  }

  window.addEventListener('beforeunload', function (e) {
    if (dirty()) { e.preventDefault(); e.returnValue = ''; return ''; }
  });

  /* ------------------------------------------------------------ drafts */

  function storeDraft() {
    try {
      if (dirty())
        localStorage.setItem(DRAFT_PREFIX + chemin, JSON.stringify({ texte: editor.get(), base: base, quand: Date.now() }));
      else
        localStorage.removeItem(DRAFT_PREFIX + chemin);
    } catch (e) { /* storage full or refused: the beforeunload warning still holds */ }
  }

  function restoreDraft() {
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(DRAFT_PREFIX + chemin) || 'null'); } catch (e) { draft = null; }
    if (!draft || typeof draft.texte !== 'string' || draft.texte === savedText) return;
    editor.set(draft.texte);
    base = draft.base || base;
    var banner = $('brouillon');
    var when = new Date(draft.quand || Date.now());
    banner.textContent = '';
    var p = document.createElement('p');
    p.textContent = 'Texte non enregistré du ' + when.toLocaleString('fr-FR') +
      ' retrouvé et rétabli. Enregistrez-le pour le garder' +
      (draft.base !== data.version ? ' (le fichier a changé sur le disque depuis\u202f: l’enregistrement vous montrera les deux versions).' : '.');
    var drop = document.createElement('button');
    drop.type = 'button';
    drop.textContent = 'Abandonner ce texte et reprendre celui du disque';
    drop.addEventListener('click', function () {
      if (!window.confirm('Abandonner le texte non enregistré\u202f?')) return;
      base = data.version;
      editor.set(data.texte);
      savedText = data.texte;
      storeDraft();
      banner.hidden = true;
      showStatus();
    });
    banner.appendChild(p);
    banner.appendChild(drop);
    banner.hidden = false;
  }

  /* ------------------------------------------------- preview and checks */

  var pauseTimer = null, inFlight = false, again = false, lastChange = 0, seq = 0;
  var gutterMarks = [];
  var frame = $('apercu');
  var frameScroll = 0, framePending = null;
  /* The frame shows a page of ours (loaded once; after that, patched in place). */
  var frameShown = false;

  frame.addEventListener('load', function () {
    try { frame.contentWindow.scrollTo(0, frameScroll); } catch (e) { /* not ready */ }
    if (framePending !== null) {
      frameShown = true;
      if (framePending) measures.apercu.push(performance.now() - framePending);
      framePending = null;
    }
  });

  /* Attributes of two elements, the same? */
  function sameAttributes(a, b) {
    if (a.attributes.length !== b.attributes.length) return false;
    for (var i = 0; i < a.attributes.length; i++)
      if (b.getAttribute(a.attributes[i].name) !== a.attributes[i].value) return false;
    return true;
  }

  /*
   * Makes the children of old (in the frame) those of now (a parsed page):
   * equal nodes stay, elements of the same tag and attributes are patched
   * below, anything else is replaced. Only what changed is laid out again,
   * and the frame keeps its scroll position.
   */
  function patchChildren(doc, old, now) {
    var a = old.childNodes, b = now.childNodes;
    if (a.length !== b.length) {
      var copies = [];
      for (var k = 0; k < b.length; k++) copies.push(doc.importNode(b[k], true));
      old.replaceChildren.apply(old, copies);
      return;
    }
    for (var i = 0; i < b.length; i++) {
      var x = a[i], y = b[i];
      if (x.isEqualNode(y)) continue;
      if (x.nodeType === 1 && y.nodeType === 1 && x.tagName === y.tagName && sameAttributes(x, y))
        patchChildren(doc, x, y);
      else
        old.replaceChild(doc.importNode(y, true), x);
    }
  }

  /* Shows html in the frame by patching the page it shows; false when it must be loaded whole. */
  function patchFrame(html) {
    var doc = null;
    try { doc = frame.contentDocument; } catch (e) { doc = null; }
    if (!frameShown || framePending !== null || !doc || !doc.documentElement || doc.readyState !== 'complete')
      return false;
    var now = new DOMParser().parseFromString(html, 'text/html');
    if (!sameAttributes(doc.documentElement, now.documentElement)) return false;
    patchChildren(doc, doc.documentElement, now.documentElement);
    return true;
  }

  function levelLabel(d) {
    return d.niveau === 'erreur' ? 'Erreur' : d.niveau === 'avertissement' ? 'Avertissement' : 'Note';
  }

  var lastShown = null;
  function showDiagnostics(list, errors, warnings) {
    lastShown = { list: list, errors: errors, warnings: warnings };
    var ul = $('problemes');
    ul.textContent = '';
    if (cm) {
      cm.operation(function () {
        gutterMarks.forEach(function (l) {
          cm.removeLineClass(l, 'background', 'ligne-erreur');
          cm.removeLineClass(l, 'background', 'ligne-avertissement');
        });
        cm.clearGutter('diagnostics');
      });
      gutterMarks = [];
    }
    var mine = 0;
    list.forEach(function (d) {
      var here = d.fichier === fichier;
      var li = document.createElement('li');
      li.className = d.niveau;
      var where = here ? (d.ligne > 0 ? 'ligne ' + d.ligne : 'ce fichier') : (d.fichier || 'fiches') + (d.ligne > 0 ? ', ligne ' + d.ligne : '');
      var text = levelLabel(d) + ' (' + where + ') : ' + d.message;
      if (here && d.ligne > 0) {
        mine++;
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = text;
        b.addEventListener('click', function () { editor.goTo(d.ligne, d.colonne); });
        li.appendChild(b);
        if (cm && d.ligne - 1 <= cm.lastLine()) {
          var mark = document.createElement('span');
          mark.className = 'marque-' + d.niveau;
          mark.textContent = d.niveau === 'erreur' ? '✖' : '!';
          mark.title = text;
          cm.setGutterMarker(d.ligne - 1, 'diagnostics', mark);
          cm.addLineClass(d.ligne - 1, 'background', d.niveau === 'erreur' ? 'ligne-erreur' : 'ligne-avertissement');
          gutterMarks.push(d.ligne - 1);
        }
      } else {
        li.textContent = text;
      }
      ul.appendChild(li);
    });
    var summary = $('resume-problemes');
    if (!list.length) summary.textContent = 'Aucun problème.';
    else summary.textContent = plural(errors, 'erreur', 'erreurs') + ', ' +
      plural(warnings, 'avertissement', 'avertissements') +
      (mine < list.length ? ' (dont ' + (list.length - mine) + ' dans d’autres fichiers)' : '') + '.';
    summary.className = errors ? 'erreurs' : warnings ? 'avertissements' : 'ok';
  }

  function plural(n, one, many) { return n + '\u00a0' + (n > 1 ? many : one); }

  function showPreview(r, startedAt) {
    var note = $('etat-apercu');
    if (r.page) $('voir').href = '/' + r.page;
    if (r.html === null) {
      note.textContent = r.erreurs ? 'Aperçu en attente\u202f: corrigez les erreurs ci-contre pour le voir à jour.' :
        'Ce texte n’a pas de page à lui.';
      note.className = 'attente';
      return;
    }
    note.textContent = '';
    note.className = '';
    if (patchFrame(r.html)) {
      /*
       * Measured once laid out (forced here; the paint follows at the next
       * frame), as the load event was measured before: requestAnimationFrame
       * would wait for the tab to be shown.
       */
      if (startedAt) {
        try { frame.contentDocument.documentElement.getBoundingClientRect(); } catch (e) { /* gone */ }
        measures.apercu.push(performance.now() - startedAt);
      }
      return;
    }
    try { frameScroll = frame.contentWindow.scrollY || 0; } catch (e) { frameScroll = 0; }
    framePending = startedAt;
    frame.srcdoc = r.html;
  }

  function check() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    var startedAt = lastChange;
    var mySeq = ++seq;
    var text = editor.get();
    /* The first check came with the page (data.premier), for the text as opened. */
    var first = data.premier;
    data.premier = null;
    (first && text === data.texte ? Promise.resolve(first) : fetch('/_edit/api/apercu', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ chemin: chemin, texte: text })
    }).then(function (resp) { return resp.json(); })).then(function (r) {
      if (mySeq !== seq) return;
      lastErrors = r.erreurs || 0;
      if (r.entete) { pendingMeta = r.entete; applyMeta(r.entete); }
      showDiagnostics(r.diagnostics || [], r.erreurs || 0, r.avertissements || 0);
      if (startedAt) {
        measures.diagnostics.push(performance.now() - startedAt);
        if (r.duree_ms !== undefined) (measures.serveur = measures.serveur || []).push(r.duree_ms);
      }
      /* The first preview waits for CodeMirror's upgrade: the editor first, then the page. */
      if (settled) showPreview(r, startedAt);
      else afterUpgrade.push(function () { showPreview(r, startedAt); });
      showStatus();
    }).catch(function () {
      $('etat-apercu').textContent = 'Le serveur ne répond pas\u202f: «\u202ffiches serve\u202f» est-il toujours lancé\u202f? Votre texte reste gardé dans ce navigateur.';
      $('etat-apercu').className = 'attente';
    }).then(function () {
      inFlight = false;
      if (again) { again = false; check(); }
    });
  }

  editor.onChange(function () {
    lastChange = performance.now();
    storeDraft();
    showStatus();
    clearTimeout(pauseTimer);
    pauseTimer = setTimeout(check, PAUSE_MS);
  });

  /* -------------------------------------------------------------- save */

  var saving = false;

  function save(overwrite, overwriteBase) {
    if (saving) return;
    saving = true;
    var text = editor.get();
    statusEl.textContent = 'Enregistrement…';
    fetch('/_edit/api/enregistrer', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ chemin: chemin, texte: text, base: overwrite ? overwriteBase : base })
    }).then(function (resp) {
      return resp.json().then(function (r) { return { status: resp.status, r: r }; });
    }).then(function (x) {
      if (x.status === 200) {
        base = x.r.version;
        savedText = text;
        data.version = base;
        data.texte = text;
        storeDraft();
        $('brouillon').hidden = true;
        showStatus();
        if (editor.get() !== text) storeDraft();
      } else if (x.status === 409) {
        showConflict(text, x.r);
      } else {
        statusEl.textContent = 'Non enregistré\u202f: ' + (x.r.erreur || 'erreur ' + x.status) + ' Votre texte reste gardé dans ce navigateur.';
        statusEl.className = 'erreurs';
      }
    }).catch(function () {
      statusEl.textContent = 'Non enregistré\u202f: le serveur ne répond pas. Votre texte reste gardé dans ce navigateur.';
      statusEl.className = 'erreurs';
    }).then(function () { saving = false; });
  }

  $('enregistrer').addEventListener('click', function () { save(false); });
  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'S')) { e.preventDefault(); save(false); }
  });

  /* Lines of a and b, each marked when it has no counterpart in the other (LCS). */
  function lineDiff(a, b) {
    var x = a.split('\n'), y = b.split('\n');
    var n = x.length, m = y.length;
    if (n * m > 4e6) return { a: x.map(function (l) { return [l, false]; }), b: y.map(function (l) { return [l, false]; }) };
    var L = [];
    for (var i = 0; i <= n; i++) L.push(new Uint32Array(m + 1));
    for (i = n - 1; i >= 0; i--)
      for (var j = m - 1; j >= 0; j--)
        L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    var ka = x.map(function () { return true; }), kb = y.map(function () { return true; });
    i = 0; j = 0;
    while (i < n && j < m) {
      if (x[i] === y[j]) { ka[i] = kb[j] = false; i++; j++; }
      else if (L[i + 1][j] >= L[i][j + 1]) i++;
      else j++;
    }
    return { a: x.map(function (l, k) { return [l, ka[k]]; }), b: y.map(function (l, k) { return [l, kb[k]]; }) };
  }

  function fillPre(pre, lines) {
    pre.textContent = '';
    lines.forEach(function (l, k) {
      var span = document.createElement(l[1] ? 'mark' : 'span');
      span.textContent = (k + 1 + '').padStart(4, ' ') + '  ' + l[0] + '\n';
      pre.appendChild(span);
    });
  }

  function showConflict(mine, r) {
    var dlg = $('conflit');
    var d = lineDiff(mine, r.disque || '');
    fillPre($('conflit-mien'), d.a);
    fillPre($('conflit-disque'), d.b);
    statusEl.textContent = 'Non enregistré\u202f: le fichier a changé sur le disque';
    statusEl.className = 'erreurs';
    $('conflit-garder').onclick = function () { dlg.close(); save(true, r.version); };
    $('conflit-prendre').onclick = function () {
      /* The coordinator's text is set aside, not thrown away. */
      try { localStorage.setItem(SET_ASIDE_PREFIX + chemin, JSON.stringify({ texte: mine, quand: Date.now() })); } catch (e) { /* ignore */ }
      dlg.close();
      base = r.version;
      savedText = r.disque || '';
      data.version = base;
      data.texte = savedText;
      editor.set(savedText);
      storeDraft();
      showStatus();
    };
    $('conflit-fermer').onclick = function () { dlg.close(); showStatus(); };
    dlg.showModal();
  }


  /* -------------------------------------------------- front matter form */

  /*
   * Built from the kind's description (kind_describe_json): a control per
   * field; references are chosen from lists, never typed. A change asks the
   * server to rewrite that field's lines only, then the text is patched.
   */
  var fields = [];          /* {f, box, get, set} */
  var lastMeta = null;

  function applyText(next) {
    var cur = editor.get();
    if (cur === next) return;
    var a = 0, b = 0;
    while (a < cur.length && a < next.length && cur[a] === next[a]) a++;
    while (b < cur.length - a && b < next.length - a && cur[cur.length - 1 - b] === next[next.length - 1 - b]) b++;
    if (cm) cm.replaceRange(next.slice(a, next.length - b), cm.posFromIndex(a), cm.posFromIndex(cur.length - b));
    else editor.set(next);
  }

  function sendField(entry) {
    var value = entry.get();
    entry.error.textContent = '';
    fetch('/_edit/api/champ', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ chemin: chemin, texte: editor.get(), champ: entry.f.name, valeur: value })
    }).then(function (resp) { return resp.json().then(function (r) { return { status: resp.status, r: r }; }); })
      .then(function (x) {
        if (x.status === 200 && typeof x.r.texte === 'string') applyText(x.r.texte);
        else entry.error.textContent = x.r.erreur || 'Modification refusée.';
      }).catch(function () { entry.error.textContent = 'Le serveur ne répond pas.'; });
  }

  var uid = 0;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function norm(t) { return (t || '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''); }

  /* Checkboxes (list) or radio buttons (one) over choices, with a filter when long. */
  function choiceControl(f, entry, box, choices) {
    var state = f.list ? [] : null;
    var listBox = el('div', { 'class': 'choix-champ' });
    var filter = null;
    if (choices.length > 8) {
      var fid = 'filtre-' + (++uid);
      var flabel = el('label', { 'for': fid, 'class': 'filtre' }, 'Rechercher dans la liste');
      filter = el('input', { id: fid, type: 'search', autocomplete: 'off' });
      box.appendChild(flabel);
      box.appendChild(filter);
      filter.addEventListener('input', function () {
        var q = norm(filter.value);
        [].forEach.call(listBox.children, function (row) {
          row.hidden = q && norm(row.textContent).indexOf(q) < 0 && !row.querySelector('input').checked;
        });
      });
    }
    box.appendChild(listBox);
    var group = 'g' + (++uid);
    function render() {
      listBox.textContent = '';
      var known = {};
      var all = choices.map(function (c) { known[c.id] = 1; return c; });
      var current = f.list ? state : (state ? [state] : []);
      current.forEach(function (id) { if (!known[id]) all.push({ id: id, label: id + ' (inconnu\u202f: à décocher)', unknown: true }); });
      if (!f.list && !f.required) all.unshift({ id: '', label: 'Aucun' });
      all.forEach(function (c) {
        var id = 'c' + (++uid);
        var row = el('div', { 'class': 'option' + (c.unknown ? ' inconnu' : '') });
        var input = el('input', { id: id, type: f.list ? 'checkbox' : 'radio', name: group, value: c.id });
        input.checked = f.list ? state.indexOf(c.id) >= 0 : (state || '') === c.id;
        var label = el('label', { 'for': id });
        if (c.colour) {
          var sw = el('span', { 'class': 'pastille', 'aria-hidden': 'true' });
          sw.style.background = c.colour;
          label.appendChild(sw);
        }
        label.appendChild(document.createTextNode(c.label + (c.number ? ' (n° ' + c.number + ')' : '')));
        input.addEventListener('change', function () {
          if (f.list) {
            if (input.checked) { if (state.indexOf(c.id) < 0) state.push(c.id); }
            else state = state.filter(function (x) { return x !== c.id; });
          } else {
            state = c.id || null;
          }
          sendField(entry);
        });
        row.appendChild(input);
        row.appendChild(label);
        listBox.appendChild(row);
      });
    }
    entry.get = function () { return f.list ? state.slice() : state; };
    entry.set = function (v) {
      if (f.list) state = Array.isArray(v) ? v.map(String) : (v === null || v === undefined ? [] : [String(v)]);
      else state = v === null || v === undefined ? null : String(v);
      render();
    };
    render();
  }

  function buildField(f) {
    var entry = { f: f };
    var box = el('div', { 'class': 'champ champ-' + f.type });
    var id = 'champ-' + f.name;
    var labelText = f.label + (f.required ? ' (obligatoire)' : '');
    var grouped = ['taxon', 'contact', 'doc'].indexOf(f.type) >= 0;
    var input;
    if (grouped) {
      var fs = el('fieldset', { 'class': 'champ champ-' + f.type });
      fs.appendChild(el('legend', {}, labelText));
      box = fs;
      choiceControl(f, entry, fs, f.choices || []);
    } else if (f.type === 'enum') {
      box.appendChild(el('label', { 'for': id }, labelText));
      input = el('select', { id: id });
      box.appendChild(input);
      entry.get = function () { return input.value || null; };
      entry.set = function (v) {
        input.textContent = '';
        if (!f.required || v === null || v === undefined) input.appendChild(el('option', { value: '' }, '—'));
        var found = false;
        (f.values || []).forEach(function (c) { input.appendChild(el('option', { value: c.id }, c.label)); if (c.id === v) found = true; });
        if (v && !found) input.appendChild(el('option', { value: v }, v + ' (inconnu)'));
        input.value = v || '';
      };
      input.addEventListener('change', function () { sendField(entry); });
    } else if (f.type === 'include' || f.type === 'strings') {
      box.appendChild(el('p', { 'class': 'aide' }, labelText + ' : à modifier dans le texte.'));
      entry.get = function () { return undefined; };
      entry.set = function () {};
    } else {
      box.appendChild(el('label', { 'for': id }, labelText));
      var number = f.type === 'int' || f.type === 'year';
      input = el(f.type === 'long-text' ? 'textarea' : 'input', {
        id: id, type: f.type === 'long-text' ? undefined : number ? 'number' : f.type === 'url' ? 'url' : f.type === 'email' ? 'email' : 'text',
        min: number ? f.min : undefined, max: number ? f.max : undefined, rows: f.type === 'long-text' ? 4 : undefined,
        lang: 'fr', 'aria-required': f.required ? 'true' : undefined
      });
      box.appendChild(input);
      entry.get = function () {
        var v = input.value.replace(/\s+/g, f.type === 'long-text' || f.type === 'text' ? ' ' : '').trim();
        if (!v) return null;
        return number ? (/^-?\d+$/.test(v) ? parseInt(v, 10) : v) : v;
      };
      entry.set = function (v) { input.value = v === null || v === undefined ? '' : String(v); };
      input.addEventListener('change', function () { sendField(entry); });
    }
    entry.box = box;
    entry.error = el('p', { 'class': 'erreur-champ', role: 'alert' });
    box.appendChild(entry.error);
    return entry;
  }

  function applyMeta(meta) {
    if (!meta || !fields.length) return;
    var active = document.activeElement;
    var changed = JSON.stringify(meta) !== JSON.stringify(lastMeta);
    if (!changed) return;
    lastMeta = meta;
    fields.forEach(function (entry) {
      if (active && entry.box.contains(active) && active.type !== 'checkbox' && active.type !== 'radio') return;
      var v = meta[entry.f.name];
      entry.set(v === undefined ? null : v);
    });
  }

  function buildForm() {
    var dir = chemin.split('/')[0];
    loadCatalogue().then(function (c) {
      var kind = ((c.genres && c.genres.kinds) || []).filter(function (k) { return k.dir === dir; })[0];
      var host = $('champs');
      if (!kind) { $('fiche').hidden = true; return; }
      kind.fields.forEach(function (f) {
        var entry = buildField(f);
        fields.push(entry);
        host.appendChild(entry.box);
      });
      if (pendingMeta) applyMeta(pendingMeta);
    });
  }
  var pendingMeta = null;


  /* ------------------------------------------------------------ history */

  function post(url, body) {
    return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (resp) { return resp.json().then(function (r) { return { status: resp.status, r: r }; }); });
  }

  function dateLabel(v) {
    var d = new Date(v.quand * 1000);
    return d.toLocaleDateString('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }) +
      ' à ' + d.toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
  }

  function openHistory() {
    var dlg = $('historique');
    $('historique-diff').hidden = true;
    var list = $('historique-liste');
    list.textContent = '';
    post('/_edit/api/historique', { chemin: chemin }).then(function (x) {
      $('historique-genre').textContent = x.r.genre === 'git' ?
        'Chaque enregistrement est une version du dépôt git du projet.' :
        'Chaque enregistrement est gardé dans le dossier .fiches/historique/ du projet.';
      var versions = x.r.versions || [];
      if (!versions.length) list.appendChild(el('li', {}, 'Aucune version enregistrée pour l’instant.'));
      versions.forEach(function (v, i) {
        var li = el('li');
        li.appendChild(el('span', { 'class': 'quand' }, dateLabel(v) + (i === 0 ? ' (la plus récente)' : '')));
        li.appendChild(el('span', { 'class': 'message' }, ' — ' + v.message + ' '));
        var cmp = el('button', { type: 'button' }, 'Comparer avec le texte actuel');
        cmp.addEventListener('click', function () {
          post('/_edit/api/version', { chemin: chemin, id: v.id }).then(function (y) {
            if (y.status !== 200) return;
            var d = lineDiff(y.r.texte, editor.get());
            $('historique-ancienne-titre').textContent = 'Version du ' + dateLabel(v);
            fillPre($('historique-ancienne'), d.a);
            fillPre($('historique-actuel'), d.b);
            $('historique-diff').hidden = false;
          });
        });
        var back = el('button', { type: 'button' }, 'Rétablir cette version');
        back.addEventListener('click', function () { restore(v); });
        li.appendChild(cmp);
        li.appendChild(document.createTextNode(' '));
        li.appendChild(back);
        list.appendChild(li);
      });
    });
    if (!dlg.open) dlg.showModal();
  }

  function restore(v) {
    if (dirty() && !window.confirm('Le texte non enregistré sera remplacé par cette version. Continuer\u202f?')) return;
    post('/_edit/api/version', { chemin: chemin, id: v.id }).then(function (y) {
      if (y.status !== 200) return;
      var text = y.r.texte;
      return post('/_edit/api/retablir', { chemin: chemin, id: v.id, base: base, date: dateLabel(v) }).then(function (x) {
        if (x.status === 200) {
          base = x.r.version;
          savedText = text;
          data.version = base;
          data.texte = text;
          editor.set(text);
          storeDraft();
          showStatus();
          openHistory();
        } else if (x.status === 409) {
          $('historique').close();
          showConflict(editor.get(), x.r);
        }
      });
    });
  }

  $('ouvrir-historique').addEventListener('click', openHistory);

  /* Deleting: refused while other texts refer to it (listed); kept in the history. */
  $('supprimer').addEventListener('click', function () {
    $('suppression-liens').textContent = '';
    $('suppression-oui').hidden = false;
    $('suppression-titre').textContent = 'Supprimer ce texte\u202f?';
    $('suppression').showModal();
  });
  $('suppression-non').addEventListener('click', function () { $('suppression').close(); });
  $('suppression-oui').addEventListener('click', function () {
    post('/_edit/api/supprimer', { chemin: chemin, base: base }).then(function (x) {
      if (x.status === 200) {
        savedText = editor.get();
        try { localStorage.removeItem(DRAFT_PREFIX + chemin); } catch (e) { /* ignore */ }
        window.location.href = '/_edit/';
        return;
      }
      var list = $('suppression-liens');
      list.textContent = '';
      $('suppression-oui').hidden = true;
      if (x.r.liens) {
        $('suppression-titre').textContent = 'Suppression refusée\u202f: d’autres textes y renvoient';
        x.r.liens.forEach(function (l) {
          list.appendChild(el('li', {}, l.fichier + (l.ligne ? ', ligne ' + l.ligne : '') + ' : ' + l.message));
        });
      } else {
        $('suppression-titre').textContent = 'Suppression refusée';
        list.appendChild(el('li', {}, x.r.conflit ? 'Le fichier a changé sur le disque\u202f: rechargez la page.' : (x.r.erreur || 'Erreur ' + x.status)));
      }
    });
  });
  $('historique-fermer').addEventListener('click', function () { $('historique').close(); });

  /* ----------------------------------------------------------- toolbar */

  var catalogue = null;
  function loadCatalogue() {
    if (!catalogue)
      catalogue = fetch('/_edit/api/catalogue').then(function (r) { return r.json(); });
    return catalogue;
  }

  function wrap(before, after, placeholder) {
    var s = editor.selection();
    editor.replace(before + (s || placeholder) + after, false);
  }

  function atLineStart(prefix, placeholder) {
    if (editor.lineText().trim() === '' && placeholder) editor.replace(prefix + placeholder, false);
    else editor.prefixLines(prefix);
  }

  function footnote() {
    var text = editor.get(), n = 1;
    var re = /\[\^(\d+)\]/g, m;
    while ((m = re.exec(text))) n = Math.max(n, parseInt(m[1], 10) + 1);
    editor.replace('[^' + n + ']', false);
    editor.append((text.endsWith('\n') ? '' : '\n') + '\n[^' + n + ']: Texte de la note.\n');
  }

  /* The choice dialog: a filter and a list of buttons. */
  function choose(title, items, label, onPick, extra) {
    var dlg = $('choix');
    $('choix-titre').textContent = title;
    var filter = $('choix-filtre');
    filter.value = '';
    var list = $('choix-liste');
    var extraBox = $('choix-extra');
    extraBox.textContent = '';
    if (extra) extraBox.appendChild(extra);
    function render() {
      var q = filter.value.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      list.textContent = '';
      items.filter(function (it) {
        return !q || label(it).toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').indexOf(q) >= 0;
      }).slice(0, 200).forEach(function (it) {
        var li = document.createElement('li');
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = label(it);
        b.addEventListener('click', function () { onPick(it); });
        li.appendChild(b);
        list.appendChild(li);
      });
    }
    filter.oninput = render;
    render();
    if (!dlg.open) dlg.showModal();
    filter.focus();
  }

  function closeChoice() { $('choix').close(); editor.focus(); }

  function linkToDoc() {
    loadCatalogue().then(function (c) {
      choose('Lien vers une fiche', c.documents, function (d) { return d.type + ' · ' + d.titre + ' (' + d.ref + ')'; }, function (d) {
        var sections = [{ ancre: '', texte: 'Toute la fiche' }].concat(d.ancres || []);
        choose('Section de «\u202f' + d.titre + '\u202f»', sections, function (a) { return a.ancre ? a.texte + ' (#' + a.ancre + ')' : a.texte; }, function (a) {
          closeChoice();
          editor.replace('[' + editor.selection() + '](' + d.ref + (a.ancre ? '#' + a.ancre : '') + ')', false);
        });
      });
    });
  }

  function sigle() {
    loadCatalogue().then(function (c) {
      choose('Sigle du glossaire', c.sigles, function (g) { return g.sigle + (g.expansion ? ' — ' + g.expansion : ''); }, function (g) {
        closeChoice();
        editor.replace(g.sigle, false);
      });
    });
  }

  function image() {
    loadCatalogue().then(function (c) {
      var box = document.createElement('p');
      var lab = document.createElement('label');
      lab.htmlFor = 'choix-description';
      lab.textContent = 'Description de l’image (lue à qui ne la voit pas)\u202f: ';
      var input = document.createElement('input');
      input.id = 'choix-description';
      input.type = 'text';
      box.appendChild(lab);
      box.appendChild(input);
      /* A new image: sent as it is, checked and named by the server. */
      var up = document.createElement('p');
      var flab = el('label', { 'for': 'choix-fichier' }, 'Ajouter une image (PNG ou photo JPEG, 10 Mo au plus)\u202f: ');
      var file = el('input', { id: 'choix-fichier', type: 'file', accept: 'image/png,image/jpeg' });
      var send = el('button', { type: 'button' }, 'Ajouter et insérer');
      var msg = el('span', { role: 'status', 'class': 'erreur-champ' });
      up.appendChild(flab);
      up.appendChild(file);
      up.appendChild(send);
      up.appendChild(msg);
      box.appendChild(up);
      send.addEventListener('click', function () {
        var f = file.files && file.files[0];
        var desc = input.value.trim();
        if (!desc) { input.focus(); input.setAttribute('aria-invalid', 'true'); msg.textContent = 'Décrivez d’abord l’image.'; return; }
        if (!f) { file.focus(); msg.textContent = 'Choisissez un fichier.'; return; }
        msg.textContent = 'Envoi…';
        fetch('/_edit/api/image', { method: 'POST', headers: { 'X-Nom-Fichier': encodeURIComponent(f.name) }, body: f })
          .then(function (resp) { return resp.json().then(function (r) { return { status: resp.status, r: r }; }); })
          .then(function (x) {
            if (x.status !== 200) { msg.textContent = x.r.erreur || 'Image refusée.'; return; }
            catalogue = null;
            closeChoice();
            editor.replace('![' + desc.replace(/[\[\]]/g, '') + '](../media/' + x.r.nom + ')', false);
          }).catch(function () { msg.textContent = 'Le serveur ne répond pas.'; });
      });
      if (!c.images.length) {
        var none = document.createElement('p');
        none.textContent = 'Aucune image dans content/media/ pour l’instant.';
        box.appendChild(none);
      }
      choose('Image de content/media/', c.images, function (n) { return n; }, function (n) {
        var desc = input.value.trim();
        if (!desc) { input.focus(); input.setAttribute('aria-invalid', 'true'); return; }
        closeChoice();
        editor.replace('![' + desc.replace(/[\[\]]/g, '') + '](../media/' + encodeURI(n) + ')', false);
      }, box);
    });
  }

  var tools = [
    ['Section', 'Titre de section (##)', function () { atLineStart('## ', 'Titre de la section'); }],
    ['Liste', 'Liste à puces', function () { atLineStart('- ', 'élément'); }],
    ['Gras', 'Gras (Ctrl+B)', function () { wrap('**', '**', 'texte en gras'); }],
    ['Italique', 'Italique (Ctrl+I)', function () { wrap('*', '*', 'texte en italique'); }],
    ['Citation', 'Citation', function () { atLineStart('> ', 'citation'); }],
    ['Tableau', 'Tableau', function () { editor.replace('\n| Colonne 1 | Colonne 2 |\n| --- | --- |\n| … | … |\n', false); }],
    ['Note', 'Note de bas de page', footnote],
    ['Lien vers une fiche…', 'Lien vers une fiche ou une de ses sections', linkToDoc],
    ['Sigle…', 'Sigle du glossaire', sigle],
    ['Image…', 'Image de content/media/', image]
  ];
  var bar = $('outils');
  tools.forEach(function (t) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = t[0];
    b.title = t[1];
    b.addEventListener('click', t[2]);
    bar.appendChild(b);
  });

  /* ------------------------------------------------------------- start */

  restoreDraft();
  showStatus();
  buildForm();
  check();
  measures.chargement = performance.now();
})();
