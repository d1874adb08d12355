package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/server"
)

// demoObjective finds an objective of the demo's 2023 "Obiettivi di
// performance" by centre and number.
func demoObjective(t *testing.T, e *secEnv, centre string, number int) *plan.Objective {
	t.Helper()
	c, err := e.st.LoadCycle(context.Background(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if ce.Name == centre && o.Number == number && o.Section == "Obiettivi di performance" {
				return o
			}
		}
	}
	t.Fatalf("%s objective %d not found", centre, number)
	return nil
}

func idTexts(t *testing.T, body, testID string) []string {
	t.Helper()
	var out []string
	for _, n := range byTestID(parseHTML(t, body), testID) {
		out = append(out, textOf(n))
	}
	return out
}

// TestObjective_Arithmetic: AREA DIREZIONE objective 2 of the demo (1 of 1;
// 0 of 1; "no" for "si") written out, computed by hand: 100, 0 and 0 with
// equal weights, (100 + 0 + 0) / 3 = 33,3, under 50: non raggiunto.
func TestObjective_Arithmetic(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	o := demoObjective(t, e, "AREA DIREZIONE", 2)
	body := e.signedIn(t, "osservatore").get(fmt.Sprintf("/cicli/2023/obiettivi/%d", o.ID)).Body
	checks := []struct {
		testID string
		want   []string
	}{
		{"objective-achievement", []string{"33,3% non raggiunto"}},
		{"arithmetic-settings", []string{"Regole del ciclo: arrotondamento a un decimale; tetto del grado di raggiungimento di un indicatore 100%; soglie: raggiunto da 95%, parzialmente raggiunto da 50%."}},
		{"arithmetic-formula", []string{"min(1 / 1 × 100; 100%) = 100%", "min(0 / 1 × 100; 100%) = 0%", "consuntivo no, atteso sì = 0%"}},
		{"arithmetic-mean", []string{"(100 × 1 + 0 × 1 + 0 × 1) / 3 = 33,3%"}},
		{"arithmetic-band", []string{"33,3% < 50% (soglia di parziale raggiungimento): non raggiunto"}},
	}
	for _, c := range checks {
		if got := idTexts(t, body, c.testID); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.testID, got, c.want)
		}
	}
	// The observer may not neutralise: no link to the measure page.
	if n := len(idTexts(t, body, "measure")); n != 0 {
		t.Errorf("%d measure links for the observer", n)
	}
}

