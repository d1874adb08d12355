package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
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
	names := variationNames(c)
	for _, e := range entries {
		v.Rows = append(v.Rows, describeVariation(e, names))
	}
	s.render(w, r, http.StatusOK, pages.Variations(v))
	return nil
}

// ---------------------------------------------------------------------------
// Variations in words

// variationNames names the plan items of a cycle by entity and id, for the
// items a variation touched that still exist.
func variationNames(c *plan.Cycle) map[string]map[int64]string {
	n := map[string]map[int64]string{"centre": {}, "objective": {}, "activity": {}, "indicator": {}}
	for _, ce := range c.Centres {
		n["centre"][ce.ID] = "«" + ce.Name + "»"
		for _, o := range ce.Objectives {
			obj := fmt.Sprintf("obiettivo %d di %s", o.Number, ce.Name)
			n["objective"][o.ID] = fmt.Sprintf("%d di %s «%s»", o.Number, ce.Name, clip(o.Title, 80))
			for _, a := range o.Activities {
				n["activity"][a.ID] = fmt.Sprintf("«%s» dell'%s", clip(a.Description, 80), obj)
			}
			for _, in := range o.Indicators {
				n["indicator"][in.ID] = fmt.Sprintf("«%s» dell'%s", clip(in.Name, 80), obj)
			}
		}
	}
	return n
}

type variationField struct{ key, label string }

// variationFields are the fields of each entity shown in a variation, in
// order; the others (ids, references) are left out.
var variationFields = map[string][]variationField{
	"cycle": {{"band_reached", "Soglia di raggiungimento"}, {"band_partial", "Soglia di parziale raggiungimento"}},
	"period": {{"ends_on", "Fine del periodo"}, {"values", "Valori consuntivi eliminati"},
		{"progress", "Consuntivi delle attività eliminati"}, {"reports", "Report eliminati"}},
	"centre": {{"name", "Nome"}, {"manager", "Responsabile"}, {"position", "Posizione"}, {"objectives", "Obiettivi eliminati"}},
	"objective": {{"section", "Sezione"}, {"number", "Numero"}, {"title", "Titolo"}, {"strategic_area", "Area strategica"},
		{"operational_objective", "Obiettivo operativo"}, {"peg_project", "Progetto PEG"}, {"services", "Servizi interessati"},
		{"end_users", "Utenti finali"}, {"networks", "Reti di collaborazione"}, {"description_html", "Descrizione"},
		{"weight", "Peso"}, {"group_id", "Gruppo trasversale"}, {"position", "Posizione"}},
	"activity": {{"description", "Descrizione"}, {"planned_from", "Inizio previsto"}, {"planned_to", "Fine prevista"},
		{"planned_annual", "Annuale"}, {"position", "Posizione"}},
	"indicator": {{"name", "Nome"}, {"description", "Descrizione"}, {"unit", "Unità di misura"}, {"polarity", "Polarità"},
		{"weight", "Peso"}, {"expected", "Valore atteso"}, {"neutralised_reason", "Motivo della sterilizzazione"}, {"position", "Posizione"}},
}

var variationEntities = map[string]string{
	"cycle": "Soglie di valutazione", "period": "Periodo di monitoraggio", "centre": "Centro di responsabilità",
	"objective": "Obiettivo", "activity": "Attività", "indicator": "Indicatore",
}

var variationActions = map[string]string{
	"create": "Aggiunta", "update": "Modifica", "move": "Spostamento", "delete": "Eliminazione",
}

// describeVariation puts a variation in words: the element, then each field
// as it was and as it became (the fields that changed, for a change).
func describeVariation(e store.VariationEntry, names map[string]map[int64]string) pages.VariationRow {
	row := pages.VariationRow{On: e.On, Reason: e.Reason, Actor: e.Actor,
		Action: cmp.Or(variationActions[e.Action], e.Action)}
	old, now := decodeSnapshot(e.OldValue), decodeSnapshot(e.NewValue)
	entity := cmp.Or(variationEntities[e.Entity], e.Entity)
	row.What = entity
	if e.EntityID != nil {
		if n, ok := names[e.Entity][*e.EntityID]; ok {
			row.What = entity + " " + n
		} else if n := snapshotName(e.Entity, old, now); n != "" {
			row.What = entity + " " + n
		}
	}
	if e.Entity == "period" {
		row.What = entity + " " + snapshotName(e.Entity, old, now)
	}
	for _, f := range variationFields[e.Entity] {
		o, hasOld := old[f.key]
		n, hasNew := now[f.key]
		switch {
		case hasOld && hasNew:
			ov, nv := showValue(f.key, o), showValue(f.key, n)
			if f.key == "group_id" && ov == nv && fmt.Sprint(o) != fmt.Sprint(n) {
				row.Changes = append(row.Changes, f.label+": spostato in un altro gruppo")
			} else if ov != nv {
				row.Changes = append(row.Changes, fmt.Sprintf("%s: %s → %s", f.label, ov, nv))
			}
		case hasNew && !empty(n):
			row.Changes = append(row.Changes, fmt.Sprintf("%s: %s", f.label, showValue(f.key, n)))
		case hasOld && !empty(o) && e.Action == "delete":
			row.Changes = append(row.Changes, fmt.Sprintf("%s: %s", f.label, showValue(f.key, o)))
		}
	}
	return row
}

// decodeSnapshot reads a JSON snapshot, keeping numbers exact.
func decodeSnapshot(s string) map[string]any {
	m := map[string]any{}
	if s == "" {
		return m
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	_ = d.Decode(&m) // a snapshot that is not an object shows no fields
	return m
}

// snapshotName names a deleted item from its snapshot.
func snapshotName(entity string, snaps ...map[string]any) string {
	for _, m := range snaps {
		switch entity {
		case "period":
			if v, ok := m["ends_on"]; ok {
				return "del " + showValue("ends_on", v)
			}
		case "objective":
			if t, ok := m["title"].(string); ok {
				return fmt.Sprintf("%v «%s»", m["number"], clip(t, 80))
			}
		default:
			for _, k := range []string{"name", "description"} {
				if t, ok := m[k].(string); ok && t != "" {
					return "«" + clip(t, 80) + "»"
				}
			}
		}
	}
	return ""
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	case bool:
		return !v
	}
	return false
}

var tags = regexp.MustCompile(`<[^>]*>`)

// showValue writes a snapshot value for people: Italian numbers, dates and
// months, positions from 1, text without markup and clipped.
func showValue(key string, v any) string {
	if key == "group_id" {
		if v == nil {
			return "nessuno"
		}
		return "assegnato"
	}
	if empty(v) && key != "planned_annual" {
		return "(vuoto)"
	}
	switch v := v.(type) {
	case bool:
		if v {
			return "sì"
		}
		return "no"
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return v.String()
		}
		if key == "position" {
			return strconv.Itoa(int(f) + 1)
		}
		return components.Number(f)
	case string:
		switch key {
		case "planned_from", "planned_to":
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return domain.MonthName(t.Month()) + " " + strconv.Itoa(t.Year())
			}
		case "ends_on":
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return components.Date(t)
			}
		case "polarity":
			switch domain.Polarity(v) {
			case domain.Higher:
				return "più alto è meglio"
			case domain.Lower:
				return "più basso è meglio"
			}
		case "description_html":
			v = html.UnescapeString(tags.ReplaceAllString(v, " "))
		}
		return "«" + clip(v, 160) + "»"
	}
	return fmt.Sprint(v)
}

// clip shortens s to n characters, with an ellipsis.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
