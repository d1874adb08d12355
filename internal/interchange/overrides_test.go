package interchange_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"traguardo/internal/demo"
	"traguardo/internal/fielderr"
	"traguardo/internal/plan"
)

// TestOverrides_RoundTrip: an indicator's override of one period survives
// an export and an import beside its override of every period, and the
// figures at that period follow it.
func TestOverrides_RoundTrip(t *testing.T) {
	c := mustRead(t, demo.Cycle2023())
	if bytes.Contains(encode(t, c), []byte(`"overrides"`)) {
		t.Error("a cycle without overrides of single periods writes them")
	}
	first, last := c.Periods[0].EndsOn, c.Periods[len(c.Periods)-1].EndsOn
	in := c.Centres[0].Objectives[0].Indicators[0]
	in.Neutralised = nil
	in.Override = &plan.Override{Pct: 60, Reason: "Per l'anno"}
	in.Overrides = []plan.PeriodOverride{{Period: first, Pct: 80, Reason: "Dato del 30/06 incompleto"}}
	doc := encode(t, c)
	back := mustRead(t, doc)
	got := back.Centres[0].Objectives[0].Indicators[0]
	if len(got.Overrides) != 1 || got.Overrides[0] != in.Overrides[0] || got.Override == nil || *got.Override != *in.Override {
		t.Fatalf("read back: %+v, %+v", got.Overrides, got.Override)
	}
	if again := encode(t, back); !bytes.Equal(doc, again) {
		t.Fatalf("second round differs at byte %d", firstDiff(doc, again))
	}
	var d struct {
		Centres []struct {
			Objectives []struct {
				Indicators []struct {
					Overrides   json.RawMessage
					Achievement float64
				}
			}
		}
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	ind := d.Centres[0].Objectives[0].Indicators[0]
	if got, want := compact(t, ind.Overrides), `[{"period":"`+first.Format("2006-01-02")+`","achievement":80,"reason":"Dato del 30/06 incompleto"}]`; got != want {
		t.Errorf("overrides: %s, want %s", got, want)
	}
	// The figures are written as of the last period: the override of every
	// period, not the first period's own.
	if ind.Achievement != 60 {
		t.Errorf("achievement at %s: %v, want the indicator's override, 60", last.Format("02/01"), ind.Achievement)
	}
}

func TestOverrides_ReadRefusals(t *testing.T) {
	doc := demoDoc(t)
	set(t, doc, "centres[0].objectives[0].indicators[0].neutralised", nil)
	set(t, doc, "centres[0].objectives[0].indicators[0].overrides", []any{
		map[string]any{"period": "2023-06-30", "achievement": 150, "reason": " "},
		map[string]any{"period": "2022-06-30", "achievement": 50, "reason": "altro anno"},
		map[string]any{"period": "2023-06-30", "achievement": 50, "reason": "ripetuto"},
	})
	_, err := readDoc(t, doc)
	checkErrors(t, err, fielderr.List{
		fe("centres[0].objectives[0].indicators[0].overrides[0].reason", "motivazione del grado stabilito mancante"),
		fe("centres[0].objectives[0].indicators[0].overrides[0].achievement", "grado non valido: deve essere compreso tra 0 e 100"),
		fe("centres[0].objectives[0].indicators[0].overrides[1].period", `periodo non previsto dal ciclo: "2022-06-30"`),
		fe("centres[0].objectives[0].indicators[0].overrides[2].period", "periodo ripetuto"),
	})
	doc = demoDoc(t)
	set(t, doc, "centres[0].objectives[0].indicators[0].neutralised", map[string]any{"reason": "Norma abrogata", "by": "nucleo"})
	set(t, doc, "centres[0].objectives[0].indicators[0].overrides", []any{
		map[string]any{"period": "2023-06-30", "achievement": 50, "reason": "x"},
	})
	_, err = readDoc(t, doc)
	checkErrors(t, err, fielderr.List{
		fe("centres[0].objectives[0].indicators[0].overrides[0]", "un indicatore sterilizzato non può avere un grado stabilito"),
	})
}
