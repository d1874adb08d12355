package interchange_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"traguardo/internal/demo"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
)

func TestDecode_Demo(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		doc, err := interchange.Decode(bytes.NewReader(demo.Cycle2023()))
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if doc.Format != "traguardo/v1" || doc.Organisation.Name != "Consorzio IN.RE.TE." || doc.Year != 2023 {
			t.Errorf("header = %q %q %d", doc.Format, doc.Organisation.Name, doc.Year)
		}
		if got, want := len(doc.Periods), 4; got != want || doc.Periods[3] != lastDay {
			t.Errorf("periods = %v", doc.Periods)
		}
		if got := len(doc.Centres); got != 6 {
			t.Errorf("%d centres, want 6", got)
		}
		o := doc.Centres[0].Objectives[0]
		if o.Section != "Obiettivi di performance" || o.Number != 1 || o.Weight != nil || o.Group != nil {
			t.Errorf("objective 0 = %q %d %v %v", o.Section, o.Number, o.Weight, o.Group)
		}
		p := o.Activities[0].Planned
		if p.Annual || p.From == nil || *p.From != "2023-05" || p.To == nil || *p.To != "2023-05" {
			t.Errorf("activity 0 planned = %+v", p)
		}
		in := o.Indicators[0]
		if in.Unit != "n." || in.Polarity != "higher" || *in.Expected != (interchange.Value{Num: 6}) ||
			len(in.Values) != 1 || in.Values[0].Period != lastDay || *in.Values[0].Value != (interchange.Value{Num: 8}) {
			t.Errorf("indicator 0 = %+v", in)
		}
		yn := doc.Centres[0].Objectives[1].Indicators[2]
		if yn.Unit != "si/no" || *yn.Expected != (interchange.Value{Bool: true, IsBool: true}) ||
			*yn.Values[0].Value != (interchange.Value{Bool: false, IsBool: true}) {
			t.Errorf("si/no indicator = %+v, expected %+v, value %+v", yn, *yn.Expected, *yn.Values[0].Value)
		}
		// The demo document carries no output-only field.
		if doc.Achievement != nil || o.Achievement != nil || o.Band != nil || in.Actual != nil || o.Activities[0].Actual != nil {
			t.Error("output-only fields set from a document that has none")
		}
		annual := doc.Centres[2].Objectives[0].Activities[5].Planned
		if !annual.Annual || annual.From != nil || annual.To != nil {
			t.Errorf("annual activity planned = %+v", annual)
		}
	})
}

