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
})();
