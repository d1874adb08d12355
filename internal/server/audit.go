package server

import (
	"net/http"
	"slices"
	"strings"

	"traguardo/internal/audit"
	"traguardo/internal/labels"
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
		Entity: audit.Entity(v.Filter.Entity),
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
	var entries []store.AuditEntry
	if f.Entity == "" || slices.Contains(v.Entities, f.Entity) {
		if entries, err = s.store.ListAudit(ctx, f); err != nil {
			return err
		}
	}
	if len(entries) > auditPageSize {
		entries, v.Truncated = entries[:auditPageSize], true
	}
	var d describer
	if slices.ContainsFunc(entries, func(e store.AuditEntry) bool { return e.Entity == audit.User }) {
		// An account's snapshot lists its centres by id: one query names them all.
		centres, err := s.store.ListCentres(ctx)
		if err != nil {
			return err
		}
		d.centres = make(map[int64]string, len(centres))
		for _, c := range centres {
			d.centres[int64(c.ID)] = c.Name
		}
	}
	for _, e := range entries {
		v.Rows = append(v.Rows, d.auditRow(e))
	}
	s.render(w, r, http.StatusOK, pages.Audit(v))
	return nil
}

// auditRow puts an audit entry in words: the record named, then its fields
// (changed, set or removed), or a sentence for an access or a password.
func (d describer) auditRow(e store.AuditEntry) pages.AuditRow {
	old, now := decodeSnapshot(e.OldValue), decodeSnapshot(e.NewValue)
	row := pages.AuditRow{At: e.At, Actor: e.Actor, Action: labels.ActionLabel(e.Action),
		Subject: nameRecord(e.Entity, e.Subject, true, now, old)}
	if e.Entity == audit.Access {
		row.Sentence = accessSentence(e.Action, e.EntityID != nil, now)
		if row.Sentence != "" {
			return row
		}
	}
	row.Changes = d.fields(e.Entity, old, now)
	switch {
	case e.Action == audit.ResetPassword:
		row.Sentence = "Password reimpostata: le sessioni aperte dell'account sono terminate."
	case e.Action == audit.ChangePassword:
		row.Sentence = "Password cambiata."
	case len(row.Changes) == 0 && len(old) > 0 && len(now) > 0:
		row.Sentence = "Nessun dato visibile è cambiato."
	}
	return row
}

// accessSentence says an access entry in a sentence: "Accesso riuscito
// dall'indirizzo 192.0.2.1."; "" for an action it does not know.
func accessSentence(action audit.Action, account bool, v audit.Snapshot) string {
	str := func(k audit.Key) string { s, _ := v[k].(string); return s }
	from := ""
	if a := str(audit.KeyAddress); a != "" {
		from = " dall'indirizzo " + a
	}
	switch action {
	case audit.SignIn:
		return "Accesso riuscito" + from + "."
	case audit.SignOut:
		return "Uscita" + from + "."
	case audit.SignInFailed:
		s := "Password errata all'accesso"
		if e := str(audit.KeyEmail); e != "" {
			s += " con l'email " + e
		}
		s += from + "."
		if !account {
			s += " Nessun account ha questa email."
		}
		return s
	case audit.PasswordFailed:
		return "Password attuale errata nel cambio della password" + from + "."
	case audit.SignInOIDC:
		return "Accesso riuscito con il fornitore di identità" + from + "."
	case audit.SignInRefused:
		s := "Accesso con il fornitore di identità rifiutato"
		if e := str(audit.KeyEmail); e != "" {
			s += " per l'email " + e
		}
		s += from
		if reason := str(audit.KeyReason); reason != "" {
			s += ": " + labels.RefusalLabel(audit.Refusal(reason))
		}
		return s + "."
	case audit.Throttled:
		s := "Tentativi bloccati"
		if f := str(audit.KeyForm); f != "" {
			s += " al modulo di " + labels.AccessFormLabel(f)
		}
		if l := str(audit.KeyLimit); l != "" {
			s += ": " + labels.ThrottleLimitLabel(audit.Limit(l))
		}
		s += "."
		var who []string
		if e := str(audit.KeyEmail); e != "" {
			who = append(who, "email "+e)
		}
		if a := str(audit.KeyAddress); a != "" {
			who = append(who, "indirizzo "+a)
		}
		if len(who) > 0 {
			s += " " + strings.ToUpper(who[0][:1]) + who[0][1:]
			if len(who) > 1 {
				s += ", " + who[1]
			}
			s += "."
		}
		return s
	}
	return ""
}
