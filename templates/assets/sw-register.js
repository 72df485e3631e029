/*
 * fiches — garder le site sur le téléphone après une première visite.
 *
 * Le service worker (sw.js, à la racine du site) n'existe que servi en
 * http(s) : depuis une clé USB (file://), rien n'est enregistré. Sans
 * sw.js (aperçu « fiches serve »), un worker laissé par une visite
 * précédente est retiré, pour que l'aperçu ne vienne jamais d'un cache.
 */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  if (location.protocol !== "http:" && location.protocol !== "https:") return;
  var script = document.currentScript;
  if (!script) return;
  var root = new URL("../", script.src).href;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(root + "sw.js", {scope: root}).catch(function () {
      navigator.serviceWorker.getRegistrations().then(function (regs) {
        regs.forEach(function (r) { if (r.scope === root) r.unregister(); });
      });
    });
  });
})();
