/* fiches serve : lien vers l’atelier d’écriture (absent du site construit) */
(function () {
	var me = document.currentScript;
	if (!me) return;
	var open = me.getAttribute("data-open");
	var a = document.createElement("a");
	a.href = open + location.pathname;
	a.textContent = "Modifier";
	a.id = "fiches-modifier";
	a.setAttribute("lang", "fr");
	document.body.appendChild(a);
	/* One more link on each entry of the glossary, bibliography and contacts
	 * lists: the page's own link opens the whole list, this one that entry's form. */
	var L = document.querySelectorAll("dl.glossaire>dt[id],ul.bibliographie>li[id],ul.annuaire>li");
	for (var i = 0; i < L.length; i++) {
		var el = L[i], h = el.querySelector("h3 a[href]"), m = document.createElement("a"),
			n = h ? h.textContent : el.tagName == "DT" ? el.textContent : el.id;
		m.href = open + (h ? new URL(h.getAttribute("href"), location.href).pathname :
			location.pathname + "?entree=" + encodeURIComponent(el.id));
		m.className = "fiches-modifier-entree";
		m.textContent = "Modifier";
		m.setAttribute("lang", "fr");
		m.setAttribute("aria-label", "Modifier «\u202f" + n.trim() + "\u202f»");
		(h ? h.parentNode.parentNode.insertBefore(document.createElement("p"), h.parentNode.nextSibling) :
			el.tagName == "DT" ? el : el.firstElementChild || el).appendChild(m);
	}
})();
