package names

import "testing"

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"AREA FINANZIARIA":               "AREA FINANZIARIA",
		"AREA\u200bFINANZIARIA":          "AREAFINANZIARIA",
		"AREA FINANZIARIA\u200b":         "AREA FINANZIARIA",
		"\u202eAIRAIZNANIF AERA":         "AIRAIZNANIF AERA",
		"\ufeffArea":                     "Area",
		"Area\u2066 tecnica\u2069":       "Area tecnica",
		"Area\u200e\u200f\u202a\u202c x": "Area x",
		"  Area \t\n  tecnica  ":         "Area tecnica",
		"Area\u00a0tecnica":              "Area tecnica",
		"Citta\u0300":                    "Città",
		"Area\u00adtecnica":              "Areatecnica",
		"\u200b":                         "",
		"Area\x00tecnica":                "Area tecnica",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEmail(t *testing.T) {
	for in, want := range map[string]string{
		" Mario.Rossi@Ente.it ":     "mario.rossi@ente.it",
		"mario\u200b.rossi@ente.it": "mario.rossi@ente.it",
		"mario.rossi@ente\u202e.it": "mario.rossi@ente.it",
		"mario .rossi@ente.it":      "mario .rossi@ente.it", // for the address check to refuse
	} {
		if got := Email(in); got != want {
			t.Errorf("Email(%q) = %q, want %q", in, got, want)
		}
	}
}
