package server

import (
	"context"
	"errors"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"

	"traguardo/internal/auth"
	"traguardo/internal/fielderr"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/layout"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The helpers every plan form shares: the lifecycle of a form that changes
// the plan, ids from the URL, the variation fields of an approved plan, and
// the mapping of rule and store errors to fields.

// planForm is what a page that changes the plan states of its own: the
// form, how to read it and how to save it. servePlanForm does the rest,
// which is the same for every such page.
type planForm struct {
	// page is the page with its view as it stands when it is shown.
	page func() templ.Component
	// approved says the plan is approved: a change is then a variation,
	// with a date and a reason.
	approved bool
	// errs is the view's map of errors by field.
	errs components.FieldErrors
	// read reads the posted fields into the view and their errors into
	// errs; on and reason are the variation fields as typed, to show again.
	read func(on, reason string)
	// save writes the change and says where to go next, with what message.
	save func(ch store.Change) (to, flash string, err error)
	// conflictField names the field where a store.Conflict returned by save
	// is shown ("" is the form as a whole). Without it, a conflict is an
	// error page.
	conflictField func(err error) string
	// readOnly says the page shows the form locked (a closed period): a
	// form kept after the session expired is not shown in it.
	readOnly bool
	// edit is the view's version and notice of a change saved meanwhile,
	// for a form that changes or deletes a stored record; nil for a form
	// that creates one.
	edit *components.Edit
	// record is that record as it stands now.
	record stored
	// deletes says the form deletes the record (for the notice's advice).
	deletes bool
	// notice, when set, words the notice of a change saved meanwhile in
	// place of staleNotice (an account's, which also tells of a password
	// reset).
	notice func(err *store.StaleError, rec stored, advice string) *components.Stale
}

// stored is a record that a form changes, as it stands now: its version and
// its fields as the form shows them, for the notice of a change saved
// meanwhile.
type stored struct {
	version int
	fields  []recordField
}

// recordField is a field of a stored record: its name in the store (a key of
// the audit snapshots), the form's label and the value now, as the form
// shows it.
type recordField struct {
	key, label, value string
}

// staleNotice tells what someone else saved to rec since the user read it:
// who, when, and the fields the store says they changed, as they are now.
func staleNotice(err *store.StaleError, rec stored, advice string) *components.Stale {
	changed := err.Fields()
	n := &components.Stale{By: err.By(), At: err.At(), Advice: advice}
	for _, f := range rec.fields {
		if slices.Contains(changed, f.key) {
			n.Fields = append(n.Fields, components.StaleField{Label: f.label, Value: shownValue(f.value)})
		}
	}
	return n
}

// shownValue is a field's value in the notice: the text without markup,
// clipped, "(vuoto)" for nothing.
func shownValue(v string) string {
	v = clip(html.UnescapeString(tags.ReplaceAllString(v, " ")), 300)
	if v == "" {
		return "(vuoto)"
	}
	return "«" + v + "»"
}

// Advice of the notice of a change saved meanwhile.
const (
	staleSaveAdvice   = "Nulla è stato salvato: il modulo qui sotto contiene ancora ciò che ha scritto. Salvando di nuovo, i valori qui sopra saranno sostituiti dai suoi."
	staleDeleteAdvice = "Nulla è stato eliminato. Per eliminare comunque l'elemento, confermare di nuovo."
)

// formVersion is the version a form was read at; a form without one (made
// by hand) counts as read at no version, and so as stale.
func formVersion(r *http.Request) int {
	v, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || v < 0 {
		return 0
	}
	return v
}

// servePlanForm serves a page that changes the plan. GET shows it, with
// the version of the record it changes (or, once, the form the user posted
// after the session expired, as posted: see keep.go). POST reads it, with
// the variation fields of an approved plan and the version it was read at;
// with no field in error it saves and redirects with a message for the
// next page. Otherwise, or when the store refuses the change with a Conflict that
// conflictField places, it shows the page again, as typed, with status 422
// and still the version read. When the record changed since that version
// (store.StaleError), it shows the page again as typed with status 409, what
// the other person saved at the top, and the version now: saving again is
// then a choice made knowing what it replaces.
func (s *Server) servePlanForm(w http.ResponseWriter, r *http.Request, f planForm) error {
	if f.edit != nil {
		f.edit.Version = f.record.version
	}
	if r.Method == http.MethodGet {
		if !f.readOnly {
			// A form posted after the session expired, kept for this user
			// at this page (see keep.go): shown as typed, not saved.
			form, ok, err := s.takeKeptForm(w, r)
			if err != nil {
				return err
			}
			if ok {
				r.PostForm, r.Form = form, form // f.read reads r
				_, on, reason := variationForm(r, f.approved, f.errs)
				f.read(on, reason)
				if f.edit != nil {
					f.edit.Version = formVersion(r)
				}
				s.render(w, restoring(r), http.StatusOK, f.page())
				return nil
			}
		}
		s.render(w, r, http.StatusOK, f.page())
		return nil
	}
	variation, on, reason := variationForm(r, f.approved, f.errs)
	f.read(on, reason)
	ch := change(r, variation)
	if f.edit != nil {
		ch.Version = formVersion(r)
		f.edit.Version = ch.Version
	}
	if len(f.errs) == 0 {
		to, flash, err := f.save(ch)
		if err == nil {
			s.seeOther(w, r, to, flash)
			return nil
		}
		var stale *store.StaleError
		if f.edit != nil && errors.As(err, &stale) {
			advice := staleSaveAdvice
			if f.deletes {
				advice = staleDeleteAdvice
			}
			notice := staleNotice
			if f.notice != nil {
				notice = f.notice
			}
			f.edit.Version, f.edit.Stale = f.record.version, notice(stale, f.record, advice)
			s.render(w, r, http.StatusConflict, f.page())
			return nil
		}
		field := namedField(err, nil)
		if field == "" {
			if f.conflictField == nil {
				return err
			}
			field = f.conflictField(err)
		}
		if !storeConflict(err, f.errs, field) {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, f.page())
	return nil
}

// onField is a planForm.conflictField that always names field.
func onField(field string) func(error) string {
	return func(error) string { return field }
}

// deleteFunc deletes a plan item by id, as the store's Delete methods do.
type deleteFunc func(ctx context.Context, ch store.Change, id int64) error

// confirmDelete serves the page that confirms the deletion of the plan item
// id, as it stands (rec), with what goes with it; del deletes it, then the
// user goes to to with flash.
func (s *Server) confirmDelete(w http.ResponseWriter, r *http.Request, v pages.DeleteView, del deleteFunc, id int64, rec stored, to, flash string) error {
	return s.servePlanForm(w, r, planForm{
		page:     func() templ.Component { return pages.ConfirmDelete(v) },
		approved: v.Approved,
		errs:     v.Errors,
		edit:     &v.Edit,
		record:   rec,
		deletes:  true,
		read:     func(on, reason string) { v.VariationOn, v.VariationReason = on, reason },
		save: func(ch store.Change) (string, string, error) {
			return to, flash, del(r.Context(), ch, id)
		},
	})
}

// confirmRemoval is confirmDelete for the pages that also ask for the
// button «Elimina» (a centre, a period); rec is nil for a record without a
// version.
func (s *Server) confirmRemoval(w http.ResponseWriter, r *http.Request, v pages.RemovalView, del deleteFunc, id int64, rec *stored, to, flash string) error {
	f := planForm{
		page:     func() templ.Component { return pages.ConfirmRemoval(v) },
		approved: v.Approved,
		errs:     v.Errors,
		read: func(on, reason string) {
			confirmed(r, v.Errors)
			v.VariationOn, v.VariationReason = on, reason
		},
		save: func(ch store.Change) (string, string, error) {
			return to, flash, del(r.Context(), ch, id)
		},
	}
	if rec != nil { // a period has no version: nothing of it is edited
		f.edit, f.record, f.deletes = &v.Edit, *rec, true
	}
	return s.servePlanForm(w, r, f)
}

// movePlanItem moves the plan item id by the button pressed (see moveDelta)
// with move, then goes back to to.
func (s *Server) movePlanItem(w http.ResponseWriter, r *http.Request, move func(context.Context, store.Change, int64, int) error, id int64, to string) error {
	delta, err := moveDelta(r)
	if err != nil {
		return err
	}
	if err := move(r.Context(), change(r, nil), id, delta); err != nil {
		return err
	}
	s.seeOther(w, r, to, "")
	return nil
}

// objectiveItem loads the cycle of the URL and finds in it the item of an
// objective (an activity, an indicator) whose id is the URL parameter param:
// index is the item's position among the objective's items, or -1. An item
// of another cycle is missing, with the message missing.
func (s *Server) objectiveItem(r *http.Request, param, missing string, index func(o *plan.Objective, id int64) int) (*plan.Cycle, *plan.Centre, *plan.Objective, int, error) {
	c, err := s.loadCycle(r)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	id, err := idParam(r, param)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if i := index(o, id); i >= 0 {
				return c, ce, o, i, nil
			}
		}
	}
	return nil, nil, nil, 0, notFound(missing)
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
	} else if msg := plan.TooLong(reason, plan.MaxText); msg != "" {
		errs["variation_reason"] = sentence(msg)
	}
	return &store.Variation{On: day, Reason: reason}, on, reason
}

