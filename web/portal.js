/* portal.js - small enhancements of the portal's pages, which read the same
 * without it (embedded in the binary by web/embed_assets.py): a list with a
 * filter box ([data-filter] naming the list's id) narrows as one types,
 * ignoring case and accents. */
"use strict";
(function () {
	function fold(s) {
		return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
	}
	document.querySelectorAll("input[data-filter]").forEach(function (box) {
		var list = document.getElementById(box.getAttribute("data-filter"));
		if (!list)
			return;
		var items = Array.prototype.slice.call(list.querySelectorAll("li"));
		box.addEventListener("input", function () {
			var q = fold(box.value.trim());
			items.forEach(function (li) {
				li.hidden = q !== "" && fold(li.textContent).indexOf(q) < 0;
			});
		});
	});
})();
