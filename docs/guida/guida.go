// Package guida holds the Italian guides of Traguardo, one per role, as
// Markdown: the same files are read on GitHub under docs/guida and served
// by the application as its "Guida" pages (internal/guide renders them).
//
// The names of the sections the application links to from its pages are
// here too, next to the headings they name: a heading's anchor is made from
// its text (internal/guide), so renaming one of these headings means
// changing its constant, and the server's tests fail until both agree.
package guida

import "embed"

// Files are the guides, one Markdown file per guide, named by the guide.
//
//go:embed *.md
var Files embed.FS

// The guides, by the name of their file (without .md) and of their page
// (/guida/<name>).
const (
	Responsabile   = "responsabile"
	Direttore      = "direttore"
	Nucleo         = "nucleo"
	Amministratore = "amministratore"
)

// Names are the guides in the order the index lists them.
var Names = []string{Responsabile, Direttore, Nucleo, Amministratore}

// The sections the application's pages link to, by their anchor.
const (
	// The responsabile's guide.
	SectionMyAreas  = "le-mie-aree"
	SectionProgress = "inserire-lavanzamento-del-periodo"
	SectionSubmit   = "inviare-il-periodo-al-direttore"
	SectionReturned = "se-il-periodo-viene-restituito"
	SectionExpired  = "se-la-sessione-e-scaduta"
	// The director's guide.
	SectionReview     = "approvare-o-restituire-un-periodo"
	SectionDashboard  = "il-cruscotto"
	SectionSendReport = "inviare-la-relazione-al-nucleo"
	// The Nucleo's guide.
	SectionValidate = "registrare-la-validazione"
	SectionComments = "commentare-gli-obiettivi"
	// The administrator's guide.
	SectionUsers = "creare-e-gestire-gli-account"
	SectionLegal = "dichiarazione-di-accessibilita-e-informativa-privacy"
)