// change is a plan change by the signed-in user.
func change(r *http.Request, v *store.Variation) store.Change {
	return store.Change{Actor: actor(auth.UserFrom(r.Context())), Variation: v}
}

// addFieldErrors records a plan item's rule violations on its form fields,
// capitalised as sentences; a field already in error keeps its first message.
func addFieldErrors(errs components.FieldErrors, fes fielderr.List) {
	for _, fe := range fes {
		if _, ok := errs[fe.Field]; !ok {
			errs[fe.Field] = sentence(fe.Message)
		}
	}
}

// namedField is the form field a store.Conflict names (store.FieldVariationOn,
// store.FieldApprovedOn), as the form calls it: rename maps the store's name
// to the form's where they differ. "" when err names no field.
func namedField(err error, rename map[string]string) string {
	var c *store.Conflict
	if !errors.As(err, &c) || c.Field == "" {
		return ""
	}
	if f, ok := rename[c.Field]; ok {
		return f
	}
	return c.Field
}

// storeConflict puts a conflict reported by the store on field (or on the
// whole form when field is empty); it reports whether err was one.
func storeConflict(err error, errs components.FieldErrors, field string) bool {
	var c *store.Conflict
	if !errors.As(err, &c) {
		return false
	}
	if errors.Is(err, store.ErrPlanFrozen) {
		field = "" // approved meanwhile: about the whole form, not one field
	}
	errs[field] = sentence(c.Message)
	return true
}

// sentence makes a rule's message a sentence: capital first letter (which
// may be accented: "è …"), final full stop.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	first, size := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(first)) + msg[size:]
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
	return append([]layout.Crumb{{Label: "Cicli", Href: "/"}, {Label: "Ciclo " + y, Href: paths.Cycle(year)}}, last...)
}

// objectiveCrumbs lead to an objective's page, then to the form.
func objectiveCrumbs(year int, ce *plan.Centre, o *plan.Objective, last string) []layout.Crumb {
	return cycleCrumbs(year,
		layout.Crumb{Label: ce.Name + " · Obiettivo " + strconv.Itoa(o.Number), Href: paths.Objective(year, o.ID)},
		layout.Crumb{Label: last})
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

// seeOther redirects after a successful write, with a message for the next
// page. The write is committed: the answer does not depend on the session
// being written after it (see acknowledge), and the message travels in a
// cookie of its own.
func (s *Server) seeOther(w http.ResponseWriter, r *http.Request, to, flash string) {
	acknowledge(r)
	if flash != "" {
		s.setFlash(w, r, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
