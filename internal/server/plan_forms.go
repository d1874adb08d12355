package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/layout"
)

// The helpers every plan form shares: ids from the URL, the variation fields
// of an approved plan, and the mapping of rule and store errors to fields.

// idParam reads a numeric URL parameter; anything else is a missing page.
func idParam(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("La risorsa richiesta non esiste.")
	}
	return id, nil
}

// variationForm reads the variation fields; they are required only when the
// plan is approved, and ignored otherwise.
func variationForm(r *http.Request, approved bool, errs components.FieldErrors) (v *store.Variation, on, reason string) {
	on, reason = strings.TrimSpace(r.PostFormValue("variation_on")), strings.TrimSpace(r.PostFormValue("variation_reason"))
	if !approved {
		return nil, on, reason
	}
	day, err := components.ParseDay(on)
	switch {
	case on == "":
		errs["variation_on"] = "Indicare la data della variazione."
	case err != nil:
		errs["variation_on"] = "Data non valida: usare il formato gg/mm/aaaa."
	}
	if reason == "" {
		errs["variation_reason"] = "Indicare la motivazione della variazione."
	}
	return &store.Variation{On: day, Reason: reason}, on, reason
}

// change is a plan change by the signed-in user.
func change(r *http.Request, v *store.Variation) store.Change {
	return store.Change{Actor: actor(auth.UserFrom(r.Context())), Variation: v}
}

// addFieldErrors records a plan item's rule violations on its form fields,
// capitalised as sentences; a field already in error keeps its first message.
func addFieldErrors(errs components.FieldErrors, fes []plan.FieldError) {
	for _, fe := range fes {
		if _, ok := errs[fe.Field]; !ok {
			errs[fe.Field] = sentence(fe.Message)
		}
	}
}

// storeConflict puts a conflict reported by the store on field (or on the
// whole form when field is empty); it reports whether err was one.
func storeConflict(err error, errs components.FieldErrors, field string) bool {
	var c *store.Conflict
	if !errors.As(err, &c) {
		return false
	}
	errs[field] = sentence(c.Message)
	return true
}

func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// optionalNumber reads an optional decimal field (empty is nil).
func optionalNumber(s, field string, errs components.FieldErrors) *float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	v, err := components.ParseNumber(s)
	if err != nil {
		errs[field] = sentence(err.Error())
		return nil
	}
	return &v
}

func cycleCrumbs(year int, last ...layout.Crumb) []layout.Crumb {
	y := strconv.Itoa(year)
	return append([]layout.Crumb{{Label: "Cicli", Href: "/"}, {Label: "Ciclo " + y, Href: "/cicli/" + y}}, last...)
}

func cycleURL(year int) string { return "/cicli/" + strconv.Itoa(year) }

func objectiveURL(year int, id int64) string {
	return cycleURL(year) + "/obiettivi/" + strconv.FormatInt(id, 10)
}

// moveDelta reads the direction of a move button.
func moveDelta(r *http.Request) (int, error) {
	switch r.PostFormValue("direction") {
	case "su":
		return -1, nil
	case "giu":
		return 1, nil
	}
	return 0, &httpError{status: http.StatusUnprocessableEntity, title: "Richiesta non valida", message: "Direzione di spostamento non valida."}
}

// seeOther redirects after a successful write, with a message for the next page.
func (s *Server) seeOther(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		s.sessions.Put(r.Context(), keyFlash, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
