package components

// iconPaths are the Bootstrap Italia icons the pages use, copied from
// vendor/bootstrap-italia/svg/sprites.svg (viewBox 0 0 24 24). They are
// drawn inline rather than with <use href="sprites.svg#…">, which would make
// every page fetch and parse the 94 KB sprite for four small icons.
var iconPaths = map[string]string{
	"it-burger":     "M22 5v1H2V5h20zM2 12.5h20v-1H2v1zM2 19h20v-1H2v1z",
	"it-close-big":  "m12.7 12 6.7 6.6-.8.8-6.6-6.7-6.6 6.7-.8-.8 6.7-6.6-6.7-6.6.8-.8 6.6 6.7 6.6-6.7.8.8-6.7 6.6z",
	"it-arrow-up":   "M18.6 10.1 12 3.5l-6.6 6.6.7.7 5.4-5.3V21h1V5.5l5.4 5.3.7-.7z",
	"it-arrow-down": "m17.9 13.2-5.4 5.3V3h-1v15.5l-5.4-5.3-.7.7 6.6 6.5 6.6-6.5-.7-.7z",
}
