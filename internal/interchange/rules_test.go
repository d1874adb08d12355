package interchange_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
	"traguardo/internal/plan"
)

// TestRules_RoundTrip: a cycle's rules of measurement and an indicator's
// override survive an export and an import, and the figures follow them.
func TestRules_RoundTrip(t *testing.T) {
	c := mustRead(t, demo.Cycle2023())
	if c.Rules.Normal() != domain.DefaultRules() || c.Bands != domain.DefaultBands() {
		t.Fatalf("the demo reads with rules %+v bands %+v, want the defaults", c.Rules, c.Bands)
	}
	if bytes.Contains(encode(t, c), []byte(`"rules"`)) || bytes.Contains(encode(t, c), []byte(`"override"`)) {
		t.Error("a cycle with the default rules and no override writes them")
	}
	c.Rules = domain.Rules{Rounding: domain.TruncateWhole, Cap: 120}
	c.Bands = domain.Bands{Reached: 90, Partial: 0}
	var second *plan.Indicator
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if ce.Name == "AREA DIREZIONE" && o.Number == 2 && o.Section == "Obiettivi di performance" {
				second = o.Indicators[1]
			}
		}
	}
	second.Override = &plan.Override{Pct: 100, Reason: "Atti adottati dall'ente capofila"}
	first := encode(t, c)
	back := mustRead(t, first)
	if back.Rules != c.Rules || back.Bands != c.Bands {
		t.Errorf("read back rules %+v bands %+v", back.Rules, back.Bands)
	}
	if again := encode(t, back); !bytes.Equal(first, again) {
		t.Fatalf("second round differs at byte %d", firstDiff(first, again))
	}
	var doc struct {
		Rules   json.RawMessage
		Centres []struct {
			Name       string
			Objectives []struct {
				Number      int
				Section     string
				Achievement float64
				Indicators  []struct {
					Override json.RawMessage
				}
			}
		}
	}
	if err := json.Unmarshal(first, &doc); err != nil {
		t.Fatal(err)
	}
	if got := compact(t, doc.Rules); got != `{"rounding":"intero_troncato","cap":120,"band_reached":90,"band_partial":0}` {
		t.Errorf("rules: %s", got)
	}
	for _, ce := range doc.Centres {
		for _, o := range ce.Objectives {
			if ce.Name == "AREA DIREZIONE" && o.Number == 2 && o.Section == "Obiettivi di performance" {
				// (100 + 100 + 0) / 3 = 66.67, truncated: 66.
				if o.Achievement != 66 {
					t.Errorf("objective 2: %v, want 66", o.Achievement)
				}
				if got := compact(t, o.Indicators[1].Override); got != `{"achievement":100,"reason":"Atti adottati dall'ente capofila"}` {
					t.Errorf("override: %s", got)
				}
			}
		}
	}
}

func TestRules_ReadRefusals(t *testing.T) {
	doc := demoDoc(t)
	doc["rules"] = map[string]any{"rounding": "a caso"}
	set(t, doc, "centres[0].objectives[0].indicators[0].override", map[string]any{"achievement": 150, "reason": " "})
	_, err := readDoc(t, doc)
	checkErrors(t, err, fielderr.List{
		fe("rules", "arrotondamento non valido: un decimale o intero troncato"),
		fe("centres[0].objectives[0].indicators[0].override.reason", "motivazione del grado stabilito mancante"),
		fe("centres[0].objectives[0].indicators[0].override.achievement", "grado non valido: deve essere compreso tra 0 e 100"),
	})
	doc = demoDoc(t)
	doc["rules"] = map[string]any{"cap": 300}
	_, err = readDoc(t, doc)
	checkErrors(t, err, fielderr.List{fe("rules", "tetto non valido: deve essere compreso tra 100 e 200")})
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.String()
}
