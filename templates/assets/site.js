/* fiches — améliorations facultatives : le site fonctionne sans JavaScript. */
(function () {
  "use strict";
  // Le champ de recherche de l'en-tête garde la requête sur la page de recherche.
  var params = new URLSearchParams(window.location.search);
  var q = params.get("q");
  var field = document.getElementById("q-entete");
  if (q && field) field.value = q;
})();
