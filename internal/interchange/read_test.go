package interchange_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
)

func TestRead_Demo(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		raw, err := os.ReadFile(demoPath)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(raw, demo.Cycle2023()) {
			t.Fatalf("%s differs from demo.Cycle2023()", demoPath)
		}
		c := mustRead(t, raw)
		if c.Organisation != "Consorzio IN.RE.TE." || c.Year != 2023 || c.Bands != domain.DefaultBands() {
			t.Errorf("cycle = %q %d %+v", c.Organisation, c.Year, c.Bands)
		}
		var periods []string
		for _, p := range c.Periods {
			periods = append(periods, p.EndsOn.Format(time.DateOnly))
		}
		if got, want := periods, []string{"2023-03-31", "2023-06-30", "2023-09-30", lastDay}; !equalStrings(got, want) {
			t.Errorf("periods = %v, want %v", got, want)
		}
		counts := c.Count()
		if counts != (struct{ Centres, Objectives, Activities, Indicators int }{6, 18, 86, 62}) {
			t.Errorf("counts = %+v", counts)
		}
		ce := c.Centres[0]
		if ce.Name != "AREA DIREZIONE" || len(ce.Objectives) != 2 {
			t.Errorf("centre 0 = %q with %d objectives", ce.Name, len(ce.Objectives))
		}
		o := ce.Objectives[0]
		if o.Section != "Obiettivi di performance" || o.Number != 1 || o.Group != "" || o.Weight != nil {
			t.Errorf("objective = %q %d %q %v", o.Section, o.Number, o.Group, o.Weight)
		}
		a := o.Activities[0]
		if a.Planned.From == nil || a.Planned.From.String() != "2023-05" || a.Planned.To.String() != "2023-05" || a.Planned.Annual {
			t.Errorf("activity planned = %+v", a.Planned)
		}
		if len(a.Progress) != 1 || a.Progress[0].Period.Format(time.DateOnly) != lastDay || a.Progress[0].Actual.From.String() != "2023-09" {
			t.Errorf("activity progress = %+v", a.Progress)
		}
		in := o.Indicators[0]
		if in.Name != "Incontri" || in.Unit != domain.UnitCount || in.Polarity != domain.Higher || in.Expected != 6 ||
			len(in.Values) != 1 || in.Values[0].Value != 8 || in.Values[0].Period.Format(time.DateOnly) != lastDay {
			t.Errorf("indicator = %+v", in)
		}
		if len(o.Reports) != 1 || o.Reports[0].Status != "" || o.Reports[0].Period.Format(time.DateOnly) != lastDay {
			t.Errorf("reports = %+v", o.Reports)
		}
		if got := c.Centres[4].Objectives[4].Group; got != "reddito-di-cittadinanza" {
			t.Errorf("group = %q", got)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRead_Fields mutates one thing of the demo document and checks every
// problem ToCycle reports, with its exact path and message.
func TestRead_Fields(t *testing.T) {
	periodErr := func(path string) fielderr.Error {
		return fe(path, "il periodo non cade nell'anno del ciclo")
	}
	tests := []struct {
		name   string
		mutate func(t *testing.T, doc map[string]any)
		want   fielderr.List // nil: reads without error
	}{
		// Header.
		{"ErrFormat", func(t *testing.T, d map[string]any) { set(t, d, "format", "traguardo/v2") },
			fielderr.List{fe("format", `formato non supportato: atteso "traguardo/v1"`)}},
		{"ErrFormatMissing", func(t *testing.T, d map[string]any) { del(t, d, "format") },
			fielderr.List{fe("format", `formato non supportato: atteso "traguardo/v1"`)}},
		{"ErrOrganisationName", func(t *testing.T, d map[string]any) { set(t, d, "organisation.name", " \t") },
			fielderr.List{fe("organisation.name", "nome dell'ente mancante")}},
		// The centres are emptied so that only the year and its periods are judged.
		{"ErrYearTooEarly", func(t *testing.T, d map[string]any) { set(t, d, "year", 1999); set(t, d, "centres", []any{}) },
			fielderr.List{
				fe("year", "anno non valido: deve essere tra 2000 e 2100"),
				periodErr("periods[0]"), periodErr("periods[1]"), periodErr("periods[2]"), periodErr("periods[3]"),
			}},
		{"ErrYearTooLate", func(t *testing.T, d map[string]any) {
			set(t, d, "year", 2101)
			set(t, d, "periods", []any{"2101-12-31"})
			set(t, d, "centres", []any{})
		}, fielderr.List{fe("year", "anno non valido: deve essere tra 2000 e 2100")}},
		{"OKYear2100", func(t *testing.T, d map[string]any) {
			set(t, d, "year", 2100)
			set(t, d, "periods", []any{"2100-12-31"})
			set(t, d, "centres", []any{})
		}, nil},
		{"ErrNoPeriods", func(t *testing.T, d map[string]any) { set(t, d, "periods", []any{}); set(t, d, "centres", []any{}) },
			fielderr.List{fe("periods", "almeno un periodo di monitoraggio è necessario")}},
		{"ErrPeriodsOutOfOrder", func(t *testing.T, d map[string]any) {
			set(t, d, "periods", []any{"2023-06-30", "2023-03-31", "2023-09-30", lastDay})
		}, fielderr.List{fe("periods[1]", "i periodi devono essere in ordine crescente e senza ripetizioni")}},
		{"ErrPeriodsRepeated", func(t *testing.T, d map[string]any) {
			set(t, d, "periods", []any{"2023-03-31", "2023-06-30", "2023-06-30", lastDay})
		}, fielderr.List{fe("periods[2]", "i periodi devono essere in ordine crescente e senza ripetizioni")}},
		{"ErrPeriodOtherYear", func(t *testing.T, d map[string]any) { set(t, d, "periods[0]", "2022-12-31") },
			fielderr.List{periodErr("periods[0]")}},
		{"ErrPeriodBadDate", func(t *testing.T, d map[string]any) { set(t, d, "periods[0]", "2023-02-30") },
			fielderr.List{fe("periods[0]", "data non valida: usare AAAA-MM-GG")}},
		{"ErrPeriodBadFormat", func(t *testing.T, d map[string]any) { set(t, d, "periods[1]", "30/06/2023") },
			fielderr.List{fe("periods[1]", "data non valida: usare AAAA-MM-GG")}},

		// Centres.
		{"ErrCentreName", func(t *testing.T, d map[string]any) { set(t, d, "centres[1].name", "") },
			fielderr.List{fe("centres[1].name", "nome del centro mancante")}},
		{"ErrCentreRepeated", func(t *testing.T, d map[string]any) { set(t, d, "centres[2].name", " AREA DIREZIONE ") },
			fielderr.List{fe("centres[2].name", "centro già presente nel documento")}},

		// Objectives.
		{"ErrEmptyTitle", func(t *testing.T, d map[string]any) { set(t, d, obj1+".title", "") },
			fielderr.List{fe("centres[0].objectives[1].title", "titolo dell'obiettivo mancante")}},
		{"ErrBlankTitle", func(t *testing.T, d map[string]any) { set(t, d, obj0+".title", " \n ") },
			fielderr.List{fe("centres[0].objectives[0].title", "titolo dell'obiettivo mancante")}},
		{"ErrSection", func(t *testing.T, d map[string]any) { del(t, d, obj0+".section") },
			fielderr.List{fe("centres[0].objectives[0].section", "sezione mancante")}},
		{"ErrNumberZero", func(t *testing.T, d map[string]any) { set(t, d, obj0+".number", 0) },
			fielderr.List{fe("centres[0].objectives[0].number", "numero dell'obiettivo mancante o non valido (intero da 1 a 9999)")}},
		{"ErrNumberNegative", func(t *testing.T, d map[string]any) { set(t, d, obj1+".number", -2) },
			fielderr.List{fe("centres[0].objectives[1].number", "numero dell'obiettivo mancante o non valido (intero da 1 a 9999)")}},
		{"ErrNumberMissing", func(t *testing.T, d map[string]any) { del(t, d, obj1+".number") },
			fielderr.List{fe("centres[0].objectives[1].number", "numero dell'obiettivo mancante o non valido (intero da 1 a 9999)")}},
		{"ErrNumberRepeated", func(t *testing.T, d map[string]any) { set(t, d, obj1+".number", 1) },
			fielderr.List{fe("centres[0].objectives[1].number", "numero già usato nella stessa sezione del centro")}},
		{"ErrNumberRepeatedSectionSpaces", func(t *testing.T, d map[string]any) {
			set(t, d, obj1+".number", 1)
			set(t, d, obj1+".section", " Obiettivi di performance ")
		}, fielderr.List{fe("centres[0].objectives[1].number", "numero già usato nella stessa sezione del centro")}},
		{"OKNumberRepeatedOtherSection", func(t *testing.T, d map[string]any) {
			set(t, d, obj1+".number", 1)
			set(t, d, obj1+".section", "Obiettivi trasversali")
		}, nil},
		{"ErrWeightNegative", func(t *testing.T, d map[string]any) { set(t, d, obj0+".weight", -1) },
			fielderr.List{fe("centres[0].objectives[0].weight", "il peso deve essere maggiore di zero")}},
		{"ErrWeightZero", func(t *testing.T, d map[string]any) { set(t, d, obj0+".weight", 0) },
			fielderr.List{fe("centres[0].objectives[0].weight", "il peso deve essere maggiore di zero")}},
		{"ErrIndicatorWeightNegative", func(t *testing.T, d map[string]any) { set(t, d, ind0+".weight", json.Number("-0.5")) },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].weight", "il peso deve essere maggiore di zero")}},
		{"OKWeight", func(t *testing.T, d map[string]any) {
			set(t, d, obj0+".weight", json.Number("0.5"))
			set(t, d, ind0+".weight", 3)
		}, nil},
		{"ErrGroupEmpty", func(t *testing.T, d map[string]any) { set(t, d, obj0+".group", " ") },
			fielderr.List{fe("centres[0].objectives[0].group", "gruppo vuoto: usare null per un obiettivo non trasversale")}},

		// Activities and spans.
		{"ErrActivityDescription", func(t *testing.T, d map[string]any) { set(t, d, act0+".description", "") },
			fielderr.List{fe("centres[0].objectives[0].activities[0].description", "descrizione dell'attività mancante")}},
		{"ErrBadMonth", func(t *testing.T, d map[string]any) { set(t, d, act0+".planned.from", "2023-13") },
			fielderr.List{fe("centres[0].objectives[0].activities[0].planned.from", "mese non valido: usare AAAA-MM")}},
		{"ErrBadMonthShort", func(t *testing.T, d map[string]any) { set(t, d, act0+".progress[0].actual.to", "2023-9") },
			fielderr.List{fe("centres[0].objectives[0].activities[0].progress[0].actual.to", "mese non valido: usare AAAA-MM")}},
		{"ErrBadMonthZero", func(t *testing.T, d map[string]any) { set(t, d, act0+".planned.to", "2023-00") },
			fielderr.List{fe("centres[0].objectives[0].activities[0].planned.to", "mese non valido: usare AAAA-MM")}},
		{"ErrSpanFromAfterTo", func(t *testing.T, d map[string]any) {
			set(t, d, act0+".planned", map[string]any{"from": "2023-06", "to": "2023-05"})
		}, fielderr.List{fe("centres[0].objectives[0].activities[0].planned", "il mese di inizio è successivo al mese di fine")}},
		{"ErrProgressFromAfterTo", func(t *testing.T, d map[string]any) {
			set(t, d, act0+".progress[0].actual", map[string]any{"from": "2024-01", "to": "2023-12"})
		}, fielderr.List{fe("centres[0].objectives[0].activities[0].progress[0].actual", "il mese di inizio è successivo al mese di fine")}},
		{"ErrAnnualWithFrom", func(t *testing.T, d map[string]any) {
			set(t, d, act0+".planned", map[string]any{"annual": true, "from": "2023-01"})
		}, fielderr.List{fe("centres[0].objectives[0].activities[0].planned", "un'attività annuale non può avere mese di inizio o di fine")}},
		{"ErrAnnualWithTo", func(t *testing.T, d map[string]any) {
			set(t, d, "centres[2].objectives[0].activities[5].progress[0].actual", map[string]any{"annual": true, "to": "2023-12"})
		}, fielderr.List{fe("centres[2].objectives[0].activities[5].progress[0].actual", "un'attività annuale non può avere mese di inizio o di fine")}},
		{"OKOpenSpan", func(t *testing.T, d map[string]any) {
			set(t, d, act0+".planned", map[string]any{"from": "2023-05"})
			set(t, d, act0+".progress[0].actual", map[string]any{"from": nil, "to": ""})
		}, nil},
		{"ErrProgressPeriodNotInCycle", func(t *testing.T, d map[string]any) { set(t, d, act0+".progress[0].period", "2023-12-01") },
			fielderr.List{fe("centres[0].objectives[0].activities[0].progress[0].period", `periodo non previsto dal ciclo: "2023-12-01"`)}},
		{"ErrProgressPeriodRepeated", func(t *testing.T, d map[string]any) {
			p := get(t, d, act0+".progress[0]")
			set(t, d, act0+".progress", []any{p, clone(t, p)})
		}, fielderr.List{fe("centres[0].objectives[0].activities[0].progress[1].period", "periodo ripetuto")}},

		// Indicators.
		{"ErrIndicatorName", func(t *testing.T, d map[string]any) { set(t, d, ind0+".name", "") },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].name", "nome dell'indicatore mancante")}},
		{"ErrMissingExpected", func(t *testing.T, d map[string]any) { del(t, d, ind0+".expected") },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].expected", "valore atteso mancante")}},
		{"ErrNullExpected", func(t *testing.T, d map[string]any) { set(t, d, yesNo+".expected", nil) },
			fielderr.List{fe("centres[0].objectives[1].indicators[2].expected", "valore atteso mancante")}},
		{"ErrBadUnit", func(t *testing.T, d map[string]any) { set(t, d, ind0+".unit", "kg") },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].unit", "unità di misura non ammessa: usare una tra "+unitList)}},
		{"ErrUnitMissing", func(t *testing.T, d map[string]any) { del(t, d, ind0+".unit") },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].unit", "unità di misura non ammessa: usare una tra "+unitList)}},
		// An unknown unit is not si/no, so the booleans are refused as well.
		{"ErrUnitCase", func(t *testing.T, d map[string]any) { set(t, d, yesNo+".unit", "SI/NO") },
			fielderr.List{
				fe("centres[0].objectives[1].indicators[2].unit", "unità di misura non ammessa: usare una tra "+unitList),
				fe("centres[0].objectives[1].indicators[2].expected", "il valore deve essere un numero"),
				fe("centres[0].objectives[1].indicators[2].values[0].value", "il valore deve essere un numero"),
			}},
		{"ErrBadPolarity", func(t *testing.T, d map[string]any) { set(t, d, ind0+".polarity", "up") },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].polarity", `polarità non valida: "higher" o "lower"`)}},
		{"OKPolarityDefault", func(t *testing.T, d map[string]any) { del(t, d, ind0+".polarity") }, nil},
		{"ErrYesNoExpectedNumber", func(t *testing.T, d map[string]any) { set(t, d, yesNo+".expected", 1) },
			fielderr.List{fe("centres[0].objectives[1].indicators[2].expected", "per un indicatore si/no il valore è vero (si) o falso (no)")}},
		{"ErrYesNoValueNumber", func(t *testing.T, d map[string]any) { set(t, d, yesNo+".values[0].value", 0) },
			fielderr.List{fe("centres[0].objectives[1].indicators[2].values[0].value", "per un indicatore si/no il valore è vero (si) o falso (no)")}},
		{"ErrNumericExpectedBool", func(t *testing.T, d map[string]any) { set(t, d, ind0+".expected", true) },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].expected", "il valore deve essere un numero")}},
		{"ErrNumericValueBool", func(t *testing.T, d map[string]any) { set(t, d, ind0+".values[0].value", false) },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].values[0].value", "il valore deve essere un numero")}},
		{"ErrValueNull", func(t *testing.T, d map[string]any) { set(t, d, ind0+".values[0].value", nil) },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].values[0].value", "valore mancante")}},
		{"ErrValuePeriodNotInCycle", func(t *testing.T, d map[string]any) { set(t, d, ind0+".values[0].period", "2024-12-31") },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].values[0].period", `periodo non previsto dal ciclo: "2024-12-31"`)}},
		{"ErrValuePeriodRepeated", func(t *testing.T, d map[string]any) {
			v := get(t, d, ind0+".values[0]")
			set(t, d, ind0+".values", []any{v, clone(t, v)})
		}, fielderr.List{fe("centres[0].objectives[0].indicators[0].values[1].period", "periodo ripetuto")}},
		{"OKValueSeries", func(t *testing.T, d map[string]any) {
			set(t, d, ind0+".values", []any{
				map[string]any{"period": "2023-06-30", "value": 3, "reason": "in ritardo"},
				map[string]any{"period": lastDay, "value": 8, "reason": nil},
			})
		}, nil},
		{"ErrNeutralisedWithoutReason", func(t *testing.T, d map[string]any) {
			set(t, d, ind0+".neutralised", map[string]any{"reason": "  ", "by": "nucleo"})
		}, fielderr.List{fe("centres[0].objectives[0].indicators[0].neutralised.reason", "motivazione della sterilizzazione mancante")}},
		{"ErrNeutralisedReasonMissing", func(t *testing.T, d map[string]any) {
			set(t, d, ind0+".neutralised", map[string]any{"by": "direttore"})
		}, fielderr.List{fe("centres[0].objectives[0].indicators[0].neutralised.reason", "motivazione della sterilizzazione mancante")}},
		{"ErrNeutralisedBy", func(t *testing.T, d map[string]any) {
			set(t, d, ind0+".neutralised", map[string]any{"reason": "evento esterno", "by": "sindaco"})
		}, fielderr.List{fe("centres[0].objectives[0].indicators[0].neutralised.by", `sterilizzazione ammessa solo per "direttore" o "nucleo"`)}},
		{"OKNeutralised", func(t *testing.T, d map[string]any) {
			set(t, d, ind0+".neutralised", map[string]any{"reason": "evento esterno", "by": "nucleo"})
		}, nil},

		// Reports.
		{"ErrReportStatus", func(t *testing.T, d map[string]any) { set(t, d, report0+".status", "ok") },
			fielderr.List{fe("centres[0].objectives[0].reports[0].status", `stato non valido: "in linea", "a rischio", "critico" o null`)}},
		{"ErrReportStatusEmpty", func(t *testing.T, d map[string]any) { set(t, d, report0+".status", "") },
			fielderr.List{fe("centres[0].objectives[0].reports[0].status", `stato non valido: "in linea", "a rischio", "critico" o null`)}},
		{"OKReportStatus", func(t *testing.T, d map[string]any) { set(t, d, report0+".status", "a rischio") }, nil},
		{"ErrReportPeriodNotInCycle", func(t *testing.T, d map[string]any) { set(t, d, report0+".period", "") },
			fielderr.List{fe("centres[0].objectives[0].reports[0].period", `periodo non previsto dal ciclo: ""`)}},
		{"ErrReportPeriodRepeated", func(t *testing.T, d map[string]any) {
			r := get(t, d, report0)
			set(t, d, obj0+".reports", []any{r, clone(t, r)})
		}, fielderr.List{fe("centres[0].objectives[0].reports[1].period", "periodo ripetuto")}},
		{"OKReportsTwoPeriods", func(t *testing.T, d map[string]any) {
			r := clone(t, get(t, d, report0)).(map[string]any)
			r["period"] = "2023-06-30"
			set(t, d, obj0+".reports", []any{r, get(t, d, report0)})
		}, nil},
	}
	// What each OK case must have read.
	okChecks := map[string]func(t *testing.T, c *plan.Cycle){
		"OKYear2100": func(t *testing.T, c *plan.Cycle) {
			if c.Year != 2100 || len(c.Periods) != 1 || c.Periods[0].EndsOn.Format(time.DateOnly) != "2100-12-31" || len(c.Centres) != 0 {
				t.Errorf("cycle = %d %+v, %d centres", c.Year, c.Periods, len(c.Centres))
			}
		},
		"OKNumberRepeatedOtherSection": func(t *testing.T, c *plan.Cycle) {
			o := c.Centres[0].Objectives[1]
			if o.Section != "Obiettivi trasversali" || o.Number != 1 {
				t.Errorf("objective = %q %d", o.Section, o.Number)
			}
		},
		"OKWeight": func(t *testing.T, c *plan.Cycle) {
			o := c.Centres[0].Objectives[0]
			if o.Weight == nil || *o.Weight != 0.5 || o.Indicators[0].Weight == nil || *o.Indicators[0].Weight != 3 {
				t.Errorf("weights = %v %v", o.Weight, o.Indicators[0].Weight)
			}
		},
		"OKOpenSpan": func(t *testing.T, c *plan.Cycle) {
			a := c.Centres[0].Objectives[0].Activities[0]
			if a.Planned.From == nil || a.Planned.From.String() != "2023-05" || a.Planned.To != nil || a.Planned.Annual {
				t.Errorf("planned = %+v", a.Planned)
			}
			if !a.Progress[0].Actual.IsEmpty() {
				t.Errorf("actual = %+v, want empty", a.Progress[0].Actual)
			}
		},
		"OKPolarityDefault": func(t *testing.T, c *plan.Cycle) {
			if p := c.Centres[0].Objectives[0].Indicators[0].Polarity; p != domain.Higher {
				t.Errorf("polarity = %q, want %q", p, domain.Higher)
			}
		},
		"OKValueSeries": func(t *testing.T, c *plan.Cycle) {
			vs := c.Centres[0].Objectives[0].Indicators[0].Values
			if len(vs) != 2 || vs[0].Period.Format(time.DateOnly) != "2023-06-30" || vs[0].Value != 3 || vs[0].Reason != "in ritardo" ||
				vs[1].Period.Format(time.DateOnly) != lastDay || vs[1].Value != 8 || vs[1].Reason != "" {
				t.Errorf("values = %+v", vs)
			}
		},
		"OKNeutralised": func(t *testing.T, c *plan.Cycle) {
			n := c.Centres[0].Objectives[0].Indicators[0].Neutralised
			if n == nil || *n != (plan.Neutralisation{Reason: "evento esterno", By: "nucleo"}) {
				t.Errorf("neutralised = %+v", n)
			}
		},
		"OKReportStatus": func(t *testing.T, c *plan.Cycle) {
			if s := c.Centres[0].Objectives[0].Reports[0].Status; s != domain.AtRisk {
				t.Errorf("status = %q, want %q", s, domain.AtRisk)
			}
		},
		"OKReportsTwoPeriods": func(t *testing.T, c *plan.Cycle) {
			rs := c.Centres[0].Objectives[0].Reports
			if len(rs) != 2 || rs[0].Period.Format(time.DateOnly) != "2023-06-30" || rs[1].Period.Format(time.DateOnly) != lastDay {
				t.Errorf("reports = %+v", rs)
			}
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := demoDoc(t)
			tc.mutate(t, doc)
			c, err := readDoc(t, doc)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				check, ok := okChecks[tc.name]
				if !ok {
					t.Fatalf("no check for %s", tc.name)
				}
				check(t, c)
				return
			}
			if c != nil {
				t.Errorf("Read returned a cycle along with the error")
			}
			checkErrors(t, err, tc.want)
			// Decode alone accepts the document: these are problems of meaning.
			if _, err := interchange.Decode(bytes.NewReader(toJSON(t, doc))); err != nil {
				t.Errorf("Decode: %v", err)
			}
		})
	}
}

