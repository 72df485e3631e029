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

// Un sigle touché s'explique sur place : son développement et sa définition
// (tirés du glossaire, dans le <template> de la page) s'ouvrent sous le texte,
// avec un lien vers le glossaire. Sans JavaScript, le lien mène au glossaire.
(function () {
  "use strict";
  var store = document.querySelector("template.sigles-definitions");
  if (!store) return;
  var open = null;
  function close(back) {
    if (!open) return;
    open.bubble.remove();
    open.link.setAttribute("aria-expanded", "false");
    if (back) open.link.focus();
    open = null;
  }
  function show(link) {
    var id = link.hash.slice(1);
    var def = store.content.querySelector('[data-sigle="' + id + '"]');
    if (!def) return false;
    var bubble = document.createElement("span");
    bubble.className = "sigle-bulle";
    bubble.id = "bulle-" + id;
    bubble.setAttribute("role", "group");
    bubble.setAttribute("aria-label", link.textContent);
    bubble.tabIndex = -1;
    var body = def.cloneNode(true);
    body.removeAttribute("data-sigle");
    bubble.appendChild(body);
    var more = document.createElement("a");
    more.href = link.href;
    more.textContent = "Voir dans le glossaire";
    bubble.appendChild(more);
    var shut = document.createElement("button");
    shut.type = "button";
    shut.className = "sigle-fermer";
    shut.textContent = "Fermer";
    shut.addEventListener("click", function () { close(true); });
    bubble.appendChild(shut);
    link.after(bubble);
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", bubble.id);
    open = { link: link, bubble: bubble };
    bubble.focus();
    return true;
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.sigle");
    if (open && !open.bubble.contains(e.target) && link !== open.link) close(false);
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    if (open && open.link === link) { e.preventDefault(); close(true); return; }
    if (show(link)) e.preventDefault();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") close(true);
  });
  var links = document.querySelectorAll("a.sigle");
  for (var i = 0; i < links.length; i++) links[i].setAttribute("aria-expanded", "false");
})();

// Un tableau plus large que l'écran défile dans sa boîte : on le dit, et on
// le rend atteignable au clavier (flèches) et nommé pour les lecteurs d'écran.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".tableau");
  function mark() {
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i], wide = box.scrollWidth > box.clientWidth + 1;
      var hint = box.previousElementSibling;
      var has = hint && hint.classList.contains("tableau-aide");
      if (wide && !has) {
        hint = document.createElement("p");
        hint.className = "tableau-aide";
        hint.textContent = "Tableau large\u00a0: faites-le glisser de côté pour tout lire.";
        box.before(hint);
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Tableau qui défile de côté");
      } else if (!wide && has) {
        hint.remove();
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }
  if (boxes.length) {
    mark();
    window.addEventListener("resize", mark);
  }
})();

// Le bouton « Imprimer » (la feuille de style d'impression existe) n'apparaît
// qu'avec JavaScript, qui seul sait lancer l'impression.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.imprimer");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();

// Hors ligne : un bandeau le dit ; et le pied de page dit quand le site est
// enregistré sur l'appareil (service worker actif), donc lisible sans réseau.
(function () {
  "use strict";
  var banner = document.querySelector(".etat-reseau");
  function update() { if (banner) banner.hidden = navigator.onLine !== false; }
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
  var ready = document.querySelector(".hors-ligne-pret");
  if (ready && "serviceWorker" in navigator && navigator.serviceWorker.controller)
    ready.hidden = false;
  else if (ready && "serviceWorker" in navigator)
    navigator.serviceWorker.addEventListener("controllerchange", function () { ready.hidden = false; });
})();

// Filtres d'une liste (fiches-actions : territoire, public, statut ; contacts :
// texte, territoire, type). Sans JavaScript, le formulaire reste caché et la
// liste est complète. data-elements désigne les éléments, data-groupes les
// blocs à cacher quand ils n'en montrent plus aucun.
(function () {
  "use strict";
  var form = document.querySelector("form[data-filtres]");
  if (!form) return;
  var selects = form.querySelectorAll("select[data-filtre]");
  var text = form.querySelector("[data-filtre-texte]");
  var items = document.querySelectorAll(form.getAttribute("data-elements"));
  var groups = document.querySelectorAll(form.getAttribute("data-groupes") || "none");
  var count = form.querySelector(".filtres-compte");
  var noun = form.getAttribute("data-nom") || "élément";
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  function apply() {
    var shown = 0, any = false, words = text ? fold(text.value).split(/\s+/).filter(Boolean) : [];
    for (var i = 0; i < items.length; i++) {
      var ok = true;
      for (var k = 0; k < selects.length && ok; k++) {
        var want = selects[k].value;
        if (!want) continue;
        var have = (items[i].getAttribute("data-" + selects[k].getAttribute("data-filtre")) || "").split(" ");
        ok = have.indexOf(want) >= 0;
      }
      if (ok && words.length) {
        var hay = fold(items[i].textContent);
        for (var w = 0; w < words.length && ok; w++) ok = hay.indexOf(words[w]) >= 0;
      }
      items[i].hidden = !ok;
      if (ok) shown++;
    }
    for (var g = 0; g < groups.length; g++) {
      var inside = groups[g].querySelectorAll(form.getAttribute("data-elements").split(" ").pop());
      var visible = false;
      for (var n = 0; n < inside.length; n++) visible = visible || !inside[n].hidden;
      if (inside.length) groups[g].hidden = !visible;
    }
    for (var s = 0; s < selects.length; s++) any = any || !!selects[s].value;
    any = any || words.length > 0;
    count.textContent = !any ? "" : shown === 0 ? "Aucun résultat." :
      shown === 1 ? "1 " + noun + " correspond." : shown + " " + noun + "s correspondent.";
  }
  for (var i = 0; i < selects.length; i++) selects[i].addEventListener("change", apply);
  if (text) text.addEventListener("input", apply);
})();