// TestDecode_Shape mutates one thing of the demo document and checks the
// exact path and message Decode reports.
func TestDecode_Shape(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, doc map[string]any)
		want   fielderr.List
	}{
		{"ErrUnknownTop", func(t *testing.T, d map[string]any) { set(t, d, "foo", 1) },
			fielderr.List{fe("foo", "campo sconosciuto")}},
		{"ErrUnknownDeep", func(t *testing.T, d map[string]any) { set(t, d, ind0+".foo", "x") },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].foo", "campo sconosciuto")}},
		{"ErrUnknownNull", func(t *testing.T, d map[string]any) { set(t, d, "centres[3].objectives[1].bar", nil) },
			fielderr.List{fe("centres[3].objectives[1].bar", "campo sconosciuto")}},
		{"ErrUnknownInOrganisation", func(t *testing.T, d map[string]any) { set(t, d, "organisation.code", "X") },
			fielderr.List{fe("organisation.code", "campo sconosciuto")}},
		{"ErrUnknownInSpan", func(t *testing.T, d map[string]any) { set(t, d, act0+".planned.until", "2023-06") },
			fielderr.List{fe("centres[0].objectives[0].activities[0].planned.until", "campo sconosciuto")}},
		{"ErrUnknownInProgress", func(t *testing.T, d map[string]any) { set(t, d, act0+".progress[0].note", "x") },
			fielderr.List{fe("centres[0].objectives[0].activities[0].progress[0].note", "campo sconosciuto")}},
		{"ErrUnknownInNeutralised", func(t *testing.T, d map[string]any) {
			set(t, d, ind0+".neutralised", map[string]any{"reason": "r", "by": "nucleo", "when": "2023-05"})
		}, fielderr.List{fe("centres[0].objectives[0].indicators[0].neutralised.when", "campo sconosciuto")}},
		// encoding/json matches names case-insensitively; the format does not.
		{"ErrUnknownCase", func(t *testing.T, d map[string]any) { del(t, d, "year"); set(t, d, "Year", 2023) },
			fielderr.List{fe("Year", "campo sconosciuto")}},
		{"ErrStringForNumber", func(t *testing.T, d map[string]any) { set(t, d, obj0+".weight", "2") },
			fielderr.List{fe("centres[0].objectives[0].weight", "atteso un numero")}},
		{"ErrStringForAchievement", func(t *testing.T, d map[string]any) { set(t, d, "achievement", "100") },
			fielderr.List{fe("achievement", "atteso un numero")}},
		{"ErrStringForInt", func(t *testing.T, d map[string]any) { set(t, d, "year", "2023") },
			fielderr.List{fe("year", "atteso un numero intero")}},
		{"ErrFractionForInt", func(t *testing.T, d map[string]any) { set(t, d, obj1+".number", json.Number("2.5")) },
			fielderr.List{fe("centres[0].objectives[1].number", "atteso un numero intero")}},
		{"ErrStringForExpected", func(t *testing.T, d map[string]any) { set(t, d, ind0+".expected", "6") },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].expected", "atteso un numero o vero/falso")}},
		{"ErrStringForValue", func(t *testing.T, d map[string]any) { set(t, d, ind0+".values[0].value", "8") },
			fielderr.List{fe("centres[0].objectives[0].indicators[0].values[0].value", "atteso un numero o vero/falso")}},
		{"ErrObjectForValue", func(t *testing.T, d map[string]any) { set(t, d, yesNo+".expected", map[string]any{}) },
			fielderr.List{fe("centres[0].objectives[1].indicators[2].expected", "atteso un numero o vero/falso")}},
		{"ErrNumberForString", func(t *testing.T, d map[string]any) { set(t, d, obj0+".title", 5) },
			fielderr.List{fe("centres[0].objectives[0].title", "atteso un testo")}},
		{"ErrNumberForPeriod", func(t *testing.T, d map[string]any) { set(t, d, "periods[2]", 20230930) },
			fielderr.List{fe("periods[2]", "atteso un testo")}},
		{"ErrObjectForList", func(t *testing.T, d map[string]any) { set(t, d, "periods", map[string]any{}) },
			fielderr.List{fe("periods", "atteso un elenco")}},
		{"ErrStringForObject", func(t *testing.T, d map[string]any) { set(t, d, "organisation", "Consorzio") },
			fielderr.List{fe("organisation", "atteso un oggetto")}},
		{"ErrStringForSpan", func(t *testing.T, d map[string]any) { set(t, d, act0+".planned", "2023-05") },
			fielderr.List{fe("centres[0].objectives[0].activities[0].planned", "atteso un oggetto")}},
		{"ErrStringForAnnual", func(t *testing.T, d map[string]any) { set(t, d, act0+".planned", map[string]any{"annual": "si"}) },
			fielderr.List{fe("centres[0].objectives[0].activities[0].planned.annual", "atteso vero o falso")}},
		{"ErrNumberForMonth", func(t *testing.T, d map[string]any) { set(t, d, act0+".planned.from", 202305) },
			fielderr.List{fe("centres[0].objectives[0].activities[0].planned.from", "atteso un testo")}},
		{"ErrObjectForCentre", func(t *testing.T, d map[string]any) { set(t, d, "centres[1]", []any{}) },
			fielderr.List{fe("centres[1]", "atteso un oggetto")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := demoDoc(t)
			tc.mutate(t, doc)
			b := toJSON(t, doc)
			got, err := interchange.Decode(bytes.NewReader(b))
			if got != nil {
				t.Errorf("Decode returned a document along with the error")
			}
			checkErrors(t, err, tc.want)
			// Read reports the same problems, since it decodes first.
			_, err = interchange.Read(bytes.NewReader(b), policy)
			checkErrors(t, err, tc.want)
		})
	}
}