// TestMeasure_OverrideAndNeutralise: the director overrides the second
// indicator of AREA DIREZIONE objective 2 (0 -> 100): (100 + 100 + 0) / 3 =
// 66,7, parzialmente raggiunto; the Nucleo neutralises the third: (100 +
// 100) / 2 = 100, raggiunto. Both show with their reasons.
func TestMeasure_OverrideAndNeutralise(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	o := demoObjective(t, e, "AREA DIREZIONE", 2)
	page := fmt.Sprintf("/cicli/2023/obiettivi/%d", o.ID)
	second := fmt.Sprintf("/cicli/2023/indicatori/%d/misura", o.Indicators[1].ID)
	third := fmt.Sprintf("/cicli/2023/indicatori/%d/misura", o.Indicators[2].ID)
	director, nucleo := e.signedIn(t, "direttore"), e.signedIn(t, "nucleo")

	t.Run("ErrOverrideWithoutReason", func(t *testing.T) {
		r := director.post(second, url.Values{"override_pct": {"100"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.Status)
		}
		if got := idTexts(t, r.Body, "computed"); len(got) != 1 || got[0] != "Grado di raggiungimento calcolato con le regole del ciclo: 0%" {
			t.Errorf("computed: %q", got)
		}
	})
	t.Run("ErrOverAboveTheCap", func(t *testing.T) {
		r := director.post(second, url.Values{"override_pct": {"120"}, "override_reason": {"x"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.Status)
		}
	})
	t.Run("OKOverride", func(t *testing.T) {
		r := director.post(second, url.Values{"override_pct": {"100"}, "override_reason": {"Atti adottati dall'ente capofila"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		body := director.get(page).Body
		if got := idTexts(t, body, "objective-achievement"); !slices.Equal(got, []string{"66,7% parzialmente raggiunto"}) {
			t.Errorf("objective: %q", got)
		}
		if got := idTexts(t, body, "override-reason"); !slices.Equal(got, []string{"Atti adottati dall'ente capofila"}) {
			t.Errorf("override reason: %q", got)
		}
		if got := idTexts(t, body, "arithmetic-mean"); !slices.Equal(got, []string{"(100 × 1 + 100 × 1 + 0 × 1) / 3 = 66,7%"}) {
			t.Errorf("mean: %q", got)
		}
		if got := idTexts(t, body, "arithmetic-note"); !slices.Equal(got, []string{"Grado sostituito dal direttore: conta 100% in luogo di 0%. Motivazione: Atti adottati dall'ente capofila"}) {
			t.Errorf("notes: %q", got)
		}
	})
	t.Run("OKNucleoNeutralisesAndCannotOverride", func(t *testing.T) {
		if n := len(idTexts(t, nucleo.get(page).Body, "measure")); n != 3 {
			t.Errorf("the Nucleo sees %d measure links, want one per indicator (3)", n)
		}
		// The override's fields are the director's: sent by the Nucleo they are ignored.
		r := nucleo.post(third, url.Values{"neutralised_reason": {"Corso annullato dalla Regione"}, "override_pct": {"100"}, "override_reason": {"x"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		o := demoObjective(t, e, "AREA DIREZIONE", 2)
		in := o.Indicators[2]
		if in.Override != nil || in.Neutralised == nil || in.Neutralised.By != "nucleo" {
			t.Fatalf("third indicator: override %+v neutralised %+v", in.Override, in.Neutralised)
		}
		body := director.get(page).Body
		if got := idTexts(t, body, "objective-achievement"); !slices.Equal(got, []string{"100% raggiunto"}) {
			t.Errorf("objective: %q", got)
		}
		if got := idTexts(t, body, "neutralised-reason"); !slices.Equal(got, []string{"Corso annullato dalla Regione"}) {
			t.Errorf("neutralised reason: %q", got)
		}
		if got := idTexts(t, body, "arithmetic-mean"); !slices.Equal(got, []string{"(100 × 1 + 100 × 1) / 2 = 100%"}) {
			t.Errorf("mean: %q", got)
		}
	})
	t.Run("ErrBothOnOneIndicator", func(t *testing.T) {
		r := director.post(third, url.Values{"neutralised_reason": {"Corso annullato dalla Regione"}, "override_pct": {"50"}, "override_reason": {"x"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.Status)
		}
	})
}

// TestCycleSettings_Rules: on 2024 (not approved) the director truncates
// the figures and allows over-achievement up to 120.
func TestCycleSettings_Rules(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "direttore")
	form := url.Values{"form": {"soglie"}, "band_reached": {"95"}, "band_partial": {"50"}, "rounding": {"intero_troncato"}, "achievement_cap": {"120"}}
	if r := c.post("/cicli/2024/impostazioni", form); r.Status != http.StatusSeeOther {
		t.Fatalf("status %d", r.Status)
	}
	cy, err := e.st.LoadCycle(context.Background(), 2024)
	if err != nil {
		t.Fatal(err)
	}
	if cy.Rules != (domain.Rules{Rounding: domain.TruncateWhole, Cap: 120}) {
		t.Errorf("rules %+v", cy.Rules)
	}
	form.Set("achievement_cap", "90")
	if r := c.post("/cicli/2024/impostazioni", form); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("cap 90: status %d", r.Status)
	}
}

// TestMeasure_PeriodOverride: the director overrides the second indicator
// of AREA DIREZIONE objective 2 at 30/06 only: the page lists it, the
// objective's figure at 30/06 counts it and names its period where the
// figure is explained, the 31/12 figure stays computed (33,3%); bad input
// is refused at its field with the values kept and nothing saved; removing
// it restores the computed figure; the Nucleo may not set or remove one,
// the managers and the observers may not open the page.
func TestMeasure_PeriodOverride(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	o := demoObjective(t, e, "AREA DIREZIONE", 2)
	page := fmt.Sprintf("/cicli/2023/obiettivi/%d", o.ID)
	second := fmt.Sprintf("/cicli/2023/indicatori/%d/misura", o.Indicators[1].ID)
	director, nucleo := e.signedIn(t, "direttore"), e.signedIn(t, "nucleo")
	overrides := func() []plan.PeriodOverride {
		t.Helper()
		return demoObjective(t, e, "AREA DIREZIONE", 2).Indicators[1].Overrides
	}

	t.Run("ErrAtTheField", func(t *testing.T) {
		for _, tt := range []struct {
			form  url.Values
			field string
			want  string
		}{
			{url.Values{"period_override_period": {"2023-06-30"}, "period_override_pct": {"1e3"}, "period_override_reason": {"Dato incompleto"}},
				"period_override_pct", ""},
			{url.Values{"period_override_period": {"2023-06-30"}, "period_override_pct": {"120"}, "period_override_reason": {"Dato incompleto"}},
				"period_override_pct", "Il grado deve essere compreso tra 0 e 100."},
			{url.Values{"period_override_pct": {"90"}, "period_override_reason": {"Dato incompleto"}},
				"period_override_period", "Scegliere il periodo del grado stabilito, oppure lasciare vuoti i tre campi."},
			{url.Values{"period_override_period": {"2022-06-30"}, "period_override_pct": {"90"}, "period_override_reason": {"Dato incompleto"}},
				"period_override_period", "Scegliere uno dei periodi del ciclo."},
			{url.Values{"period_override_period": {"2023-06-30"}, "period_override_pct": {"90"}},
				"period_override_reason", "Indicare la motivazione del grado stabilito per il periodo."},
		} {
			r := director.post(second, tt.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%v: status %d", tt.form, r.Status)
			}
			got := idTexts(t, r.Body, "error-"+tt.field)
			if len(got) != 1 || (tt.want != "" && got[0] != tt.want) {
				t.Errorf("%v: error at %s %q, want %q", tt.form, tt.field, got, tt.want)
			}
			for _, v := range []string{tt.form.Get("period_override_pct"), tt.form.Get("period_override_reason")} {
				if v != "" && !strings.Contains(r.Body, v) {
					t.Errorf("%v: the page does not keep %q", tt.form, v)
				}
			}
			if p := tt.form.Get("period_override_period"); p == "2023-06-30" && !strings.Contains(r.Body, `<option value="2023-06-30" selected`) {
				t.Errorf("%v: the period chosen is not kept", tt.form)
			}
		}
		if got := overrides(); len(got) != 0 {
			t.Fatalf("saved after refusals: %+v", got)
		}
	})
	t.Run("OKSetAt3006", func(t *testing.T) {
		r := director.post(second, url.Values{"period_override_period": {"2023-06-30"}, "period_override_pct": {"90"},
			"period_override_reason": {"Dato di giugno mancante nel gestionale"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		got := overrides()
		if len(got) != 1 || got[0].Period.Format(time.DateOnly) != "2023-06-30" || got[0].Pct != 90 || got[0].Reason != "Dato di giugno mancante nel gestionale" {
			t.Fatalf("overrides %+v", got)
		}
		if rows := idTexts(t, director.get(second).Body, "period-override"); len(rows) != 1 ||
			!strings.Contains(rows[0], "30/06/2023") || !strings.Contains(rows[0], "90%") || !strings.Contains(rows[0], "Dato di giugno mancante nel gestionale") {
			t.Errorf("listed: %q", rows)
		}
		// At 31/12 the figure is computed.
		body := director.get(page).Body
		if got := idTexts(t, body, "objective-achievement"); !slices.Equal(got, []string{"33,3% non raggiunto"}) {
			t.Errorf("objective at 31/12: %q", got)
		}
		if n := len(idTexts(t, body, "override-badge")); n != 0 {
			t.Errorf("%d override badges at 31/12", n)
		}
		// At 30/06 it is the director's, named with its period.
		body = director.get(page + "?al=2023-06-30").Body
		if got := idTexts(t, body, "override-badge"); !slices.Equal(got, []string{"stabilito dal direttore per il 30/06"}) {
			t.Errorf("badge at 30/06: %q", got)
		}
		if got := idTexts(t, body, "override-reason"); !slices.Equal(got, []string{"Dato di giugno mancante nel gestionale"}) {
			t.Errorf("reason at 30/06: %q", got)
		}
		notes := idTexts(t, body, "arithmetic-note")
		if !slices.ContainsFunc(notes, func(n string) bool {
			return strings.HasPrefix(n, "Grado stabilito dal direttore per il 30/06, solo per questo periodo: conta 90% in luogo di ") &&
				strings.HasSuffix(n, "Motivazione: Dato di giugno mancante nel gestionale")
		}) {
			t.Errorf("arithmetic at 30/06: %q", notes)
		}
	})
	t.Run("ErrNucleoMayNotOverride", func(t *testing.T) {
		body := nucleo.get(second).Body
		if rows := idTexts(t, body, "period-override"); len(rows) != 1 {
			t.Errorf("the Nucleo sees %d overrides, want 1", len(rows))
		}
		if strings.Contains(body, `name="period_override_pct"`) || strings.Contains(body, `name="remove_override"`) {
			t.Error("the Nucleo gets the fields of an override")
		}
		for _, form := range []url.Values{
			{"period_override_period": {"2023-06-30"}, "period_override_pct": {"10"}, "period_override_reason": {"x"}},
			{"remove_override": {"2023-06-30"}},
		} {
			if r := nucleo.post(second, form); r.Status != http.StatusForbidden {
				t.Errorf("the Nucleo posts %v: status %d", form, r.Status)
			}
		}
		if got := overrides(); len(got) != 1 || got[0].Pct != 90 {
			t.Errorf("after the Nucleo's posts: %+v", got)
		}
	})
	t.Run("ErrManagerAndObserverMayNotOpen", func(t *testing.T) {
		for _, role := range []string{"responsabile", "osservatore"} {
			c := e.signedIn(t, role)
			if r := c.get(second); r.Status != http.StatusForbidden {
				t.Errorf("%s GET: status %d", role, r.Status)
			}
			form := url.Values{"version": {"1"}, "period_override_period": {"2023-06-30"}, "period_override_pct": {"10"}, "period_override_reason": {"x"}}
			if r := c.post(second, form); r.Status != http.StatusForbidden {
				t.Errorf("%s POST: status %d", role, r.Status)
			}
		}
		if got := overrides(); len(got) != 1 || got[0].Pct != 90 {
			t.Errorf("after their posts: %+v", got)
		}
	})
	t.Run("ErrNeutralisedWithAnOverride", func(t *testing.T) {
		r := director.post(second, url.Values{"neutralised_reason": {"Norma abrogata"}})
		if r.Status != http.StatusUnprocessableEntity || len(idTexts(t, r.Body, "error-neutralised_reason")) != 1 {
			t.Errorf("neutralised with an override of 30/06: status %d", r.Status)
		}
	})
	t.Run("OKRemove", func(t *testing.T) {
		if r := director.post(second, url.Values{"remove_override": {"2023-06-30"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		if got := overrides(); len(got) != 0 {
			t.Fatalf("after removing: %+v", got)
		}
		body := director.get(page + "?al=2023-06-30").Body
		if n := len(idTexts(t, body, "override-badge")); n != 0 {
			t.Errorf("%d override badges at 30/06 after removing", n)
		}
	})
}
