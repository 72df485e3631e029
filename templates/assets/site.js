/* fiches — améliorations facultatives : le site fonctionne sans JavaScript. */
(function () {
  "use strict";
  // Le champ de recherche de l'en-tête garde la requête sur la page de recherche.
  var params = new URLSearchParams(window.location.search);
  var q = params.get("q");
  var field = document.getElementById("q-entete");
  if (q && field) field.value = q;
})();

// Sur un téléphone, le menu principal se replie derrière un bouton « Menu ».
// Sans JavaScript, il reste déplié (en deux colonnes) : rien n'est caché.
(function () {
  "use strict";
  var nav = document.querySelector(".navigation");
  var button = nav && nav.querySelector(".menu-bouton");
  if (!button) return;
  button.hidden = false;
  nav.classList.add("repliable");
  function show(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("ouverte", open);
  }
  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && nav.classList.contains("ouverte")) {
      show(false);
      button.focus();
    }
  });
})();
