/* fiches serve — atelier d'écriture : the first check, sent early.
 *
 * Loaded before CodeMirror (400 KB of script to compile): the text the
 * page was opened with is sent to /_edit/api/apercu at once, so that the
 * server checks it while the browser compiles the editor; editor.js takes
 * the answer (window.__fichesPremierControle) for its first check when
 * the text is still that one (a draft restored from localStorage is not).
 */
(function () {
  'use strict';
  var el = document.getElementById('donnees');
  if (!el || !window.fetch) return;
  var data;
  try { data = JSON.parse(el.textContent); } catch (e) { return; }
  window.__fichesPremierControle = {
    texte: data.texte,
    reponse: fetch('/_edit/api/apercu', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ chemin: data.chemin, texte: data.texte })
    })
  };
})();
