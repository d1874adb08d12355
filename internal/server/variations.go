package server

import (
	"net/http"

	"traguardo/internal/audit"
	"traguardo/internal/labels"
	"traguardo/internal/store"
	"traguardo/web/pages"
)

// The variations of an approved plan, in words.

func (s *Server) variationsList(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	entries, err := s.store.ListVariations(r.Context(), c.Year)
	if err != nil {
		return err
	}
	v := pages.VariationsView{Year: c.Year, ApprovalAct: c.ApprovalAct, ApprovedOn: c.ApprovedOn}
	subjects := planSubjects(c)
	for _, e := range entries {
		v.Rows = append(v.Rows, describeVariation(e, subjects))
	}
	s.render(w, r, http.StatusOK, pages.Variations(v))
	return nil
}

// describeVariation puts a variation in words, as the audit log does: the
// element, then each field as it was and as it became (the fields that
// changed, for a change). The cycle's only variations are its bands.
func describeVariation(e store.VariationEntry, subjects map[audit.Entity]map[int64]store.AuditSubject) pages.VariationRow {
	entity := audit.Entity(e.Entity)
	row := pages.VariationRow{On: e.On, Reason: e.Reason, Actor: e.Actor, Action: labels.ActionLabel(audit.Action(e.Action))}
	old, now := decodeSnapshot(e.OldValue), decodeSnapshot(e.NewValue)
	var sub store.AuditSubject
	if e.EntityID != nil {
		sub = subjects[entity][*e.EntityID]
	}
	row.What = nameRecord(entity, sub, false, now, old)
	if entity == audit.Cycle {
		row.What = "Soglie di valutazione"
	}
	for _, c := range (describer{}).fields(entity, old, now) {
		row.Changes = append(row.Changes, c.String())
	}
	return row
}