// TestRead_ManyErrors checks that every problem of meaning is reported, in
// document order, not only the first.
func TestRead_ManyErrors(t *testing.T) {
	doc := demoDoc(t)
	set(t, doc, "format", "traguardo/v0")
	set(t, doc, "periods[3]", "2023-12-32")
	set(t, doc, obj0+".title", "")
	set(t, doc, obj0+".weight", -3)
	set(t, doc, act0+".planned.from", "2023-13")
	set(t, doc, ind0+".unit", "kg")
	set(t, doc, ind0+".expected", nil)
	set(t, doc, yesNo+".values[0].value", 1)
	set(t, doc, "centres[5].objectives[3].reports[0].status", "bene")
	want := fielderr.List{
		fe("format", `formato non supportato: atteso "traguardo/v1"`),
		fe("periods[3]", "data non valida: usare AAAA-MM-GG"),
		fe("centres[0].objectives[0].title", "titolo dell'obiettivo mancante"),
		fe("centres[0].objectives[0].weight", "il peso deve essere maggiore di zero"),
		// With 2023-12-31 gone, the period of every series is refused.
		fe("centres[0].objectives[0].activities[0].planned.from", "mese non valido: usare AAAA-MM"),
	}
	_, err := readDoc(t, doc)
	got := fieldErrors(t, err)
	// Leave out the period errors of the series, checked by count below.
	var rest fielderr.List
	missing := 0
	for _, e := range got {
		if e.Message == `periodo non previsto dal ciclo: "2023-12-31"` {
			missing++
			continue
		}
		rest = append(rest, e)
	}
	want = append(want,
		fe("centres[0].objectives[0].indicators[0].unit", "unità di misura non ammessa: usare una tra "+unitList),
		fe("centres[0].objectives[0].indicators[0].expected", "valore atteso mancante"),
		fe("centres[0].objectives[1].indicators[2].values[0].value", "per un indicatore si/no il valore è vero (si) o falso (no)"),
		fe("centres[5].objectives[3].reports[0].status", `stato non valido: "in linea", "a rischio", "critico" o null`),
	)
	checkErrors(t, rest, want)
	// One per activity, per indicator and per report of the demo.
	if want := 86 + 62 + 18; missing != want {
		t.Errorf("%d errors for the period 2023-12-31, want %d", missing, want)
	}
}

