package interchange_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"traguardo/internal/fielderr"
	"traguardo/internal/plan"
)

// monitoringDemo is the demo document with monitoring data of every kind
// the format carries: a value not measurable at 30/06 and a value at 31/12
// for "Incontri" (ind0), an intermediate target at 30/06, and the
// submissions of AREA DIREZIONE.
func monitoringDemo(t *testing.T) map[string]any {
	t.Helper()
	doc := demoDoc(t)
	set(t, doc, ind0+".values", []any{
		map[string]any{"period": "2023-06-30", "value": nil, "not_measurable": true, "reason": "sistema informativo fermo"},
		map[string]any{"period": lastDay, "value": json.Number("8"), "reason": nil},
	})
	set(t, doc, ind0+".targets", []any{map[string]any{"period": "2023-06-30", "target": json.Number("3")}})
	set(t, doc, yesNo+".targets", []any{map[string]any{"period": "2023-09-30", "target": true}})
	set(t, doc, "centres[0].submissions", []any{
		map[string]any{"period": "2023-06-30", "state": "restituito", "comment": "Manca il motivo del ritardo"},
		map[string]any{"period": lastDay, "state": "approvato", "comment": nil},
	})
	return doc
}

func TestMonitoringFields_Read(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c, err := readDoc(t, monitoringDemo(t))
		if err != nil {
			t.Fatal(err)
		}
		in := c.Centres[0].Objectives[0].Indicators[0]
		june := time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC)
		want := []plan.Value{
			{Period: june, NotMeasurable: true, Reason: "sistema informativo fermo"},
			{Period: time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC), Value: 8},
		}
		if !reflect.DeepEqual(in.Values, want) {
			t.Errorf("values = %+v, want %+v", in.Values, want)
		}
		if !reflect.DeepEqual(in.Targets, []plan.Target{{Period: june, Value: 3}}) {
			t.Errorf("targets = %+v", in.Targets)
		}
		if yn := c.Centres[0].Objectives[1].Indicators[2]; len(yn.Targets) != 1 || yn.Targets[0].Value != 1 {
			t.Errorf("si/no target = %+v, want 1 (si)", yn.Targets)
		}
		subs := c.Centres[0].Submissions
		if len(subs) != 2 || subs[0].State != plan.Returned || subs[0].Comment != "Manca il motivo del ritardo" || subs[1].State != plan.Approved {
			t.Errorf("submissions = %+v", subs)
		}
	})
	t.Run("OKDemoWithoutThemReadsAsBefore", func(t *testing.T) {
		c := mustRead(t, toJSON(t, demoDoc(t)))
		if len(c.Centres[0].Submissions) != 0 || len(c.Centres[0].Objectives[0].Indicators[0].Targets) != 0 {
			t.Error("the demo document grew monitoring data")
		}
	})
	cases := []struct {
		name string
		edit func(doc map[string]any)
		want fielderr.List
	}{
		{"ErrNotMeasurableWithValue", func(doc map[string]any) {
			set(t, doc, ind0+".values[0].value", json.Number("2"))
		}, fielderr.List{fe(ind0+".values[0].value", "un valore non rilevabile (not_measurable) non ha valore: usare null")}},
		{"ErrNotMeasurableWithoutReason", func(doc map[string]any) {
			set(t, doc, ind0+".values[0].reason", " ")
		}, fielderr.List{fe(ind0+".values[0].reason", "motivo mancante: un valore non rilevabile richiede il motivo")}},
		{"ErrTargetOfWrongKind", func(doc map[string]any) {
			set(t, doc, yesNo+".targets[0].target", json.Number("1"))
		}, fielderr.List{fe(yesNo+".targets[0].target", "per un indicatore si/no il valore è vero (si) o falso (no)")}},
		{"ErrTargetMissingAndPeriodUnknown", func(doc map[string]any) {
			set(t, doc, ind0+".targets", []any{map[string]any{"period": "2023-05-31", "target": nil}})
		}, fielderr.List{fe(ind0+".targets[0].period", `periodo non previsto dal ciclo: "2023-05-31"`), fe(ind0+".targets[0].target", "target intermedio mancante")}},
		{"ErrSubmissionState", func(doc map[string]any) {
			set(t, doc, "centres[0].submissions[1].state", "bozza")
		}, fielderr.List{fe("centres[0].submissions[1].state", `stato dell'invio non valido: "inviato", "restituito" o "approvato"`)}},
		{"ErrSubmissionPeriodTwice", func(doc map[string]any) {
			set(t, doc, "centres[0].submissions[1].period", "2023-06-30")
		}, fielderr.List{fe("centres[0].submissions[1].period", "periodo ripetuto")}},
		{"ErrUnknownFieldStillRejected", func(doc map[string]any) {
			set(t, doc, "centres[0].submissions[0].by", "direttore")
		}, fielderr.List{fe("centres[0].submissions[0].by", "campo sconosciuto")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := monitoringDemo(t)
			tc.edit(doc)
			_, err := readDoc(t, doc)
			checkErrors(t, err, tc.want)
		})
	}
}

// TestMonitoringFields_RoundTrip: a document with every kind of monitoring
// data, read and written, keeps all of it, and writing it again gives the
// same bytes.
func TestMonitoringFields_RoundTrip(t *testing.T) {
	first := encode(t, mustRead(t, toJSON(t, monitoringDemo(t))))
	second := encode(t, mustRead(t, first))
	if !bytes.Equal(first, second) {
		t.Fatalf("second round differs at byte %d", firstDiff(first, second))
	}
	out := parseDoc(t, first)
	in := monitoringDemo(t)
	for _, path := range []string{ind0 + ".values", ind0 + ".targets", yesNo + ".targets", "centres[0].submissions"} {
		if got, want := toJSON(t, get(t, out, path)), toJSON(t, get(t, in, path)); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", path, got, want)
		}
	}
	// The year's result: "Incontri" is 8 at 31/12 (its 30/06 was not
	// measurable); the figures are said to be at 31/12, the year's.
	if got := toJSON(t, get(t, out, "figures")); string(got) != `{"period":"2023-12-31","year_result":true}` {
		t.Errorf("figures = %s", got)
	}
	if got := get(t, out, ind0+".actual"); got != json.Number("8") {
		t.Errorf("actual = %v, want 8", got)
	}
}

// TestEncode_YearResultIsTheLastPeriods: an indicator without a value at
// the last period exports a null actual, 0 achievement and its earlier
// value as "latest", never as the year's.
func TestEncode_YearResultIsTheLastPeriods(t *testing.T) {
	doc := demoDoc(t)
	set(t, doc, ind0+".values[0].period", "2023-06-30")
	out := parseDoc(t, encode(t, mustRead(t, toJSON(t, doc))))
	if got := get(t, out, ind0+".actual"); got != nil {
		t.Errorf("actual = %v, want null", got)
	}
	if got := get(t, out, ind0+".achievement"); got != json.Number("0") {
		t.Errorf("achievement = %v, want 0", got)
	}
	if got := toJSON(t, get(t, out, ind0+".latest")); string(got) != `{"period":"2023-06-30","value":8}` {
		t.Errorf("latest = %s", got)
	}
	// Objective 1 of AREA DIREZIONE had "Incontri" (8 of 6 -> 100) and
	// others; its figure now counts 0 for it.
	if got := get(t, out, "figures.year_result"); got != true {
		t.Errorf("year_result = %v", got)
	}
}
