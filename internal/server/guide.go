package server

import (
	"net/http"

	"traguardo/docs/guida"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
	"traguardo/internal/guide"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The guides (docs/guida), one per role, rendered from the Markdown built
// into the binary: public pages like the legal notices, read with the
// session so that the header shows who is signed in. They describe the
// application, not the body's data, and help most where one cannot sign
// in (an account not enabled, a session expired).

// guideSummaries say in a line what each guide covers, for the index.
var guideSummaries = map[string]string{
	guida.Responsabile:   "Inserire l'avanzamento dei propri centri, inviarlo al direttore, correggerlo se restituito.",
	guida.Direttore:      "Costruire e approvare il piano, rivedere gli invii dei centri, scrivere e inviare la Relazione.",
	guida.Nucleo:         "Leggere e commentare la Relazione, registrarne la validazione.",
	guida.Amministratore: "Account e ruoli, centri, accesso con il sistema dell'ente, note legali, registro.",
}

// guideIndex is the list of the guides.
func (s *Server) guideIndex(w http.ResponseWriter, r *http.Request) error {
	all, err := guide.All()
	if err != nil {
		return err
	}
	entries := make([]pages.GuideEntry, 0, len(all))
	for _, g := range all {
		entries = append(entries, pages.GuideEntry{Name: g.Name, Title: g.Title, Summary: guideSummaries[g.Name]})
	}
	s.render(w, r, http.StatusOK, pages.GuideIndex(entries))
	return nil
}

// guideShow is the page of one guide.
func (s *Server) guideShow(w http.ResponseWriter, r *http.Request) error {
	g, err := guide.Get(chi.URLParam(r, "ruolo"))
	if err != nil {
		return err
	}
	if g == nil {
		return notFound("Questa guida non esiste: l'elenco delle guide è alla pagina Guida.")
	}
	all, err := guide.All()
	if err != nil {
		return err
	}
	v := pages.GuideView{Name: g.Name, Title: g.Title, Intro: g.Intro, Body: g.Body}
	for _, sec := range g.Sections {
		v.Sections = append(v.Sections, pages.GuideSection{ID: sec.ID, Title: sec.Title})
	}
	for _, o := range all {
		if o.Name != g.Name {
			v.Others = append(v.Others, pages.GuideEntry{Name: o.Name, Title: o.Title})
		}
	}
	s.render(w, r, http.StatusOK, pages.Guide(v))
	return nil
}

// guideOf is the page the menu's Guida opens for u: the guide of the role,
// or the index for a role without one.
func guideOf(u *auth.User) string {
	if name := guide.ForRole(u.Role); name != "" {
		return paths.Guide(name)
	}
	return paths.Guides
}
