package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

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
