/*
 * fiches serve — atelier d'écriture: renumbering and renaming the open
 * document (« Renuméroter ou renommer… »). The server lists every change
 * (file, line, before, after) first; they are applied only when the
 * coordinator confirms, with the versions of the files that were shown,
 * so nothing changed meanwhile is overwritten. Loaded after editor.js.
 */
(function () {
  'use strict';
  var dataNode = document.getElementById('donnees');
  var header = document.querySelector('header.barre');
  if (!dataNode || !header) return;
  var data = JSON.parse(dataNode.textContent);
  var chemin = data.chemin;
  var numbered = /^(actions|themes)\//.test(chemin);
  var base = chemin.replace(/^.*\//, '').replace(/\.md$/, '');
  var m = /^(\d+)-(.*)$/.exec(base);
  var currentNumber = m ? parseInt(m[1], 10) : null;
  var currentSlug = m ? m[2] : base;
  var NBSP = '\u00a0';

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  /* The header button, before « Supprimer… ». */
  var open = el('button', { type: 'button', id: 'renommer-ouvrir' },
    numbered ? 'Renuméroter ou renommer…' : 'Renommer…');
  var del = document.getElementById('supprimer');
  header.insertBefore(open, del || null);

  var dlg = el('dialog', { id: 'renommer', 'aria-labelledby': 'renommer-titre' });
  dlg.appendChild(el('h2', { id: 'renommer-titre' }, numbered ? 'Renuméroter ou renommer ce texte' : 'Renommer ce texte'));
  dlg.appendChild(el('p', {}, 'Tous les liens vers ce texte, partout dans content/, seront réécrits. ' +
    'La liste des changements s’affiche d’abord' + NBSP + ': rien n’est modifié avant votre confirmation.'));
  var form = el('form', { id: 'renommer-formulaire' });
  var number = null;
  if (numbered) {
    var pn = el('p');
    pn.appendChild(el('label', { for: 'renommer-numero' }, 'Numéro'));
    pn.appendChild(document.createTextNode(' '));
    number = el('input', { id: 'renommer-numero', type: 'number', min: '1', max: '99999', step: '1' });
    if (currentNumber !== null) number.value = String(currentNumber);
    pn.appendChild(number);
    form.appendChild(pn);
  }
  var ps = el('p');
  ps.appendChild(el('label', { for: 'renommer-identifiant' }, 'Identifiant (nom du fichier et des adresses)'));
  ps.appendChild(el('br'));
  var slug = el('input', { id: 'renommer-identifiant', type: 'text', autocomplete: 'off', spellcheck: 'false',
    pattern: '[a-z0-9]+(-[a-z0-9]+)*', 'aria-describedby': 'renommer-aide' });
  slug.value = currentSlug;
  ps.appendChild(slug);
  ps.appendChild(el('br'));
  ps.appendChild(el('span', { id: 'renommer-aide', class: 'aide' },
    'Lettres minuscules sans accent, chiffres et traits d’union.'));
  form.appendChild(ps);
  var error = el('p', { id: 'renommer-erreur', class: 'erreur-champ', role: 'alert' });
  form.appendChild(error);
  var changes = el('div', { id: 'renommer-changements', hidden: '' });
  var summary = el('p', { id: 'renommer-resume', 'aria-live': 'polite' });
  changes.appendChild(summary);
  var tableWrap = el('div', { class: 'tableau-changements', tabindex: '0', role: 'region',
    'aria-labelledby': 'renommer-resume' });
  var table = el('table');
  var caption = el('caption', {}, 'Lignes modifiées');
  table.appendChild(caption);
  var thead = el('thead');
  var tr = el('tr');
  ['Fichier', 'Ligne', 'Avant', 'Après'].forEach(function (h) { tr.appendChild(el('th', { scope: 'col' }, h)); });
  thead.appendChild(tr);
  table.appendChild(thead);
  var tbody = el('tbody');
  table.appendChild(tbody);
  tableWrap.appendChild(table);
  changes.appendChild(tableWrap);
  form.appendChild(changes);
  var buttons = el('p', { class: 'boutons' });
  var preview = el('button', { type: 'submit', id: 'renommer-voir', class: 'principal' }, 'Voir les changements');
  var apply = el('button', { type: 'button', id: 'renommer-appliquer', class: 'principal', hidden: '' },
    'Appliquer ces changements');
  var cancel = el('button', { type: 'button', id: 'renommer-annuler' }, 'Annuler');
  buttons.appendChild(preview);
  buttons.appendChild(document.createTextNode(' '));
  buttons.appendChild(apply);
  buttons.appendChild(document.createTextNode(' '));
  buttons.appendChild(cancel);
  form.appendChild(buttons);
  dlg.appendChild(form);
  document.body.appendChild(dlg);

  var shown = null;   /* the last preview: what « Appliquer » sends */

  function request() {
    var r = { chemin: chemin, identifiant: slug.value.trim() };
    if (number && number.value !== '') r.numero = parseInt(number.value, 10);
    return r;
  }

  function reset() {
    shown = null;
    apply.hidden = true;
    changes.hidden = true;
    error.textContent = '';
  }

  /* before/after with the changed middle marked, long lines cut around it. */
  function diffCell(text, other, tag) {
    var td = el('td');
    var a = 0;
    while (a < text.length && a < other.length && text[a] === other[a]) a++;
    var z = 0;
    while (z < text.length - a && z < other.length - a &&
           text[text.length - 1 - z] === other[other.length - 1 - z]) z++;
    var from = Math.max(0, a - 50), to = Math.min(text.length, text.length - z + 50);
    td.appendChild(document.createTextNode((from > 0 ? '…' : '') + text.slice(from, a)));
    td.appendChild(el(tag, {}, text.slice(a, text.length - z)));
    td.appendChild(document.createTextNode(text.slice(text.length - z, to) + (to < text.length ? '…' : '')));
    return td;
  }

  function post(body) {
    return fetch('/_edit/api/renommer', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().then(function (r) { return { status: resp.status, r: r }; });
    });
  }

  open.addEventListener('click', function () {
    reset();
    if (window.fichesAtelier && window.fichesAtelier.modifie()) {
      error.textContent = 'Enregistrez d’abord vos modifications en cours' + NBSP + ': le changement de nom ' +
        'part du texte enregistré.';
    }
    dlg.showModal();
    (number || slug).focus();
  });
  cancel.addEventListener('click', function () { dlg.close(); });
  [slug, number].forEach(function (i) { if (i) i.addEventListener('input', reset); });

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    reset();
    if (window.fichesAtelier && window.fichesAtelier.modifie()) {
      error.textContent = 'Enregistrez d’abord vos modifications en cours' + NBSP + ': le changement de nom ' +
        'part du texte enregistré.';
      return;
    }
    preview.disabled = true;
    post(request()).then(function (x) {
      if (x.status !== 200) { error.textContent = x.r.erreur || 'Erreur.'; return; }
      shown = x.r;
      while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
      x.r.changements.forEach(function (c) {
        var row = el('tr');
        row.appendChild(el('td', { class: 'chemin' }, c.fichier));
        row.appendChild(el('td', {}, String(c.ligne)));
        row.appendChild(diffCell(c.avant, c.apres, 'del'));
        row.appendChild(diffCell(c.apres, c.avant, 'ins'));
        tbody.appendChild(row);
      });
      var files = Object.keys(x.r.versions).length;
      var text = x.r.message + '.';
      if (x.r.de !== x.r.vers) text += ' Le fichier ' + x.r.de + ' devient ' + x.r.vers + '.';
      text += ' ' + files + (files > 1 ? ' fichiers seront modifiés.' : ' fichier sera modifié.');
      summary.textContent = text;
      changes.hidden = false;
      apply.hidden = false;
      apply.focus();
    }).catch(function () {
      error.textContent = 'Le serveur ne répond pas' + NBSP + ': rien n’a été changé.';
    }).then(function () { preview.disabled = false; });
  });

  apply.addEventListener('click', function () {
    if (!shown) return;
    var body = request();
    body.appliquer = true;
    body.versions = shown.versions;
    apply.disabled = true;
    post(body).then(function (x) {
      if (x.status !== 200) {
        error.textContent = x.r.erreur + (x.r.fichiers ? ' (' + x.r.fichiers.join(', ') + ')' : '');
        apply.hidden = true;
        return;
      }
      summary.textContent = x.r.message + '. Ouverture du texte sous son nouveau nom…';
      location.href = '/_edit/fichier/' + x.r.nouveau_chemin.split('/').map(encodeURIComponent).join('/');
    }).catch(function () {
      error.textContent = 'Le serveur ne répond pas' + NBSP + ': vérifiez l’état des fichiers dans l’historique.';
    }).then(function () { apply.disabled = false; });
  });
})();
