package server

import (
	"encoding/json"
	"strings"
	"testing"

	"traguardo/internal/audit"
	"traguardo/internal/labels"
	"traguardo/internal/store"
)

// TestDescriber_Value: each kind of field reads the Italian way; the
// expected texts are written by hand.
func TestDescriber_Value(t *testing.T) {
	d := describer{centres: map[int64]string{7: "AREA DIREZIONE"}}
	num := func(s string) json.Number { return json.Number(s) }
	for _, tc := range []struct {
		entity audit.Entity
		key    audit.Key
		v      any
		snap   audit.Snapshot
		want   string
	}{
		{"activity", "planned_from", "2023-03-01", nil, "Marzo 2023"}, // domain.MonthName,
		{"activity", "planned_annual", false, nil, "no"},
		{"activity", "position", num("2"), nil, "3"},
		{"period", "ends_on", "2023-06-30", nil, "30/06/2023"},
		{"cycle", "periods", []any{"2023-06-30", "2023-12-31"}, nil, "30/06/2023, 31/12/2023"},
		{"cycle", "periods", num("4"), nil, "4"},
		{"cycle", "year", num("2023"), nil, "2023"},
		{"cycle", "band_reached", num("92.5"), nil, "92,5"},
		{"indicator", "expected", num("1234.5"), audit.Snapshot{audit.KeyUnit: "n."}, "1.234,5"},
		{"indicator", "expected", num("1"), audit.Snapshot{audit.KeyUnit: "si/no"}, "sì"},
		{"indicator", "polarity", "lower", nil, "Più basso è meglio"},
		{"indicator", "neutralised_by", "nucleo", nil, "Nucleo di Valutazione"},
		{"indicator", "neutralised_reason", nil, nil, "(vuoto)"},
		{"objective", "group_id", nil, nil, "nessuno"},
		{"objective", "group_id", num("12"), nil, "assegnato"},
		{"objective", "description_html", "<p>Uno &amp; <em>due</em></p>", nil, "«Uno & due»"},
		{"user", "role", "responsabile", nil, "Responsabile di Area"},
		{"user", "centres", []any{num("7"), num("8")}, nil, "AREA DIREZIONE, un centro non più presente"},
		{"access", "limit", "pair", nil, "troppi errori per lo stesso account dallo stesso indirizzo"},
		{"access", "form", "password", nil, "cambio della password"},
		{"submission", "state", "inviato", nil, "Inviato"},
		{"submission", "state", "restituito", nil, "Restituito"},
		{"submission", "comment", "Rivedere il target", nil, "«Rivedere il target»"},
	} {
		f, ok := labels.FieldOf(tc.entity, tc.key)
		if !ok {
			t.Fatalf("no field %s.%s", tc.entity, tc.key)
		}
		if got := d.value(f, tc.v, tc.snap); got.Text != tc.want || got.Full != "" {
			t.Errorf("%s.%s = %v: %+v, want %q", tc.entity, tc.key, tc.v, got, tc.want)
		}
	}
}

// TestNameRecord: a record named from its snapshot, with where it sits from
// the database; a deleted one without a row still gets its own name.
func TestNameRecord(t *testing.T) {
	sub := store.AuditSubject{Exists: true, Year: 2023, Centre: "AREA DIREZIONE", Objective: 2, ObjectiveTitle: "Vecchio titolo", Name: "Vecchio titolo"}
	snap := decodeSnapshot(`{"number": 2, "title": "Nuovo titolo", "cycle_centre_id": 4}`)
	for _, tc := range []struct {
		entity audit.Entity
		sub    store.AuditSubject
		snap   audit.Snapshot
		cycle  bool
		want   string
	}{
		{"objective", sub, snap, true, "Obiettivo 2 «Nuovo titolo» — AREA DIREZIONE (ciclo 2023)"},
		{"objective", sub, nil, false, "Obiettivo 2 «Vecchio titolo» — AREA DIREZIONE"},
		{"indicator", store.AuditSubject{}, decodeSnapshot(`{"name": "Tempo medio"}`), true, "Indicatore «Tempo medio»"},
		{"activity", store.AuditSubject{Year: 2024, Centre: "AREA MINORI", Objective: 3}, decodeSnapshot(`{"description": "Bando"}`), true,
			"Attività «Bando» — obiettivo 3 di AREA MINORI (ciclo 2024)"},
		{"cycle", store.AuditSubject{Year: 2024}, nil, true, "Ciclo 2024"},
		{"period", store.AuditSubject{}, decodeSnapshot(`{"ends_on": "2023-10-31"}`), true, "Periodo di monitoraggio del 31/10/2023"},
		{"user", store.AuditSubject{Name: "a@b.it"}, nil, true, "Utente a@b.it"},
		{"access", store.AuditSubject{Name: "a@b.it"}, nil, true, "Accessi"},
	} {
		if got := nameRecord(tc.entity, tc.sub, tc.cycle, tc.snap); got != tc.want {
			t.Errorf("nameRecord(%s, %+v) = %q, want %q", tc.entity, tc.sub, got, tc.want)
		}
	}
}

// TestDescriber_ProgressSnapshot: a progress save's snapshot is data (the
// store writes lists of entries); the Registro writes it in Italian, and
// reads the lines an older record holds as they are.
func TestDescriber_ProgressSnapshot(t *testing.T) {
	d := describer{}
	var snap audit.Snapshot
	doc := `{"values": [
	    {"name": "Incontri", "unit": "n.", "value": 1234.5, "not_measurable": false, "reason": ""},
	    {"name": "Formazione", "unit": "si/no", "value": 1, "not_measurable": false, "reason": ""},
	    {"name": "Utenti", "unit": "n.", "value": null, "not_measurable": true, "reason": "Dato non fornito"}],
	  "activities": [
	    {"position": 1, "from": "2023-09", "to": "2023-10", "annual": false, "year": 2023, "reason": "Ritardo del fornitore"},
	    {"position": 0, "from": null, "to": null, "annual": true, "year": 2023, "reason": ""}]}`
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&snap); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key  audit.Key
		v    any
		want string
	}{
		{audit.KeyValues, snap[audit.KeyValues], "Incontri: 1.234,5; Formazione: sì; Utenti: non rilevabile (motivo: Dato non fornito)"},
		{audit.KeyActivities, snap[audit.KeyActivities], "Attività 2: Settembre/Ottobre (motivo: Ritardo del fornitore); Attività 1: Annuale"},
		{audit.KeyValues, "Incontri: 8", "«Incontri: 8»"},
	} {
		f, ok := labels.FieldOf(audit.Progress, tc.key)
		if !ok {
			t.Fatalf("no field progress.%s", tc.key)
		}
		if got := d.value(f, tc.v, snap); got.Text != tc.want {
			t.Errorf("%s: %q, want %q", tc.key, got.Text, tc.want)
		}
	}
}