// TestDecode_Syntax feeds documents that are not one well-formed JSON value.
func TestDecode_Syntax(t *testing.T) {
	valid := bytes.TrimSpace(demo.Cycle2023())
	tests := []struct {
		name  string
		input []byte
		want  string // the one message, with an empty path; "" for no error
	}{
		{"OK", valid, ""},
		{"OKSurroundingSpace", append(append([]byte(" \t\r\n"), valid...), "\n\n \t"...), ""},
		{"ErrSyntax", []byte(`{"format": }`), "JSON non valido: errore di sintassi al carattere 12"},
		{"ErrSyntaxSingleQuotes", []byte(`{'format': 'traguardo/v1'}`), "JSON non valido: errore di sintassi al carattere 2"},
		{"ErrIncomplete", valid[:len(valid)/2], "JSON non valido: documento incompleto"},
		{"ErrEmpty", nil, "JSON non valido: documento incompleto"},
		{"ErrTrailingObject", append(bytes.Clone(valid), " {}"...), "JSON non valido: contenuto dopo la fine del documento"},
		{"ErrTrailingWord", append(bytes.Clone(valid), "\nx"...), "JSON non valido: contenuto dopo la fine del documento"},
		{"ErrTrailingBrace", append(bytes.Clone(valid), "}"...), "JSON non valido: contenuto dopo la fine del documento"},
		{"ErrTrailingBracket", append(bytes.Clone(valid), "\n]"...), "JSON non valido: contenuto dopo la fine del documento"},
		{"ErrTrailingNumber", []byte(`{} 1`), "JSON non valido: contenuto dopo la fine del documento"},
		{"ErrTopArray", []byte(`[]`), "atteso un oggetto"},
		{"ErrTopString", []byte(`"traguardo/v1"`), "atteso un oggetto"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := interchange.Decode(bytes.NewReader(tc.input))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if doc == nil || doc.Year != 2023 || len(doc.Centres) != 6 {
					t.Errorf("Decode returned %+v", doc)
				}
				return
			}
			if doc != nil {
				t.Errorf("Decode returned a document along with the error")
			}
			checkErrors(t, err, fielderr.List{fe("", tc.want)})
		})
	}
}

// TestDecode_ManyErrors checks that every shape problem is reported, not
// only the first, in a stable order.
func TestDecode_ManyErrors(t *testing.T) {
	doc := demoDoc(t)
	set(t, doc, "foo", true)
	set(t, doc, "bar", 1)
	set(t, doc, "year", "2023")
	set(t, doc, ind0+".foo", "x")
	set(t, doc, ind0+".weight", "1")
	set(t, doc, "centres[5].objectives[3].indicators[3].expected", "10")
	set(t, doc, "centres[5].objectives[3].zeta", nil)
	set(t, doc, "centres[5].objectives[3].alpha", nil)
	b := toJSON(t, doc)
	// Object members are judged in name order, elements in list order.
	want := fielderr.List{
		fe("bar", "campo sconosciuto"),
		fe("centres[0].objectives[0].indicators[0].foo", "campo sconosciuto"),
		fe("centres[0].objectives[0].indicators[0].weight", "atteso un numero"),
		fe("centres[5].objectives[3].alpha", "campo sconosciuto"),
		fe("centres[5].objectives[3].indicators[3].expected", "atteso un numero o vero/falso"),
		fe("centres[5].objectives[3].zeta", "campo sconosciuto"),
		fe("foo", "campo sconosciuto"),
		fe("year", "atteso un numero intero"),
	}
	// The same document gives the same list every time.
	for range 20 {
		_, err := interchange.Decode(bytes.NewReader(b))
		checkErrors(t, err, want)
		if t.Failed() {
			break
		}
	}
	_, err := interchange.Read(bytes.NewReader(b), policy)
	checkErrors(t, err, want)
	if got, want := err.Error(), "bar: campo sconosciuto\ncentres[0].objectives[0].indicators[0].foo: campo sconosciuto\n"; !strings.HasPrefix(got, want) {
		t.Errorf("Error() = %q, want it to start with %q", got, want)
	}
}

func TestDecode_NUL(t *testing.T) {
	d := demoDoc(t)
	set(t, d, "centres[0].objectives[0].title", "titolo\x00nascosto")
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	_, err = interchange.Decode(bytes.NewReader(b))
	var errs fielderr.List
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Field != "centres[0].objectives[0].title" ||
		errs[0].Message != "il testo contiene un carattere non ammesso (NUL)" {
		t.Fatalf("Decode with NUL = %v", err)
	}
}
