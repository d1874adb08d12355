package server

import (
	"cmp"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"traguardo/internal/auth"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// Approving the plan: from then on every change is a variation.

// planApprove approves the plan or, once it is approved, corrects the act
// and its date (the form then says so with correzione=si, so that a second
// approval from a stale page is never taken for a correction).
func (s *Server) planApprove(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	v := pages.ApproveView{Year: c.Year, Counts: c.Count(), ApprovalAct: c.ApprovalAct, ApprovedOn: c.ApprovedOn,
		Errors: components.FieldErrors{}, Edit: components.Edit{Version: c.Version}}
	approved := c.Approved()
	if approved {
		v.Form = pages.ApproveForm{Act: c.ApprovalAct, On: c.ApprovedOn.Format(time.DateOnly)}
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.Approve(v))
		return nil
	}
	correcting := r.PostFormValue("correzione") == "si"
	if approved != correcting {
		if approved {
			return &store.Conflict{Message: "il piano è già approvato"}
		}
		return &store.Conflict{Message: "il piano non è ancora approvato: non c'è un atto da correggere"}
	}
	// The approval is a change of the cycle, read at the version the form
	// carries: like servePlanForm, a refused form keeps it.
	v.Edit.Version = formVersion(r)
	v.Form = pages.ApproveForm{Act: strings.TrimSpace(r.PostFormValue("act")), On: strings.TrimSpace(r.PostFormValue("approved_on"))}
	switch n := utf8.RuneCountInString(v.Form.Act); {
	case n == 0:
		v.Errors["act"] = "Indicare l'atto di approvazione, ad esempio «Delibera CdA n. 12 del 30/01/2023»."
	case n > 300:
		v.Errors["act"] = "L'atto può avere al più 300 caratteri."
	}
	on, ok := dayField(v.Form.On, "approved_on", "Indicare la data dell'atto.", v.Errors)
	if p := plan.ApprovalDateProblem(c.Year, on, s.today()); ok && p != "" {
		v.Errors["approved_on"] = sentence(p)
	}
	if v.Counts.Centres == 0 {
		v.Errors[""] = "Il piano non ha centri di responsabilità: non c'è nulla da approvare."
	}
	if len(v.Errors) == 0 {
		save, done, undone := s.store.ApprovePlan, "Piano approvato: da ora ogni modifica è una variazione, con data e motivazione.",
			"Il piano non è stato approvato: il modulo qui sotto contiene ancora ciò che ha scritto. Per approvarlo così com'è ora, confermare di nuovo."
		if correcting {
			save, done, undone = s.store.CorrectApproval, "Atto di approvazione corretto.",
				"L'atto non è stato corretto: il modulo qui sotto contiene ancora ciò che ha scritto. Per correggerlo comunque, confermare di nuovo."
		}
		err := save(r.Context(), actor(auth.UserFrom(r.Context())), c.Year, v.Edit.Version, v.Form.Act, on)
		if err == nil {
			s.seeOther(w, r, paths.Cycle(c.Year), done)
			return nil
		}
		var stale *store.StaleError
		if errors.As(err, &stale) {
			v.Edit = components.Edit{Version: c.Version, Stale: staleNotice(stale, cycleRecord(c), undone)}
			s.render(w, r, http.StatusConflict, pages.Approve(v))
			return nil
		}
		if !storeConflict(err, v.Errors, cmp.Or(namedField(err, nil), "act")) {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.Approve(v))
	return nil
}
