package server

import (
	"net/http"
	"slices"
	"strings"

	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
)

// auditPageSize is how many entries the audit page shows at most.
const auditPageSize = 200

// auditLog shows the audit log, newest first, filtered by who, what and
// when. It only reads: nothing in the application changes the log.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v := pages.AuditView{
		Filter: pages.AuditFilterForm{
			Actor:  strings.TrimSpace(q.Get("actor")),
			Entity: strings.TrimSpace(q.Get("entity")),
			From:   strings.TrimSpace(q.Get("from")),
			To:     strings.TrimSpace(q.Get("to")),
		},
		Errors: components.FieldErrors{},
		Limit:  auditPageSize,
	}
	f := store.AuditFilter{
		Actor:  strings.ToLower(v.Filter.Actor),
		Entity: v.Filter.Entity,
		Limit:  auditPageSize + 1, // one more, to tell whether some were left out
	}
	if !plainText(v.Filter.Actor) {
		v.Errors["actor"] = "Il valore contiene caratteri non ammessi."
	}
	const badDate = "Data non valida: usare il formato gg/mm/aaaa."
	if v.Filter.From != "" {
		t, err := components.ParseDay(v.Filter.From)
		if err != nil {
			v.Errors["from"] = badDate
		}
		f.From = t
	}
	if v.Filter.To != "" {
		t, err := components.ParseDay(v.Filter.To)
		if err != nil {
			v.Errors["to"] = badDate
		} else {
			f.To = t.AddDate(0, 0, 1) // the whole last day
		}
	}
	if len(v.Errors) == 0 && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		v.Errors["to"] = "Il giorno finale non può precedere quello iniziale."
	}

	var err error
	if v.Entities, err = s.store.AuditEntities(ctx); err != nil {
		return err
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, pages.Audit(v))
		return nil
	}
	// The entity is chosen from a list: one not in it names no entry.
	if f.Entity == "" || slices.Contains(v.Entities, f.Entity) {
		if v.Entries, err = s.store.ListAudit(ctx, f); err != nil {
			return err
		}
	}
	if len(v.Entries) > auditPageSize {
		v.Entries, v.Truncated = v.Entries[:auditPageSize], true
	}
	s.render(w, r, http.StatusOK, pages.Audit(v))
	return nil
}
