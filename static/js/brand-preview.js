// The brand page's preview (portal/templates/portal/brand_edit.html, issue 15). Each preview
// appends its colours' stylesheet after the one in use, so the preview keeps its colours while
// the new file loads; once a stylesheet has loaded, the ones before it are dropped.
(() => {
  "use strict";
  const styles = document.getElementById("brand-preview-styles");
  if (!styles) return;
  // load does not bubble; a capturing listener on the container hears each link's.
  styles.addEventListener(
    "load",
    (event) => {
      const loaded = event.target;
      if (!(loaded instanceof HTMLLinkElement)) return;
      for (const link of [...styles.querySelectorAll("link")]) {
        if (link === loaded) break;
        link.remove();
      }
    },
    true,
  );
})();
