/*
 * fiches — garder le site sur le téléphone après une première visite.
 *
 * Le service worker (sw.js, à la racine du site) n'est enregistré que si
 * la page est servie en http(s) : depuis une clé USB (file://), rien.
 * Dans l'aperçu « fiches serve » (reconnu au script de rechargement qu'il
 * ajoute aux pages), ou sans sw.js, aucun worker : celui qu'une visite
 * précédente aurait laissé est retiré et son cache vidé, pour que l'aperçu
 * ne vienne jamais d'un cache.
 */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  if (location.protocol !== "http:" && location.protocol !== "https:") return;
  var script = document.currentScript;
  if (!script) return;
  var root = new URL("../", script.src).href;
  function forget() {
    navigator.serviceWorker.getRegistrations().then(function (regs) {
      regs.forEach(function (r) { if (r.scope === root) r.unregister(); });
    });
    if (window.caches) caches.keys().then(function (names) {
      names.forEach(function (n) { if (n.indexOf("fiches-") === 0) caches.delete(n); });
    });
  }
  function preview() {
    var s = document.getElementsByTagName("script");
    for (var i = 0; i < s.length; i++)
      if (!s[i].src && s[i].textContent.indexOf("fiches serve") >= 0) return true;
    return false;
  }
  window.addEventListener("load", function () {
    if (preview()) { forget(); return; }
    navigator.serviceWorker.register(root + "sw.js", {scope: root}).catch(forget);
  });
})();
