// Options read by the scripts bundled in Bootstrap Italia, set before its
// bundle runs (this file is loaded first, both deferred, so in order).
//
// Video.js, bundled for Bootstrap Italia's video player (which Traguardo
// does not use), inserts a <style> element into the head when it loads:
// the Content-Security-Policy (style-src 'self') blocks it and the browser
// reports two violations on every page. This flag tells it not to.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
