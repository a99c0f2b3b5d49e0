/* qualitapa portal: load Bootstrap Italia's fonts from the site's own copy.
   The path is found from this script's address, so the site works from file://
   and from any folder of a web server (no absolute path, no CDN). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.bootstrap || !window.bootstrap.loadFonts) {
    return;
  }
  var fonts = script.src.replace(/qualitapa-site\.js([?#].*)?$/, "bootstrap-italia/fonts");
  window.bootstrap.loadFonts(fonts);
})();
