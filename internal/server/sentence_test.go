package server

import "testing"

func TestSentence(t *testing.T) {
	cases := map[string]string{
		"":                         "",
		"titolo mancante":          "Titolo mancante.",
		"già fatto.":               "Già fatto.",
		"è già presente":           "È già presente.",
		"«virgolette» in apertura": "«virgolette» in apertura.",
		"Valore non ammesso":       "Valore non ammesso.",
	}
	for in, want := range cases {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