// TestRead_ManyErrorsOnePeriodIntact is the same idea without disturbing the
// periods, so the whole list can be compared.
func TestRead_ManyErrorsOnePeriodIntact(t *testing.T) {
	doc := demoDoc(t)
	set(t, doc, "organisation.name", "")
	set(t, doc, "centres[1].name", "AREA DIREZIONE")
	set(t, doc, obj1+".number", 0)
	set(t, doc, obj1+".indicators[0].polarity", "down")
	set(t, doc, obj1+".indicators[0].neutralised", map[string]any{"reason": "", "by": "giunta"})
	set(t, doc, "centres[3].objectives[0].activities[1].planned", map[string]any{"annual": true, "to": "2023-04"})
	_, err := readDoc(t, doc)
	checkErrors(t, err, fielderr.List{
		fe("organisation.name", "nome dell'ente mancante"),
		fe("centres[0].objectives[1].number", "numero dell'obiettivo mancante o non valido (intero da 1 a 9999)"),
		fe("centres[0].objectives[1].indicators[0].polarity", `polarità non valida: "higher" o "lower"`),
		fe("centres[0].objectives[1].indicators[0].neutralised.reason", "motivazione della sterilizzazione mancante"),
		fe("centres[0].objectives[1].indicators[0].neutralised.by", `sterilizzazione ammessa solo per "direttore" o "nucleo"`),
		fe("centres[1].name", "centro già presente nel documento"),
		fe("centres[3].objectives[0].activities[1].planned", "un'attività annuale non può avere mese di inizio o di fine"),
	})
	if got, want := fieldErrors(t, err).Error(), "organisation.name: nome dell'ente mancante\ncentres[0].objectives[1].number: "; !strings.HasPrefix(got, want) {
		t.Errorf("Error() = %q, want it to start with %q", got, want)
	}
}
