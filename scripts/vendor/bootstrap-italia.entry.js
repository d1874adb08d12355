// The entry of Traguardo's Bootstrap Italia bundle: the plugins its pages
// use, each from the npm package's ES modules (dist/plugins/), with their
// data APIs (the handlers a plugin sets on document when it loads).
//
//   - init: TrackFocus, which marks a focus given by the mouse
//     (data-focus-mouse) so that only keyboard focus draws the outline;
//   - NavBarCollapsible: the header's menu behind its button
//     (data-bs-toggle="navbarcollapsible") on a phone;
//   - Input: the labels of text fields in a .form-group, lifted above the
//     field when it has a value or the focus.
//
// A page that needs another component (Collapse, Dropdown, Modal…) adds
// its import and export here, then `make vendor-js`.
//
// The plugins are exported (as window.bootstrap, like the full bundle):
// the package's package.json marks dist/plugins/ free of side effects, so
// a plugin imported for its data API alone would be left out.
import init from 'bootstrap-italia/dist/plugins/init.js'
import NavBarCollapsible from 'bootstrap-italia/dist/plugins/navbar-collapsible.js'
import Input from 'bootstrap-italia/dist/plugins/input.js'

export { init, NavBarCollapsible, Input }
