/* fiches serve: rechargement automatique (absent du site construit) */
(function () {
	var me = document.currentScript;
	if (!window.EventSource || !me) return;
	var es = new EventSource(me.getAttribute("data-events"));
	es.onmessage = function (e) {
		if (e.data === "reload" || e.data === "error") {
			es.close();
			location.reload();
		}
	};
	/* Loaded: the server's background work (data files, PDF pass) waits for this. */
	var loaded = me.getAttribute("data-loaded");
	function said() {
		if (loaded && window.fetch)
			fetch(loaded, {cache: "no-store"}).catch(function () {});
	}
	if (document.readyState === "complete") said();
	else window.addEventListener("load", said);
})();
