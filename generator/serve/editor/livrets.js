/* fiches serve — atelier d'écriture : la page des livrets (jamais copiée dans le site construit).
 * Composes an ad-hoc booklet: posts the form's choice to /_edit/api/livret,
 * polls its state while the worker typesets, then offers both PDFs and
 * « Enregistrer ce livret ». */
(function () {
  'use strict';
  var form = document.getElementById('composer');
  if (!form) return;
  var result = document.getElementById('resultat');
  var button = document.getElementById('composer-bouton');
  var saveSection = document.getElementById('enregistrer');
  var saveForm = document.getElementById('form-enregistrer');
  var saveState = document.getElementById('enregistrer-etat');
  var filter = document.getElementById('liste-filtre');
  var list = document.getElementById('liste-fiches');
  var count = document.getElementById('liste-compte');
  var NNBSP = '\u202f', NBSP = '\u00a0';
  var job = null, timer = null;

  function by() {
    var r = form.querySelector('input[name=selon]:checked');
    return r ? r.value : 'theme';
  }

  function showChoice() {
    var current = by();
    ['theme', 'logique', 'public', 'liste'].forEach(function (k) {
      document.getElementById('par-' + k).hidden = k !== current;
    });
  }

  function values() {
    var name = { theme: 'theme', logique: 'logique', public: 'public', liste: 'fiche' }[by()];
    return Array.prototype.map.call(form.querySelectorAll('input[name=' + name + ']:checked'),
                                    function (i) { return i.value; });
  }

  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  function filterList() {
    var q = fold(filter.value.trim()), shown = 0, total = 0;
    Array.prototype.forEach.call(list.children, function (li) {
      total++;
      var match = !q || fold(li.textContent).indexOf(q) >= 0;
      li.hidden = !match;
      if (match) shown++;
    });
    var chosen = list.querySelectorAll('input:checked').length;
    count.textContent = (q ? shown + ' fiche' + (shown > 1 ? 's' : '') + ' sur ' + total + ' · ' : '') +
      chosen + ' choisie' + (chosen > 1 ? 's' : '');
  }

  function size(n) {
    if (n < 1000 * 1024) return Math.ceil(n / 1024) + NBSP + 'Ko';
    return (Math.round(n * 10 / (1024 * 1024)) / 10).toString().replace('.', ',') + NBSP + 'Mo';
  }

  function fileName(title) {
    var s = fold(title).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
    return s || 'livret';
  }

  function say(text, kind) {
    result.className = kind || '';
    result.textContent = text;
  }

  function link(href, label, info, download) {
    var p = document.createElement('p');
    var a = document.createElement('a');
    a.href = href;
    a.setAttribute('download', download);
    a.textContent = label;
    a.className = 'telecharger';
    p.appendChild(a);
    p.appendChild(document.createTextNode(' (' + info.pages + NBSP + 'page' + (info.pages > 1 ? 's' : '') +
                                          ', ' + size(info.octets) + ')'));
    return p;
  }

  function ready(state) {
    result.className = 'pret';
    result.textContent = '';
    var h = document.createElement('p');
    h.textContent = 'Livret «' + NNBSP + state.titre + NNBSP + '» composé ' +
      (state.secondes < 1 ? 'en moins d’une seconde' : 'en ' + state.secondes + NBSP + 's') + NNBSP + ':';
    result.appendChild(h);
    var base = fileName(state.titre);
    var pdf = link('/_edit/livrets/' + state.id + '/livret.pdf', 'Télécharger le PDF', state.pdf, base + '.pdf');
    pdf.querySelector('a').id = 'livret-pdf';
    result.appendChild(pdf);
    if (state.imposee) {
      var imp = link('/_edit/livrets/' + state.id + '/livret-imposee.pdf',
                     'Télécharger le PDF imposé (pour l’imprimeur)', state.imposee, base + '-imposee.pdf');
      imp.querySelector('a').id = 'livret-imposee';
      result.appendChild(imp);
    } else {
      var note = document.createElement('p');
      note.className = 'aide';
      note.textContent = 'Pas de PDF imposé en A4' + NNBSP + ': il sert à imprimer un livret A5 plié.';
      result.appendChild(note);
    }
    saveSection.hidden = false;
    saveState.textContent = '';
    document.getElementById('livret-nom').value = base;
  }

  function poll() {
    fetch('/_edit/api/livret/' + job, { cache: 'no-store' }).then(function (r) {
      return r.json().then(function (v) { return { ok: r.ok, v: v }; });
    }).then(function (r) {
      if (!r.ok) { finish(); say(r.v.erreur || 'Livret introuvable.', 'erreur'); return; }
      var s = r.v;
      if (s.etat === 'en-attente') {
        /* Another booklet is being typeset: this one waits its turn, in order. */
        result.setAttribute('aria-busy', 'true');
        result.className = 'attente';
        result.textContent = '«' + NNBSP + s.titre + NNBSP + '» attend son tour' + NNBSP + ': ' +
          (s.avant > 1 ? s.avant + ' livrets passent avant lui' : 'un livret passe avant lui') +
          ' (' + s.secondes + NBSP + 's d’attente).';
        timer = setTimeout(poll, 500);
        return;
      }
      if (s.etat === 'en-cours') {
        result.setAttribute('aria-busy', 'true');
        result.className = 'attente';
        result.textContent = 'Composition de «' + NNBSP + s.titre + NNBSP + '» en cours… (' + s.secondes + NBSP + 's)';
        timer = setTimeout(poll, 500);
        return;
      }
      finish();
      if (s.etat === 'pret') ready(s);
      else say('Le livret n’a pas pu être composé' + NNBSP + ': ' + (s.message || ''), 'erreur');
    }).catch(function () {
      finish();
      say('Le serveur ne répond plus' + NNBSP + ': «\u202ffiches serve\u202f» est-il arrêté' + NNBSP + '?', 'erreur');
    });
  }

  function finish() {
    result.removeAttribute('aria-busy');
    button.disabled = false;
    if (timer) clearTimeout(timer);
    timer = null;
  }

  form.addEventListener('change', function (ev) {
    if (ev.target.name === 'selon') showChoice();
    if (ev.target.name === 'fiche') filterList();
  });
  filter.addEventListener('input', filterList);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var chosen = values();
    saveSection.hidden = true;
    if (!chosen.length) {
      say('Choisissez au moins ' + { theme: 'un thème', logique: 'une logique', public: 'un public', liste: 'une fiche' }[by()] + '.', 'erreur');
      return;
    }
    button.disabled = true;
    say('Envoi de la demande…', 'attente');
    var fmt = form.querySelector('input[name=format]:checked');
    fetch('/_edit/api/livret', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        titre: document.getElementById('livret-titre').value.trim(),
        selon: by(),
        valeurs: chosen,
        format: fmt ? fmt.value : 'a5',
        contacts: document.getElementById('livret-contacts').checked
      })
    }).then(function (r) {
      return r.json().then(function (v) { return { status: r.status, v: v }; });
    }).then(function (r) {
      if (r.status !== 202) {
        finish();
        var more = (r.v.diagnostics || []).join(' ');
        say((r.v.erreur || 'Demande refusée.') + (more ? ' ' + more : ''), 'erreur');
        return;
      }
      job = r.v.id;
      poll();
    }).catch(function () {
      finish();
      say('Le serveur ne répond plus' + NNBSP + ': «\u202ffiches serve\u202f» est-il arrêté' + NNBSP + '?', 'erreur');
    });
  });

  saveForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var name = document.getElementById('livret-nom').value.trim();
    fetch('/_edit/api/livret/enregistrer', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: job, nom: name })
    }).then(function (r) {
      return r.json().then(function (v) { return { status: r.status, v: v }; });
    }).then(function (r) {
      saveState.className = r.status === 201 ? 'pret' : 'erreur';
      saveState.textContent = r.status === 201 ?
        'Livret enregistré dans content/' + r.v.fichier + NNBSP + ': il sera recomposé avec le site.' :
        (r.v.erreur || 'Enregistrement refusé.');
    });
  });

  showChoice();
  filterList();
})();
